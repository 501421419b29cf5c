#!/usr/bin/env python3
"""Many clients at once for the mr-netd tests (standard library only).

soak.py hold ADDR N SECS
    Opens N connections (counting those that fail), sends nothing and
    keeps them for up to SECS seconds, ending early once the server has
    closed all of them. Prints 'ready K' once all are set up (K: opened),
    then 'held: K open, C closed by the server'.

soak.py churn ADDR N SECS PROCS
    Opens N connections and keeps them; meanwhile PROCS processes connect
    and close again as fast as they can, for SECS seconds. Prints 'ready'
    once the N are open (or have failed) and the others have started,
    then 'churn: K connections made' at the end.

soak.py soak ADDR SECS WORKERS
    For SECS seconds, WORKERS hostile processes (soak.py hostile) open
    batches of connections that stall, send half a request, or submit a
    job and never fetch it, then disconnect; meanwhile this process is a
    well-behaved client that submits a job, waits for it and checks its
    result, over and over, trying again when it is turned away. Prints
    'good: J jobs right, W wrong, R retries' and the hostile figures
    'hostile: C connections, F failed to connect, S submitted, Q refused'.
    Exits 1 if a job of the good client went wrong.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import time

from raw import connect, recv_exact  # the script's directory is first on sys.path


def frame(spec, data):
    return (b"\x00" + struct.pack("<I", len(spec)) + spec +
            struct.pack("<I", len(data)) + data)


def hold(addr, n, secs):
    socks, failed = [], 0
    for _ in range(n):
        try:
            socks.append(connect(addr))
        except OSError:
            failed += 1
    print("ready %d" % len(socks), flush=True)
    closed = set()
    deadline = time.monotonic() + secs
    while len(closed) < len(socks) and time.monotonic() < deadline:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
        time.sleep(0.1)
    print("held: %d open, %d closed by the server"
          % (len(socks) - len(closed), len(closed)), flush=True)
    for s in socks:
        s.close()


def hostile(addr, secs, seed):
    rnd = random.Random(seed)
    conns = failed = submitted = refused = 0
    deadline = time.monotonic() + secs
    job = frame(b"mr-map words", b"hostile\n")
    half = frame(b"mr-map words", b"0123456789" * 100)[:40]
    while time.monotonic() < deadline:
        socks = []
        for _ in range(rnd.randint(20, 60)):
            try:
                s = connect(addr)
            except OSError:
                failed += 1
                continue
            conns += 1
            socks.append(s)
            kind = rnd.randrange(3)
            try:
                if kind == 1:
                    s.sendall(half)
                elif kind == 2:
                    s.sendall(job)
                    s.settimeout(2)
                    if struct.unpack("<I", recv_exact(s, 4))[0]:
                        submitted += 1
                    else:
                        refused += 1
            except OSError:
                pass
        time.sleep(rnd.uniform(0.1, 0.6))
        for s in socks:
            s.close()
        time.sleep(rnd.uniform(0.05, 0.2))
    print("%d %d %d %d" % (conns, failed, submitted, refused), flush=True)


def churner(addr, secs):
    k = 0
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        try:
            connect(addr).close()
            k += 1
        except OSError:
            time.sleep(0.001)
    print(k, flush=True)


def churn(addr, n, secs, nprocs):
    me = os.path.abspath(__file__)
    socks = []
    for _ in range(n):
        try:
            socks.append(connect(addr))
        except OSError:
            pass
    procs = [subprocess.Popen([sys.executable, "-S", me, "churner", addr,
                               str(secs)], stdout=subprocess.PIPE)
             for _ in range(nprocs)]
    print("ready", flush=True)
    total = 0
    for p in procs:
        out, _ = p.communicate(timeout=secs + 30)
        total += int(out or 0)
    print("churn: %d connections made" % total, flush=True)
    for s in socks:
        s.close()


def good_job(addr, k):
    """One job through to its checked result; the retries it took."""
    data = ("good%d\n" % k).encode() * (k % 5 + 1)
    want = ("good%d\t1\n" % k).encode() * (k % 5 + 1)
    retries = 0
    while True:
        try:
            s = connect(addr)
            s.settimeout(30)
            s.sendall(frame(b"mr-map words", data))
            jid = struct.unpack("<I", recv_exact(s, 4))[0]
            if jid == 0:  # refused: queue or table full
                m = struct.unpack("<I", recv_exact(s, 4))[0]
                recv_exact(s, m)
                s.close()
                raise ConnectionError("refused")
            while True:
                s.sendall(b"\x02" + struct.pack("<II", jid, 10000))
                st = recv_exact(s, 1)[0]
                n = struct.unpack("<I", recv_exact(s, 4))[0]
                payload = recv_exact(s, n)
                if st not in (1, 2):
                    break
            s.close()
            return st == 0 and payload == want, retries, payload
        except OSError:
            retries += 1
            if retries > 3000:  # a minute: the daemon is not serving
                return False, retries, b"(gave up)"
            time.sleep(0.02)


def soak(addr, secs, workers):
    me = os.path.abspath(__file__)
    procs = [subprocess.Popen([sys.executable, "-S", me, "hostile", addr,
                               str(secs), str(i)], stdout=subprocess.PIPE)
             for i in range(workers)]
    deadline = time.monotonic() + secs
    right = wrong = retries = k = 0
    while time.monotonic() < deadline:
        ok, r, payload = good_job(addr, k)
        k += 1
        retries += r
        if ok:
            right += 1
        else:
            wrong += 1
            print("wrong result of good job %d: %r" % (k, payload),
                  file=sys.stderr, flush=True)
    tot = [0, 0, 0, 0]
    for p in procs:
        out, _ = p.communicate(timeout=secs + 30)
        for i, v in enumerate(out.split()):
            tot[i] += int(v)
    print("good: %d jobs right, %d wrong, %d retries" % (right, wrong,
                                                         retries))
    print("hostile: %d connections, %d failed to connect, %d submitted, "
          "%d refused" % tuple(tot), flush=True)
    sys.exit(1 if wrong or right == 0 else 0)


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "hold":
        hold(a[1], int(a[2]), float(a[3]))
    elif len(a) == 4 and a[0] == "soak":
        soak(a[1], float(a[2]), int(a[3]))
    elif len(a) == 5 and a[0] == "churn":
        churn(a[1], int(a[2]), float(a[3]), int(a[4]))
    elif len(a) == 3 and a[0] == "churner":
        churner(a[1], float(a[2]))
    elif len(a) == 4 and a[0] == "hostile":
        hostile(a[1], float(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
