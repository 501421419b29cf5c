# A single-node Slurm cluster of the tests' own: a munged with its own key
# and socket, a slurmctld and a slurmd, all run as root in the foreground
# in the background of the test shell, with a slurm.conf generated under
# DIR. Nothing outside DIR is written: the daemons and every client command
# find the configuration through $SLURM_CONF and our munged through
# AuthInfo=socket=..., so a system munged or slurmd, if any, is left alone.
#
# slurm_start DIR: starts the three daemons, waits (bounded) until the
# node is idle, and exports SLURM_CONF, SLURM_DIR and the daemons' pids;
# on failure it prints the daemons' logs. slurm_stop cancels every job,
# then stops the daemons by their pids.

SLURM_NODE=mrnode
# The node claims more CPUs than the machine may have, so that several
# job steps or array tasks run at once even on a 2-core runner; slurmd
# accepts the mismatch with SlurmdParameters=config_overrides.
SLURM_CPUS=8

# shellcheck source=tests/ports.bash
. "$(dirname "${BASH_SOURCE[0]}")/ports.bash"

# slurm_wait SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails
# after SECONDS.
slurm_wait() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		tries=$((tries - 1))
		sleep 0.1
	done
	return 1
}

slurm_logs() {
	local f
	for f in "$SLURM_DIR"/munged.log "$SLURM_DIR"/slurmctld.log "$SLURM_DIR"/slurmd.log \
		"$SLURM_DIR"/munged.out "$SLURM_DIR"/slurmctld.out "$SLURM_DIR"/slurmd.out; do
		[ -s "$f" ] || continue
		echo "--- $f" >&2
		tail -n 40 "$f" >&2
	done
}

slurm_no_jobs() {
	[ -z "$(squeue -h -o %i)" ]
}

slurm_node_idle() {
	[ "$(sinfo -h -n "$SLURM_NODE" -o %t)" = idle ]
}

slurm_start() {
	SLURM_DIR=$1
	mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool"
	chmod 700 "$SLURM_DIR"
	local host ctld_port d_port
	host=$(hostname -s)
	ctld_port=$(free_port)
	d_port=$(free_port)

	dd if=/dev/urandom of="$SLURM_DIR/munge.key" bs=1024 count=1 status=none
	chmod 400 "$SLURM_DIR/munge.key"
	# --force: munged refuses to run as root, and checks the modes of
	# the directories on the way to its files, without it.
	munged --foreground --force \
		--socket="$SLURM_DIR/munge.socket" --key-file="$SLURM_DIR/munge.key" \
		--pid-file="$SLURM_DIR/munged.pid" --log-file="$SLURM_DIR/munged.log" \
		--seed-file="$SLURM_DIR/munged.seed" >"$SLURM_DIR/munged.out" 2>&1 3>&- &
	MUNGED_PID=$!
	if ! slurm_wait 10 test -S "$SLURM_DIR/munge.socket"; then
		echo "munged did not come up" >&2
		slurm_logs
		return 1
	fi

	cat >"$SLURM_DIR/slurm.conf" <<-EOF
		ClusterName=mrtest
		SlurmctldHost=$host(127.0.0.1)
		SlurmctldPort=$ctld_port
		SlurmdPort=$d_port
		SlurmUser=root
		SlurmdUser=root
		AuthType=auth/munge
		AuthInfo=socket=$SLURM_DIR/munge.socket
		CredType=cred/munge
		StateSaveLocation=$SLURM_DIR/state
		SlurmdSpoolDir=$SLURM_DIR/spool
		SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
		SlurmdPidFile=$SLURM_DIR/slurmd.pid
		SlurmctldLogFile=$SLURM_DIR/slurmctld.log
		SlurmdLogFile=$SLURM_DIR/slurmd.log
		SlurmctldDebug=info
		SlurmdDebug=info
		PlugStackConfig=$SLURM_DIR/plugstack.conf
		ProctrackType=proctrack/linuxproc
		TaskPlugin=task/none
		MpiDefault=none
		SwitchType=switch/none
		JobCompType=jobcomp/none
		AccountingStorageType=accounting_storage/none
		JobAcctGatherType=jobacct_gather/none
		SchedulerType=sched/builtin
		MailProg=/bin/true
		SchedulerParameters=sched_interval=2
		SelectType=select/cons_tres
		SelectTypeParameters=CR_CPU
		SlurmdParameters=config_overrides
		ReturnToService=2
		MaxJobCount=1000
		MinJobAge=300
		KillWait=2
		MessageTimeout=10
		SlurmdTimeout=30
		SlurmctldTimeout=30
		InactiveLimit=0
		NodeName=$SLURM_NODE NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS RealMemory=1000 State=UNKNOWN
		PartitionName=debug Nodes=$SLURM_NODE Default=YES MaxTime=INFINITE State=UP
	EOF
	: >"$SLURM_DIR/plugstack.conf"
	export SLURM_CONF=$SLURM_DIR/slurm.conf SLURM_DIR

	# -i: ignore any state left in StateSaveLocation (there is none).
	slurmctld -D -i -f "$SLURM_CONF" >"$SLURM_DIR/slurmctld.out" 2>&1 3>&- &
	SLURMCTLD_PID=$!
	slurmd -D -N "$SLURM_NODE" -f "$SLURM_CONF" >"$SLURM_DIR/slurmd.out" 2>&1 3>&- &
	SLURMD_PID=$!
	export MUNGED_PID SLURMCTLD_PID SLURMD_PID
	if ! slurm_wait 30 slurm_node_idle; then
		echo "the Slurm node did not become idle: $(sinfo -h -o '%n %t' 2>&1)" >&2
		slurm_logs
		return 1
	fi
}

slurm_gone() {
	! kill -0 "$1"
}

# slurm_kill PID: SIGTERM, then SIGKILL after 10 s, and reap it.
slurm_kill() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	slurm_wait 10 slurm_gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}

slurm_stop() {
	if [ -n "${SLURMCTLD_PID:-}" ]; then
		scancel --full -u "$(id -un)" 2>/dev/null || true
		slurm_wait 10 slurm_no_jobs || true
	fi
	slurm_kill "${SLURMD_PID:-}"
	slurm_kill "${SLURMCTLD_PID:-}"
	slurm_kill "${MUNGED_PID:-}"
}

# A bats file that loads this one gets these hooks: the cluster starts
# under BATS_FILE_TMPDIR before its first test (or the file is skipped
# when Slurm is not installed) and stops after its last.
setup_file() {
	local prog
	for prog in slurmctld slurmd munged; do
		command -v "$prog" >/dev/null || skip "$prog is not installed"
	done
	slurm_start "$BATS_FILE_TMPDIR/slurm"
}

teardown_file() {
	slurm_stop
}
