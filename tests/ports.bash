# shellcheck shell=bash
# free_port: a TCP port on 127.0.0.1 that nothing listens on just now,
# for the servers the tests start (sshd, slurmctld, slurmd).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null
}
