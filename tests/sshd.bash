# An sshd of the tests' own on 127.0.0.1, for mr-par -S: generated host and
# client keys, key-only login as the current user, and an ssh_config with
# two host aliases to it (node1, node2) and one to a closed port (dead).
# Everything lives under $SSHD_DIR; nothing outside it is written but
# sshd's privilege separation directory, /run/sshd, when it is missing.
#
# sshd_start DIR: starts it (sets SSHD_DIR, SSHD_PID, MR_SSH); sshd_stop
# stops it by its pid.

# shellcheck source=tests/ports.bash
. "$(dirname "${BASH_SOURCE[0]}")/ports.bash"

sshd_start() {
	SSHD_DIR=$1
	mkdir -p "$SSHD_DIR"
	local port dead user
	port=$(free_port)
	dead=$(free_port)
	user=$(id -un)
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/client_key"
	cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"
	cat >"$SSHD_DIR/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		Port $port
		HostKey $SSHD_DIR/host_key
		PidFile $SSHD_DIR/sshd.pid
		AuthorizedKeysFile $SSHD_DIR/authorized_keys
		AllowUsers $user
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		MaxStartups 100:30:200
		MaxSessions 100
		LogLevel ERROR
	EOF
	cat >"$SSHD_DIR/ssh_config" <<-EOF
		Host node1 node2
		    HostName 127.0.0.1
		    Port $port
		Host dead
		    HostName 127.0.0.1
		    Port $dead
		Host *
		    User $user
		    IdentityFile $SSHD_DIR/client_key
		    IdentitiesOnly yes
		    StrictHostKeyChecking no
		    UserKnownHostsFile /dev/null
		    BatchMode yes
		    LogLevel ERROR
		    ConnectTimeout 5
	EOF
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd
	/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>"$SSHD_DIR/sshd.log" &
	SSHD_PID=$!
	MR_SSH="ssh -F $SSHD_DIR/ssh_config"
	local tries=0
	while [ "$tries" -lt 100 ]; do
		tries=$((tries + 1))
		$MR_SSH node1 true 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not come up:" >&2
	cat "$SSHD_DIR/sshd.log" >&2
	return 1
}

sshd_stop() {
	if [ -n "${SSHD_PID:-}" ]; then
		kill "$SSHD_PID" 2>/dev/null || true
		wait "$SSHD_PID" 2>/dev/null || true
	fi
}
