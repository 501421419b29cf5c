#!/usr/bin/env python3
"""Raw mr-netd protocol client for the tests (standard library only).

usage: raw.py [-P] ADDR OP ARG... [OP ARG...]...

ADDR is a Unix socket path (it holds a '/') or [HOST:]PORT. The requests
are sent in order on one connection; after each, its reply is read and
printed on one line (bytes escaped as by esc() below):

  submit SPEC DATA        id N          | rejected: MSG
  submit-on SPEC NAME     id N          | rejected: MSG
  fetch ID                S [PAYLOAD]   (the state, then the payload if
  wait ID MS              S [PAYLOAD]    its length is not 0)
  status ID               S
  cancel ID               S
  progress ID MS          S CONSUMED TOTAL ELAPSED_MS (PROGRESS, held up
                          to MS ms while the job is queued or running)
  put NAME DATA           ok            | refused: MSG
  auth TOKEN              S
  raw BYTES               (nothing: BYTES are sent, no reply is read)
  read N                  up to N bytes that arrive within 2 s, escaped
  eof SECS                closed        | open (nothing came within SECS)
  sleep SECS              (nothing)
  mark                    ms N: the milliseconds since the previous mark
                          (or since the connection was made)
  poll ID S               S: sends STATUS every 20 ms until the state is
                          S (at most 30 s), prints the last state

SPEC, NAME, TOKEN and DATA are taken literally, except that DATA '@FILE'
is the contents of FILE, and BYTES are decoded with Python's backslash
escapes (b'\\x00\\x05...'). An ID of '%' is the id of the last accepted
submit of this run. When the server closes the connection where a reply
is expected, 'closed' is printed and the remaining requests are skipped.

-P (pipelined): every request is sent first, then every reply is read
(an ID of '%' is not allowed then).
"""
import codecs
import os
import socket
import struct
import sys
import time

ARITY = {
    "submit": 2, "submit-on": 2, "fetch": 1, "wait": 2, "status": 1,
    "cancel": 1, "put": 2, "auth": 1, "raw": 1, "read": 1, "eof": 1,
    "sleep": 1, "poll": 2, "mark": 0, "progress": 2,
}
OPCODE = {
    "submit": 0, "fetch": 1, "wait": 2, "status": 3, "cancel": 4, "put": 5,
    "submit-on": 6, "auth": 7, "progress": 8,
}


class Closed(ConnectionError):
    pass


def esc(b):
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x09:
            out.append("\\t")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def connect(addr):
    if "/" in addr:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr)
    else:
        host, _, port = addr.rpartition(":")
        s = socket.create_connection((host or "127.0.0.1", int(port)))
    return s


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        try:
            k = s.recv(n - len(b))
        except (ConnectionResetError, BrokenPipeError):
            k = b""
        if not k:
            raise Closed()
        b += k
    return b


def u32(v):
    return struct.pack("<I", v)


def get32(s):
    return struct.unpack("<I", recv_exact(s, 4))[0]


def data_arg(a):
    if a.startswith("@"):
        with open(a[1:], "rb") as f:
            return f.read()
    return a.encode("utf-8", "surrogateescape")


def text(a):
    return a.encode("utf-8", "surrogateescape")


class Client:
    def __init__(self, addr):
        self.s = connect(addr)
        self.last = None
        self.mark = time.monotonic()

    def ident(self, a):
        if a == "%":
            if self.last is None:
                sys.exit("raw.py: no job id yet")
            return self.last
        return int(a)

    def frame(self, op, args):
        """The bytes of a request, or None for a local operation."""
        if op in ("submit", "put"):
            a, b = text(args[0]), data_arg(args[1])
            return bytes([OPCODE[op]]) + u32(len(a)) + a + u32(len(b)) + b
        if op == "submit-on":
            a, b = text(args[0]), text(args[1])
            return bytes([OPCODE[op]]) + u32(len(a)) + a + u32(len(b)) + b
        if op in ("fetch", "status", "cancel"):
            return bytes([OPCODE[op]]) + u32(self.ident(args[0]))
        if op in ("wait", "progress"):
            return (bytes([OPCODE[op]]) + u32(self.ident(args[0])) +
                    u32(int(args[1])))
        if op == "auth":
            a = text(args[0])
            return bytes([OPCODE[op]]) + u32(len(a)) + a
        if op == "raw":
            return codecs.escape_decode(args[0].encode())[0]
        return None

    def send(self, b):
        try:
            self.s.sendall(b)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reply (or 'closed') tells what happened

    def reply(self, op, args):
        s = self.s
        if op in ("submit", "submit-on"):
            i = get32(s)
            if i == 0:
                return "rejected: " + esc(recv_exact(s, get32(s)))
            self.last = i
            return "id %d" % i
        if op in ("fetch", "wait"):
            st = recv_exact(s, 1)[0]
            n = get32(s)
            return "%d %s" % (st, esc(recv_exact(s, n))) if n else str(st)
        if op == "progress":
            st, done, total, ms = struct.unpack("<BQQI", recv_exact(s, 21))
            return "%d %d %d %d" % (st, done, total, ms)
        if op in ("status", "cancel", "auth"):
            return str(recv_exact(s, 1)[0])
        if op == "put":
            st = recv_exact(s, 1)[0]
            if st == 0:
                return "ok"
            return "refused(%d): %s" % (st, esc(recv_exact(s, get32(s))))
        if op == "read":
            s.settimeout(2)
            b = b""
            try:
                while len(b) < int(args[0]):
                    k = s.recv(int(args[0]) - len(b))
                    if not k:
                        break
                    b += k
            except (socket.timeout, ConnectionResetError):
                pass
            s.settimeout(None)
            return esc(b)
        if op == "eof":
            s.settimeout(float(args[0]))
            try:
                k = s.recv(1)
                r = "closed" if not k else "data " + esc(k)
            except socket.timeout:
                r = "open"
            except ConnectionResetError:
                r = "closed"
            s.settimeout(None)
            return r
        if op == "sleep":
            time.sleep(float(args[0]))
        if op == "mark":
            t = time.monotonic()
            ms, self.mark = int((t - self.mark) * 1000), t
            return "ms %d" % ms
        if op == "poll":
            end = time.monotonic() + 30
            while True:
                self.send(bytes([OPCODE["status"]]) + u32(self.ident(args[0])))
                st = recv_exact(s, 1)[0]
                if st == int(args[1]) or time.monotonic() > end:
                    return str(st)
                time.sleep(0.02)
        return None


def main():
    argv = sys.argv[1:]
    pipelined = False
    if argv and argv[0] == "-P":
        pipelined = True
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    addr, argv = argv[0], argv[1:]
    reqs = []
    while argv:
        op = argv[0]
        if op not in ARITY or len(argv) < 1 + ARITY[op]:
            sys.exit("raw.py: bad request at '%s'" % op)
        reqs.append((op, argv[1:1 + ARITY[op]]))
        argv = argv[1 + ARITY[op]:]
    c = Client(addr)
    try:
        if pipelined:
            c.send(b"".join(c.frame(op, a) or b"" for op, a in reqs))
            for op, a in reqs:
                if op not in ("raw",):
                    r = c.reply(op, a)
                    if r is not None:
                        print(r, flush=True)
        else:
            for op, a in reqs:
                f = c.frame(op, a)
                if f is not None:
                    c.send(f)
                r = c.reply(op, a) if op != "raw" else None
                if r is not None:
                    print(r, flush=True)
    except Closed:
        print("closed", flush=True)
    c.s.close()


if __name__ == "__main__":
    main()
