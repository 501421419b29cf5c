#!/usr/bin/env python3
"""Load generator for bench/netd.sh: C concurrent clients, each submitting
J one-line word counts one after another and waiting for each result.
Prints jobs per second and p50/p99 latency (submit to result) in ms.
Mode "mr-netd" speaks the protocol to a Unix socket; mode "tsp" runs the
same pipeline through task-spooler's `tsp sh -c ...` and `tsp -w`."""
import socket, struct, subprocess, sys, threading, time

SPEC = "mr-split | mr-map words | mr-shuffle | mr-reduce sum"
LINE = "the quick brown fox jumps over the lazy dog the end\n"
WANT = "brown\t1\ndog\t1\nend\t1\nfox\t1\njumps\t1\nlazy\t1\nover\t1\nquick\t1\nthe\t3\n"

def recvn(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise IOError("connection closed")
        b += c
    return b

def netd_job(sock):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    spec, data = SPEC.encode(), LINE.encode()
    s.sendall(b"\0" + struct.pack("<I", len(spec)) + spec + struct.pack("<I", len(data)) + data)
    (jid,) = struct.unpack("<I", recvn(s, 4))
    assert jid != 0
    s.sendall(b"\2" + struct.pack("<II", jid, 60000))
    state = recvn(s, 1)[0]
    (n,) = struct.unpack("<I", recvn(s, 4))
    out = recvn(s, n).decode()
    s.close()
    assert state == 0 and out == WANT, (state, out)

def tsp_job(_):
    cmd = "printf '%s' | %s" % (LINE.replace("\n", "\\n"), " | ".join(
        "bin/" + st.strip() for st in SPEC.split("|")))
    jid = subprocess.run(["tsp", "sh", "-c", cmd], capture_output=True,
                         text=True, check=True).stdout.strip()
    subprocess.run(["tsp", "-w", jid], check=True, capture_output=True)
    out = subprocess.run(["tsp", "-o", jid], capture_output=True,
                         text=True, check=True).stdout.strip()
    with open(out) as f:
        assert f.read() == WANT
    subprocess.run(["tsp", "-r", jid], capture_output=True)

def main():
    mode, target, clients, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    job = netd_job if mode == "mr-netd" else tsp_job
    lat, lock = [], threading.Lock()
    def client():
        for _ in range(per):
            t = time.monotonic()
            job(target)
            with lock:
                lat.append(time.monotonic() - t)
    t0 = time.monotonic()
    ts = [threading.Thread(target=client) for _ in range(clients)]
    for t in ts: t.start()
    for t in ts: t.join()
    el = time.monotonic() - t0
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print("| %s | %d | %d | %.1f | %.1f | %.1f |" % (mode, clients, len(lat),
          len(lat) / el, p(0.50), p(0.99)))

main()
