#!/usr/bin/env python3
"""A small client of mr-netd(1), in Python 3 with the standard library only.

As a module:

    from client import Client, DONE
    c = Client(unix="/run/mr-netd.sock")      # or Client("127.0.0.1", 1936)
    c.auth(b"secret")                          # only if the daemon has a token
    job = c.submit("mr-split | mr-map words | mr-shuffle | mr-reduce sum",
                   b"a b a\n")
    state, done, total, ms = c.progress(job)   # how far it is, at once
    state, payload = c.wait(job, 5000)         # one WAIT of up to 5 s
    if state == DONE:
        print(payload.decode(), end="")

One Client is one connection; its requests are answered in order. Every
integer on the wire is a u32 little-endian, but PROGRESS's byte counts,
u64; mr-netd(1) describes each frame.

As a program:

    python3 examples/client.py [--unix SOCKET | --host H --port P]
        [--token-file F] [--progress] SPEC < data

submits standard input, prints "job N" on standard error, waits (with
--progress, drawing "client.py: job N running, X.X MiB of Y.Y MiB (P%),
T.T s" on standard error as mr-netc(1) does: over the previous line on a
terminal every 0.2 s, else a line every 5 s, and a last line), and
prints the result on standard output: exit 0 when the job is done, 1 with
the reason on standard error otherwise, 2 on a usage error.

A data set uploaded once and analysed many times:

    python3 examples/client.py [...] --put NAME < data
    python3 examples/client.py [...] --on NAME SPEC

--put stores standard input as the data set NAME (PUT) and prints
nothing; --on runs SPEC on the data set NAME (SUBMIT-ON) instead of on
standard input, which is then not read.
"""

import argparse
import socket
import struct
import sys

# Opcodes.
SUBMIT, FETCH, WAIT, STATUS, CANCEL, PUT, SUBMIT_ON, AUTH, PROGRESS = range(9)

# Job states.
DONE, QUEUED, RUNNING, FAILED, UNKNOWN, CANCELLED = range(6)
STATES = ("done", "queued", "running", "failed", "unknown", "cancelled")

DEFAULT_PORT = 1936
# A WAIT is sent in slices shorter than the 6 s idle limit of a daemon run
# with --timeout 1, so that no daemon closes the connection between them.
WAIT_SLICE_MS = 5000
# How often --progress draws its line: on a terminal, and otherwise.
TTY_MS, LOG_MS = 200, 5000


class Rejected(Exception):
    """The daemon refused a request; the message is its reason."""


def state_name(state):
    return STATES[state] if 0 <= state < len(STATES) else "state %d" % state


def read_token(path):
    """The token: the first line of the file, without its line end."""
    with open(path, "rb") as f:
        line = f.readline(4098)
    token = line.split(b"\n")[0].split(b"\r")[0]
    if not token:
        raise ValueError("'%s': no token in it" % path)
    return token


def _u32(n):
    return struct.pack("<I", n)


def _bytes(s):
    return s.encode() if isinstance(s, str) else bytes(s)


def _field(b):
    if len(b) > 0xFFFFFFFF:
        raise ValueError("a field of %d bytes does not fit in a u32" % len(b))
    return _u32(len(b)) + b


class Client:
    def __init__(self, host="127.0.0.1", port=DEFAULT_PORT, unix=None):
        if unix is not None:
            self.where = "'%s'" % unix
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(unix)
            except OSError:
                self.sock.close()
                raise
        else:
            self.where = "%s:%s" % (host, port)
            self.sock = socket.create_connection((host, port))

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- framing --

    def _send(self, b):
        """Send a request. The daemon may answer a request it refuses (data
        over its limit, say) and close before reading all of it: a failed
        send is then ignored, so that the reply can still be read."""
        try:
            self.sock.sendall(b)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _recv(self, n):
        chunks = []
        while n > 0:
            b = self.sock.recv(min(n, 1 << 20))
            if not b:
                raise ConnectionError("connection to %s closed by the daemon"
                                      % self.where)
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def _recv8(self):
        return self._recv(1)[0]

    def _recv32(self):
        return struct.unpack("<I", self._recv(4))[0]

    def _job_reply(self):
        """The reply of SUBMIT and SUBMIT-ON: a job id, or 0 and a reason."""
        job = self._recv32()
        if job == 0:
            raise Rejected(self._recv(self._recv32()).decode(errors="replace"))
        return job

    def _state_reply(self):
        """The reply of FETCH and WAIT: u8 state, u32 len, payload."""
        state = self._recv8()
        return state, self._recv(self._recv32())

    # -- requests --

    def auth(self, token):
        """AUTH: must come first when the daemon has --token-file. A refused
        token raises Rejected, and the daemon closes the connection."""
        self._send(bytes([AUTH]) + _field(_bytes(token)))
        if self._recv8() != 0:
            raise Rejected("%s refused the token" % self.where)

    def submit(self, spec, data):
        """SUBMIT: run spec over data; the job id."""
        self._send(bytes([SUBMIT]) + _field(_bytes(spec)) + _field(_bytes(data)))
        return self._job_reply()

    def submit_on(self, spec, name):
        """SUBMIT-ON: run spec over the data set name (see put); the job id."""
        self._send(bytes([SUBMIT_ON]) + _field(_bytes(spec)) +
                   _field(_bytes(name)))
        return self._job_reply()

    def put(self, name, data):
        """PUT: store data as the data set name; empty data removes it."""
        self._send(bytes([PUT]) + _field(_bytes(name)) + _field(_bytes(data)))
        if self._recv8() != 0:
            raise Rejected(self._recv(self._recv32()).decode(errors="replace"))

    def fetch(self, job):
        """FETCH: (state, payload) now. payload is the result when DONE, the
        reason when FAILED, empty otherwise. Unless the daemon runs with
        --keep-results, a DONE, FAILED or CANCELLED reply is given once."""
        self._send(bytes([FETCH]) + _u32(job))
        return self._state_reply()

    def wait(self, job, timeout_ms):
        """WAIT: like fetch, but the reply comes when the job has finished
        or after timeout_ms (then QUEUED or RUNNING, empty payload)."""
        self._send(bytes([WAIT]) + _u32(job) + _u32(timeout_ms))
        return self._state_reply()

    def status(self, job):
        """STATUS: the state of the job; never consumes a result."""
        self._send(bytes([STATUS]) + _u32(job))
        return self._recv8()

    def cancel(self, job):
        """CANCEL: the state after it: CANCELLED for a queued or running
        job, the same state for a finished one, UNKNOWN for no such job."""
        self._send(bytes([CANCEL]) + _u32(job))
        return self._recv8()

    def progress(self, job, timeout_ms=0):
        """PROGRESS: (state, consumed, total, ms): bytes of the job's data
        its first stage has read, the size of the data, the milliseconds it
        has run. Held up to timeout_ms while the job is queued or running;
        never consumes a result. A daemon older than PROGRESS closes the
        connection instead (ConnectionError)."""
        self._send(bytes([PROGRESS]) + _u32(job) + _u32(timeout_ms))
        return struct.unpack("<BQQI", self._recv(21))

    def wait_done(self, job):
        """WAIT in slices until the job has finished: (state, payload)."""
        while True:
            state, payload = self.wait(job, WAIT_SLICE_MS)
            if state not in (QUEUED, RUNNING):
                return state, payload


def progress_line(prog, job, p):
    state, done, total, ms = p
    pct = (min(100, done * 100 // total) if total else
           100 if state == DONE else 0)
    return "%s: job %d %s, %.1f MiB of %.1f MiB (%d%%), %.1f s" % (
        prog, job, state_name(state), done / 1048576, total / 1048576, pct,
        ms / 1000)


def wait_progress(client, job, prog, out=sys.stderr, every_ms=None):
    """Wait with held PROGRESS requests (every_ms each at most), drawing
    the line on out; then fetch the result, once: (state, payload)."""
    tty = out.isatty()
    every = every_ms or (TTY_MS if tty else LOG_MS)

    def draw(p, final):
        line = progress_line(prog, job, p)
        if tty:
            line = "\r" + line + "\033[K"
        out.write(line + ("\n" if final or not tty else ""))
        out.flush()

    p = client.progress(job)
    if tty and p[0] in (QUEUED, RUNNING):
        draw(p, False)
    while p[0] in (QUEUED, RUNNING):
        p = client.progress(job, every)
        if p[0] in (QUEUED, RUNNING):
            draw(p, False)
    if p[0] != UNKNOWN:
        draw(p, True)
    return client.wait(job, 0)


def main(argv=None):
    prog = "client.py"
    ap = argparse.ArgumentParser(
        prog=prog, description="Run an mr job spec over standard input on "
        "mr-netd and print its result.")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--unix", metavar="SOCKET",
                       help="the Unix socket of the daemon")
    where.add_argument("--host", metavar="H", default="127.0.0.1",
                       help="its TCP address (default 127.0.0.1)")
    ap.add_argument("--port", metavar="P", type=int, default=DEFAULT_PORT,
                    help="its TCP port (default %d)" % DEFAULT_PORT)
    ap.add_argument("--token-file", metavar="F",
                    help="authenticate with the first line of F")
    ap.add_argument("--put", metavar="NAME",
                    help="store standard input as the data set NAME, no SPEC")
    ap.add_argument("--on", metavar="NAME",
                    help="run SPEC on the stored data set NAME")
    ap.add_argument("--progress", action="store_true",
                    help="show how far the job is on standard error")
    ap.add_argument("spec", metavar="SPEC", nargs="?",
                    help="the job spec, one argument")
    args = ap.parse_args(argv)
    if (args.put is None) == (args.spec is None):
        ap.error("give a SPEC, or --put NAME without one")
    if args.put is not None and args.on is not None:
        ap.error("--put and --on are mutually exclusive")

    def fail(msg):
        print("%s: %s" % (prog, msg), file=sys.stderr)
        return 1

    data = sys.stdin.buffer.read() if args.on is None else None
    try:
        token = read_token(args.token_file) if args.token_file else None
    except (OSError, ValueError) as e:
        return fail(str(e))
    try:
        if args.unix is not None:
            client = Client(unix=args.unix)
        else:
            client = Client(args.host, args.port)
    except OSError as e:
        return fail("cannot connect to %s: %s" % (
            "'%s'" % args.unix if args.unix is not None else
            "%s:%s" % (args.host, args.port), e.strerror or e))
    with client:
        try:
            if token is not None:
                client.auth(token)
        except Rejected as e:
            return fail(str(e))
        except OSError as e:
            return fail(str(e))
        if args.put is not None:
            try:
                client.put(args.put, data)
                return 0
            except Rejected as e:
                return fail("data set refused: %s" % e)
            except OSError as e:
                return fail(str(e))
        try:
            if args.on is not None:
                job = client.submit_on(args.spec, args.on)
            else:
                job = client.submit(args.spec, data)
            print("job %d" % job, file=sys.stderr)
            if args.progress:
                state, payload = wait_progress(client, job, prog)
            else:
                state, payload = client.wait_done(job)
        except Rejected as e:
            return fail("job rejected: %s" % e)
        except (OSError, ValueError) as e:
            return fail(str(e))
    if state == DONE:
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        except OSError as e:
            return fail("write error: %s" % (e.strerror or e))
        return 0
    if state == FAILED:
        return fail("job %d failed: %s" % (job, payload.decode(errors="replace")))
    return fail("job %d is %s" % (job, state_name(state)))


if __name__ == "__main__":
    sys.exit(main())
