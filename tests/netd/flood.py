#!/usr/bin/env python3
"""Hostile clients for the mr-netd tests (standard library only).

flood.py ADDR N BATCH SEED
    N connections in batches of BATCH open at once: each sends 1..2000
    random bytes (SEED makes them reproducible) and closes. Prints
    'sent N'.

flood.py stall ADDR N HOLD [IDLE]
    N connections each send a SUBMIT header announcing 1000 bytes of data
    and send only 10 of them; IDLE more connections (default 0) send
    nothing. Prints 'ready' once all are set up, then watches them for up
    to HOLD seconds (ending early once the server closed all of them) and
    prints 'stalled: K of N closed, first after A s, last after B s' and
    'idle: K of IDLE closed, first after A s, last after B s'
    (A and B are '-' when none was closed).
"""
import random
import select
import struct
import sys
import time

from raw import connect  # the script's directory is first on sys.path


def flood(addr, n, batch, seed):
    rnd = random.Random(seed)
    done = 0
    while done < n:
        k = min(batch, n - done)
        socks = [connect(addr) for _ in range(k)]
        for s in socks:
            b = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 2000)))
            try:
                s.sendall(b)
            except OSError:
                pass
        for s in socks:
            s.close()
        done += k
    print("sent %d" % done, flush=True)


def report(what, times, n):
    t = sorted(x for x in times if x is not None)
    if t:
        print("%s: %d of %d closed, first after %.2f s, last after %.2f s"
              % (what, len(t), n, t[0], t[-1]), flush=True)
    else:
        print("%s: 0 of %d closed, first after - s, last after - s"
              % (what, n), flush=True)


def stall(addr, n, hold, idle):
    spec = b"mr-map words"
    head = b"\x00" + struct.pack("<I", len(spec)) + spec + \
        struct.pack("<I", 1000) + b"0123456789"
    socks = []
    for _ in range(n):
        s = connect(addr)
        s.sendall(head)
        socks.append(s)
    idles = [connect(addr) for _ in range(idle)]
    start = time.monotonic()
    print("ready", flush=True)
    allsocks = socks + idles
    closed = [None] * len(allsocks)
    fdmap = {s.fileno(): i for i, s in enumerate(allsocks)}
    p = select.poll()
    for s in allsocks:
        p.register(s, select.POLLIN)
    left = len(allsocks)
    while left > 0:
        t = hold - (time.monotonic() - start)
        if t <= 0:
            break
        for fd, ev in p.poll(t * 1000):
            i = fdmap[fd]
            try:
                k = allsocks[i].recv(4096)
            except OSError:
                k = b""
            if not k and closed[i] is None:
                closed[i] = time.monotonic() - start
                p.unregister(fd)
                left -= 1
    report("stalled", closed[:n], n)
    report("idle", closed[n:], idle)
    for s in allsocks:
        s.close()


def main():
    a = sys.argv[1:]
    if a and a[0] == "stall":
        stall(a[1], int(a[2]), float(a[3]), int(a[4]) if len(a) > 4 else 0)
    elif len(a) == 4:
        flood(a[0], int(a[1]), int(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
