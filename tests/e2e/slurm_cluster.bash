# shellcheck shell=bash
# slurm_cluster.bash - a real single-node Slurm cluster for the end-to-end
# tests: munged, slurmctld and slurmd (Debian packages munge and slurm-wlm)
# run as the current user (root) with everything of theirs - munge key,
# sockets, slurm.conf, state, spool, pid and log files - in one folder.
# Nothing in /etc/slurm, /etc/munge or /run/munge is read or changed.
#
# Use from a .bats file:
#
#   load slurm_cluster                      # for setup_file and every test
#   setup_file()    { slurm_cluster_start "$BATS_FILE_TMPDIR/slurm"; }
#   teardown_file() { slurm_cluster_stop "$BATS_FILE_TMPDIR/slurm"; }
#   @test "..." {
#       job=$(sbatch --parsable --wrap 'echo hi')
#       [ "$(slurm_wait_job "$job")" = COMPLETED ]
#   }
#
# slurm_cluster_start DIR exports (setup_file's exports reach the tests):
#   SLURM_CONF            DIR/slurm.conf; every Slurm client (sbatch, squeue,
#                         scontrol, scancel, sinfo) reads it
#   SLURM_CLUSTER_DIR     DIR
#   SLURM_CLUSTER_NODE    the name of the one node (the short host name)
#   SLURM_CLUSTER_CPUS    the CPUs the node offers (at least 4, see below)
#   SLURM_CLUSTER_GPUS    the GPUs the node offers: 1, a gres/gpu whose
#                         device file is a symlink to /dev/null (a job that
#                         asks for it gets CUDA_VISIBLE_DEVICES=0)
#
# The cluster: partitions "debug" (the default) and "other", both holding the
# node, no time limit; select/cons_tres with CR_Core_Memory, DefMemPerCPU=100
# (so that jobs without --mem do not take the whole node's memory and run one
# at a time); the node offers max(nproc, 4) CPUs and 1 GPU whatever the
# machine has (SlurmdParameters=config_overrides), so that tests can ask for
# --cpus-per-task=2 on two parallel jobs, or --gpus=1. MinJobAge=600 keeps
# finished jobs visible to `scontrol show job` and `squeue -t all` for ten
# minutes. No accounting: sacct does not work.
#
# Helpers for the tests: slurm_job_field JOBID FIELD, slurm_wait_job JOBID
# [TIMEOUT] (prints the final JobState), slurm_wait_job_state JOBID STATE
# [TIMEOUT], slurm_wait_job_field JOBID FIELD VALUE [TIMEOUT].
#
# Files in DIR: slurm.conf gres.conf plugstack.conf dev/nvidia0, munge/ (key, pid, log,
# seed), state/ (StateSaveLocation), spool/ (SlurmdSpoolDir), slurmctld.log
# slurmd.log (the daemons' logs), slurmctld.out slurmd.out munged.out (their
# stdout and stderr), pids: one line "PID STARTTIME NAME" per daemon started
# (STARTTIME: field 22 of /proc/PID/stat, so that a reused pid is never
# killed). If DIR is too long for Unix socket paths (munged's socket,
# slurmstepd's sockets in the spool folder; 107 bytes at most), the munge
# socket and the spool folder go to a short /tmp/dfc-slurm.XXXXXX instead,
# named in DIR/runtime-dir and removed by slurm_cluster_stop.

_slurm_cluster_die() {
	echo "slurm_cluster: $*" >&2
	return 1
}

# The start time of PID (field 22 of /proc/PID/stat), empty if it is gone.
_slurm_cluster_starttime() { # PID
	local rest fields
	read -r rest 2>/dev/null < "/proc/$1/stat" || return 1
	rest=${rest##*) } # after "pid (comm) ": field 3 on
	read -r -a fields <<<"$rest"
	echo "${fields[19]}"
}

# Whether PID runs (a zombie, dead but not yet reaped, does not).
_slurm_cluster_alive() { # PID
	local rest state
	read -r rest 2>/dev/null < "/proc/$1/stat" || return 1
	rest=${rest##*) }
	state=${rest%% *}
	[ "$state" != Z ] && [ "$state" != X ]
}

# Whether PID is still the process that started at STARTTIME.
_slurm_cluster_same() { # PID STARTTIME
	_slurm_cluster_alive "$1" && [ "$(_slurm_cluster_starttime "$1")" = "$2" ]
}

# Whether nothing listens on TCP PORT.
_slurm_cluster_port_free() { # PORT
	if command -v ss >/dev/null; then
		[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] || return 1
	fi
	# shellcheck disable=SC2016 # the script's $1 is its own argument
	! timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Two free ports "CTLD SLURMD", random in 10000..32767 (below Linux's
# ephemeral range, 32768..60999, so outgoing connections do not take them
# meanwhile).
_slurm_cluster_pick_ports() {
	local a b i
	for ((i = 0; i < 50; i++)); do
		a=$((10000 + RANDOM % 22768))
		b=$((10000 + RANDOM % 22768))
		[ "$a" != "$b" ] || continue
		if _slurm_cluster_port_free "$a" && _slurm_cluster_port_free "$b"; then
			echo "$a $b"
			return 0
		fi
	done
	_slurm_cluster_die "no free ports found"
}

# Start a daemon in the background, its output in OUT; record its pid.
_slurm_cluster_spawn() { # DIR NAME OUT COMMAND...
	local dir=$1 name=$2 out=$3 pid start
	shift 3
	env SLURM_CONF="$dir/slurm.conf" "$@" </dev/null >"$out" 2>&1 3>&- 4>&- 5>&- &
	pid=$!
	start=$(_slurm_cluster_starttime "$pid") || start=0
	echo "$pid $start $name" >> "$dir/pids"
}

# The pid of daemon NAME as recorded in DIR/pids.
_slurm_cluster_pid() { # DIR NAME
	local pid start name
	[ -f "$1/pids" ] || return 1
	while read -r pid start name; do
		[ "$name" = "$2" ] && { echo "$pid"; return 0; }
	done < "$1/pids"
	return 1
}

_slurm_cluster_show_logs() { # DIR
	local f
	for f in "$1"/munge/munged.log "$1"/munged.out "$1"/slurmctld.log \
		"$1"/slurmctld.out "$1"/slurmd.log "$1"/slurmd.out; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/} (last 25 lines) ---" >&2
		tail -n 25 "$f" >&2
	done
}

_slurm_cluster_write_conf() { # DIR RUNTIME CTLD_PORT SLURMD_PORT
	local dir=$1 rt=$2 host=$SLURM_CLUSTER_NODE mem
	# Half the machine's memory, 1000..16000 MB.
	mem=$(awk '/^MemTotal:/ { m = int($2 / 1024 / 2); print (m < 1000 ? 1000 : (m > 16000 ? 16000 : m)) }' /proc/meminfo)
	[ -n "$mem" ] || mem=1000
	cat > "$dir/slurm.conf" <<-CONF
		# Written by slurm_cluster_start: a throw-away one-node cluster for the tests.
		ClusterName=dfc-test
		SlurmctldHost=$host(127.0.0.1)
		SlurmctldPort=$3
		SlurmdPort=$4
		SlurmUser=root
		SlurmdUser=root
		AuthType=auth/munge
		AuthInfo=socket=$rt/munge.socket
		CredType=cred/munge
		PlugStackConfig=$dir/plugstack.conf
		ProctrackType=proctrack/linuxproc
		TaskPlugin=task/none
		SwitchType=switch/none
		MpiDefault=none
		SelectType=select/cons_tres
		SelectTypeParameters=CR_Core_Memory
		DefMemPerCPU=100
		SchedulerType=sched/backfill
		SchedulerParameters=sched_min_interval=100000,bf_interval=1
		JobAcctGatherType=jobacct_gather/none
		AccountingStorageType=accounting_storage/none
		JobCompType=jobcomp/none
		MailProg=/bin/true
		StateSaveLocation=$dir/state
		SlurmdSpoolDir=$rt/spool
		SlurmctldPidFile=$dir/slurmctld.pid
		SlurmdPidFile=$dir/slurmd.pid
		SlurmctldLogFile=$dir/slurmctld.log
		SlurmdLogFile=$dir/slurmd.log
		SlurmctldDebug=info
		SlurmdDebug=info
		SlurmdParameters=config_overrides
		ReturnToService=2
		MinJobAge=600
		KillWait=2
		InactiveLimit=0
		Waittime=0
		MessageTimeout=10
		TCPTimeout=5
		SlurmctldTimeout=30
		SlurmdTimeout=60
		GresTypes=gpu
		NodeName=$host NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$SLURM_CLUSTER_CPUS Sockets=1 CoresPerSocket=$SLURM_CLUSTER_CPUS ThreadsPerCore=1 RealMemory=$mem Gres=gpu:$SLURM_CLUSTER_GPUS State=UNKNOWN
		PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
		PartitionName=other Nodes=ALL Default=NO MaxTime=INFINITE State=UP
	CONF
	cat > "$dir/gres.conf" <<-CONF
		# A GPU in name only: Slurm wants a character device, /dev/null is one.
		NodeName=$host Name=gpu File=$dir/dev/nvidia0
	CONF
	mkdir -p "$dir/dev" && ln -sfn /dev/null "$dir/dev/nvidia0"
	# No SPANK plugins (the default would read /etc/slurm/plugstack.conf).
	: > "$dir/plugstack.conf"
}

# Wait (up to TIMEOUT s) until the node is idle in every partition; fail as
# soon as a daemon has died.
_slurm_cluster_wait_idle() { # DIR TIMEOUT
	local dir=$1 deadline states pid start name
	deadline=$((SECONDS + $2))
	while ((SECONDS < deadline)); do
		while read -r pid start name; do
			_slurm_cluster_same "$pid" "$start" ||
				{ echo "slurm_cluster: $name (pid $pid) exited" >&2; return 1; }
		done < "$dir/pids"
		states=$(sinfo -h -N -n "$SLURM_CLUSTER_NODE" -o %t 2>/dev/null | sort -u)
		[ "$states" = idle ] && return 0
		sleep 0.2
	done
	echo "slurm_cluster: node not idle after $2 s (sinfo: ${states:-nothing})" >&2
	return 1
}

# Start munged in DIR; its socket is RUNTIME/munge.socket.
_slurm_cluster_start_munge() { # DIR RUNTIME
	local dir=$1 rt=$2 i
	mkdir -p "$dir/munge" && chmod 0700 "$dir/munge" || return 1
	if ! mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1; then
		dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none || return 1
	fi
	chmod 0400 "$dir/munge/munge.key" || return 1
	_slurm_cluster_spawn "$dir" munged "$dir/munged.out" munged --foreground --force \
		--socket="$rt/munge.socket" --key-file="$dir/munge/munge.key" \
		--pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
		--seed-file="$dir/munge/munged.seed" --num-threads=2
	for ((i = 0; i < 200; i++)); do
		munge -n -S "$rt/munge.socket" 2>/dev/null | unmunge -S "$rt/munge.socket" >/dev/null 2>&1 &&
			return 0
		_slurm_cluster_alive "$(_slurm_cluster_pid "$dir" munged)" || break
		sleep 0.05
	done
	echo "slurm_cluster: munged did not start" >&2
	return 1
}

# Start slurmctld and slurmd on fresh ports and wait for the node; on failure
# stop them again. Returns 2 if a port turned out to be taken (try again).
_slurm_cluster_try_start_slurm() { # DIR RUNTIME
	local dir=$1 rt=$2 ports
	ports=$(_slurm_cluster_pick_ports) || return 1
	# shellcheck disable=SC2086 # two words on purpose
	_slurm_cluster_write_conf "$dir" "$rt" $ports || return 1
	rm -rf "$dir/state" "$rt/spool"
	mkdir -p "$dir/state" "$rt/spool" || return 1
	: > "$dir/slurmctld.log"
	: > "$dir/slurmd.log"
	_slurm_cluster_spawn "$dir" slurmctld "$dir/slurmctld.out" \
		slurmctld -D -f "$dir/slurm.conf"
	_slurm_cluster_spawn "$dir" slurmd "$dir/slurmd.out" \
		slurmd -D -f "$dir/slurm.conf" -N "$SLURM_CLUSTER_NODE"
	_slurm_cluster_wait_idle "$dir" 60 && return 0
	if grep -qi 'address already in use' "$dir"/slurmctld.* "$dir"/slurmd.* 2>/dev/null; then
		_slurm_cluster_kill "$dir" slurmd
		_slurm_cluster_kill "$dir" slurmctld
		_slurm_cluster_forget "$dir" slurmd
		_slurm_cluster_forget "$dir" slurmctld
		return 2
	fi
	return 1
}

# TERM, then (after up to 10 s) KILL daemon NAME of DIR/pids, if it is still
# the process that was started.
_slurm_cluster_kill() { # DIR NAME
	local dir=$1 pid start name i
	[ -f "$dir/pids" ] || return 0
	while read -r pid start name; do
		[ "$name" = "$2" ] || continue
		_slurm_cluster_same "$pid" "$start" || continue
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			_slurm_cluster_same "$pid" "$start" || break
			sleep 0.05
		done
		if _slurm_cluster_same "$pid" "$start"; then
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 100; i++)); do
				_slurm_cluster_alive "$pid" || break
				sleep 0.05
			done
		fi
		wait "$pid" 2>/dev/null || true # reap it if it is our child
	done < "$dir/pids"
	return 0
}

# Drop daemon NAME from DIR/pids (it is gone; a retry starts it anew).
_slurm_cluster_forget() { # DIR NAME
	grep -v " $2\$" "$1/pids" > "$1/pids.new" || true
	mv -f "$1/pids.new" "$1/pids"
}

slurm_cluster_start() { # DIR
	local dir=${1:?slurm_cluster_start DIR} rt n rc attempt
	local bin
	for bin in munged munge unmunge slurmctld slurmd sinfo; do
		command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] ||
			_slurm_cluster_die "$bin is missing (run scripts/install-deps: slurm-wlm, munge)" || return 1
	done
	case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	[ ! -s "$dir/pids" ] || _slurm_cluster_die "$dir: a cluster was started there already" || return 1
	: > "$dir/pids"
	SLURM_CLUSTER_NODE=$(hostname -s 2>/dev/null || hostname)
	# Unix socket paths: DIR/munge.socket and slurmstepd's
	# SPOOL/NODE_JOBID.STEPID (ids up to 10 digits) must fit in 107 bytes.
	rt=$dir
	if ((${#dir} + ${#SLURM_CLUSTER_NODE} + 30 > 107)); then
		rt=$(mktemp -d /tmp/dfc-slurm.XXXXXX) || return 1
		echo "$rt" > "$dir/runtime-dir"
	fi
	SLURM_CLUSTER_DIR=$dir
	n=$(nproc 2>/dev/null || echo 1)
	SLURM_CLUSTER_CPUS=$((n > 4 ? n : 4))
	SLURM_CLUSTER_GPUS=1
	SLURM_CONF=$dir/slurm.conf
	export SLURM_CONF SLURM_CLUSTER_DIR SLURM_CLUSTER_NODE SLURM_CLUSTER_CPUS SLURM_CLUSTER_GPUS
	if ! _slurm_cluster_start_munge "$dir" "$rt"; then
		_slurm_cluster_show_logs "$dir"
		slurm_cluster_stop "$dir"
		return 1
	fi
	for ((attempt = 0; attempt < 3; attempt++)); do
		rc=0
		_slurm_cluster_try_start_slurm "$dir" "$rt" || rc=$?
		[ "$rc" -eq 0 ] && return 0
		[ "$rc" -eq 2 ] || break
	done
	echo "slurm_cluster_start: the cluster in $dir did not start" >&2
	_slurm_cluster_show_logs "$dir"
	slurm_cluster_stop "$dir"
	return 1
}

# The pids of the jobs' processes of the cluster of DIR: slurmstepd and what
# it runs carry SLURM_CONF=DIR/slurm.conf in their environment (slurmd was
# started with it), the jobs' processes also SLURM_JOB_ID.
_slurm_cluster_job_pids() { # DIR
	local files=() file pid comm jobs=" "
	# Few commands: bats traces every one, which makes long loops slow.
	mapfile -t files < <(grep -l -z -x -F "SLURM_CONF=$1/slurm.conf" \
		/proc/[0-9]*/environ 2>/dev/null)
	[ "${#files[@]}" -gt 0 ] || return 0
	jobs+=$(grep -l -z '^SLURM_JOB_ID=' "${files[@]}" 2>/dev/null | tr '\n' ' ') || true
	for file in "${files[@]}"; do
		pid=${file#/proc/}
		pid=${pid%/environ}
		if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ]; then
			continue
		fi
		read -r comm 2>/dev/null < "/proc/$pid/comm" || continue
		if [[ $jobs == *" $file "* ]] || [ "$comm" = slurmstepd ]; then
			echo "$pid"
		fi
	done
}

slurm_cluster_stop() { # DIR
	local dir=${1:?slurm_cluster_stop DIR} rt='' i jobs=() left pids=()
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd) || return 0
	[ -f "$dir/runtime-dir" ] && read -r rt < "$dir/runtime-dir"
	if [ -s "$dir/pids" ]; then
		case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
		if _slurm_cluster_alive "$(_slurm_cluster_pid "$dir" slurmctld)"; then
			# Cancel every job, then give slurmd a moment to end them.
			mapfile -t jobs < <(SLURM_CONF=$dir/slurm.conf timeout 10 squeue -h -o %i 2>/dev/null)
			if [ "${#jobs[@]}" -gt 0 ]; then
				SLURM_CONF=$dir/slurm.conf timeout 10 scancel "${jobs[@]}" 2>/dev/null || true
				for ((i = 0; i < 100; i++)); do
					left=$(SLURM_CONF=$dir/slurm.conf timeout 10 squeue -h -t R,CG,CF,S -o %i 2>/dev/null) ||
						left=''
					[ -z "$left" ] && break
					sleep 0.1
				done
			fi
		fi
		# Whatever of the jobs still runs.
		mapfile -t pids < <(_slurm_cluster_job_pids "$dir")
		if [ "${#pids[@]}" -gt 0 ]; then
			kill -TERM "${pids[@]}" 2>/dev/null || true
			sleep 0.5
			mapfile -t pids < <(_slurm_cluster_job_pids "$dir")
			[ "${#pids[@]}" -eq 0 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
		fi
		_slurm_cluster_kill "$dir" slurmd
		_slurm_cluster_kill "$dir" slurmctld
		_slurm_cluster_kill "$dir" munged
		mv -f "$dir/pids" "$dir/pids.stopped"
	fi
	if [ -n "$rt" ] && [ "$rt" != "$dir" ] && [[ $rt == /tmp/dfc-slurm.* ]]; then
		rm -rf "$rt"
	fi
	rm -f "$dir/runtime-dir"
	[ "${SLURM_CONF:-}" != "$dir/slurm.conf" ] ||
		unset SLURM_CONF SLURM_CLUSTER_DIR SLURM_CLUSTER_NODE SLURM_CLUSTER_CPUS SLURM_CLUSTER_GPUS
	return 0
}

# Field FIELD of `scontrol show job -o JOBID` (JobState, Reason, Dependency,
# NumCPUs, CPUs/Task, MinMemoryNode, TimeLimit, Partition, JobName, StdOut,
# ExitCode, ...); a value may hold spaces (up to the next " Key=").
slurm_job_field() { # JOBID FIELD
	local line tokens=() token value='' found=0
	line=$(scontrol show job -o "$1" 2>/dev/null) || return 1
	read -r -a tokens <<<"$line"
	for token in "${tokens[@]}"; do
		if ((found)); then
			[[ $token =~ ^[A-Za-z][A-Za-z0-9_:/]*= ]] && break
			value+=" $token"
		elif [[ $token == "$2="* ]]; then
			value=${token#"$2="}
			found=1
		fi
	done
	((found)) || return 1
	printf '%s\n' "$value"
}

# Wait (up to TIMEOUT s, 60 by default) until job JOBID has ended; print its
# final JobState (COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY,
# NODE_FAIL, ...). Fails (printing the state it is in) if it has not ended.
slurm_wait_job() { # JOBID [TIMEOUT]
	local deadline state=''
	deadline=$((SECONDS + ${2:-60}))
	while :; do
		state=$(slurm_job_field "$1" JobState) || state=''
		case $state in
		COMPLETED | FAILED | CANCELLED | TIMEOUT | OUT_OF_MEMORY | NODE_FAIL | \
			BOOT_FAIL | DEADLINE | PREEMPTED)
			echo "$state"
			return 0
			;;
		esac
		((SECONDS < deadline)) || break
		sleep 0.2
	done
	echo "${state:-UNKNOWN}"
	return 1
}

# Wait (up to TIMEOUT s, 30 by default) until FIELD of job JOBID reads VALUE;
# on time-out, say what it read instead.
slurm_wait_job_field() { # JOBID FIELD VALUE [TIMEOUT]
	local deadline value
	deadline=$((SECONDS + ${4:-30}))
	while :; do
		value=$(slurm_job_field "$1" "$2") || value=''
		[ "$value" = "$3" ] && return 0
		((SECONDS < deadline)) || break
		sleep 0.1
	done
	echo "# job $1: $2=$value after ${4:-30} s, not $3" >&2
	return 1
}

# Wait (up to TIMEOUT s, 30 by default) until job JOBID is in STATE.
slurm_wait_job_state() { # JOBID STATE [TIMEOUT]
	slurm_wait_job_field "$1" JobState "$2" "${3:-30}"
}
