#!/usr/bin/env python3
"""A daemon from before PROGRESS, for the tests (standard library only): a
proxy from the Unix socket LISTEN to mr-netd's Unix socket UPSTREAM that
closes, without a reply, a connection whose first byte is 0x08
(PROGRESS), as an old mr-netd closes one on an unknown opcode. Anything
else is relayed both ways.

usage: old.py LISTEN UPSTREAM
"""
import os
import socket
import sys
import threading


def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(c, upstream):
    first = c.recv(1)
    if not first or first[0] == 0x08:
        c.close()
        return
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    u.connect(upstream)
    u.sendall(first)
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
    pump(c, u)


def main():
    listen, upstream = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound under another name, then renamed: it exists once it listens.
    s.bind(listen + ".tmp")
    s.listen(16)
    os.rename(listen + ".tmp", listen)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, upstream),
                         daemon=True).start()


if __name__ == "__main__":
    main()
