#!/usr/bin/env python3
"""The reference the issues compare against: a Python multiprocessing
MapReduce word count with chunks of 10,000 words, as the course material
does it (map each chunk to a Counter in a Pool, then merge)."""
import collections, multiprocessing, sys

def count(words):
    return collections.Counter(words)

def chunks(path, n=10000):
    buf = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            buf.extend(line.split())
            while len(buf) >= n:
                yield buf[:n]
                buf = buf[n:]
    if buf:
        yield buf

def main():
    total = collections.Counter()
    with multiprocessing.Pool(int(sys.argv[2]) if len(sys.argv) > 2 else 2) as p:
        for c in p.imap_unordered(count, chunks(sys.argv[1]), chunksize=4):
            total.update(c)
    out = sys.stdout.buffer
    for w in sorted(total, key=lambda w: w.encode("utf-8", "surrogateescape")):
        out.write(w.encode("utf-8", "surrogateescape") + b"\t%d\n" % total[w])

main()
