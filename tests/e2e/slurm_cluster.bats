#!/usr/bin/env bats
# The one-node Slurm cluster of slurm_cluster.bash: it starts, runs jobs,
# honours dependencies and sbatch options, two of it run side by side, and
# stopping it leaves nothing behind. The expectations double as the record of
# what this Slurm (22.05) shows for each case, which the --wait loop of
# `generate --target slurm` relies on.

bats_require_minimum_version 1.5.0
load slurm_cluster

setup_file() {
	local t0
	t0=$(date +%s%N)
	slurm_cluster_start "$BATS_FILE_TMPDIR/slurm" || return 1
	echo "# cluster started in $((($(date +%s%N) - t0) / 1000000)) ms" >&3
}

teardown_file() {
	slurm_cluster_stop "$BATS_FILE_TMPDIR/slurm"
}

# Clusters a test starts besides the file's; stopping them is harmless if
# the test did already. A job a failed test left on the file's cluster is
# cancelled, so that the next tests find the node idle.
teardown() {
	local dir
	SLURM_CONF=$BATS_FILE_TMPDIR/slurm/slurm.conf scancel --user="$(id -un)" 2>/dev/null || true
	for dir in "$BATS_FILE_TMPDIR"/a-rather-long-folder-name-for-a-second-cluster-of-the-tests/slurm \
		"$BATS_FILE_TMPDIR/third" "$BATS_FILE_TMPDIR/broken"; do
		slurm_cluster_stop "$dir"
	done
}

setup() {
	WORK=$(mktemp -d "$BATS_FILE_TMPDIR/work.XXXXXX")
	cd "$WORK" || return 1
}

# Submit a job and print its id (sbatch --parsable prints just the number).
submit() {
	local out
	out=$(sbatch --parsable "$@") || return 1
	[[ $out =~ ^[0-9]+$ ]] || { echo "sbatch --parsable printed '$out'" >&2; return 1; }
	echo "$out"
}

# The pids recorded in DIR/pids (or pids.stopped).
recorded_pids() { # FILE
	local pid rest
	while read -r pid rest; do echo "$pid"; done < "$1"
}

@test "the node is idle in both partitions, SLURM_CONF from setup_file reaches the tests" {
	[ "$SLURM_CONF" = "$BATS_FILE_TMPDIR/slurm/slurm.conf" ]
	[ -f "$SLURM_CONF" ]
	run -0 sinfo -h -N -o '%N %P %t'
	[ "$output" = "$SLURM_CLUSTER_NODE debug* idle
$SLURM_CLUSTER_NODE other idle" ]
	run -0 scontrol show node "$SLURM_CLUSTER_NODE"
	[[ $output == *"CPUTot=$SLURM_CLUSTER_CPUS "* ]]
	[[ $output == *"Gres=gpu:1"* ]]
	# Three daemons of ours, all alive, and nothing from /etc/slurm.
	[ "$(wc -l < "$BATS_FILE_TMPDIR/slurm/pids")" -eq 3 ]
	for pid in $(recorded_pids "$BATS_FILE_TMPDIR/slurm/pids"); do
		kill -0 "$pid"
	done
	run ! grep /etc/ "$SLURM_CONF"
}

@test "a job runs; sbatch --parsable prints the bare job id; finished jobs leave squeue but not squeue -t all" {
	local t0 job
	t0=$(date +%s%N)
	# shellcheck disable=SC2016 # the job's shell expands it
	job=$(submit -o "$WORK/out" --wrap 'echo "ran in $PWD"; sleep 1')
	slurm_wait_job_state "$job" RUNNING 20
	echo "# sbatch to RUNNING: $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	[ "$(slurm_wait_job "$job" 30)" = COMPLETED ]
	echo "# sbatch to COMPLETED (1 s job): $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	[ "$(cat "$WORK/out")" = "ran in $WORK" ]
	[ "$(slurm_job_field "$job" ExitCode)" = 0:0 ]
	[ "$(slurm_job_field "$job" Reason)" = None ]
	[ "$(slurm_job_field "$job" StdOut)" = "$WORK/out" ]
	run -0 squeue -h -j "$job" -o '%i %T'
	[ "$output" = "" ]
	run -0 squeue -h -t all -j "$job" -o '%i %T'
	[ "$output" = "$job COMPLETED" ]
}

@test "afterok: B waits (Reason=Dependency) while A runs and runs after A" {
	local t0 a b
	t0=$(date +%s%N)
	a=$(submit -o "$WORK/a.out" --wrap "echo A-start >> '$WORK/log'; sleep 5; echo A-end >> '$WORK/log'")
	b=$(submit -o "$WORK/b.out" --dependency="afterok:$a" --kill-on-invalid-dep=yes \
		--wrap "echo B >> '$WORK/log'")
	slurm_wait_job_state "$a" RUNNING 20
	[ "$(slurm_job_field "$b" JobState)" = PENDING ]
	[ "$(slurm_job_field "$b" Reason)" = Dependency ]
	[ "$(slurm_job_field "$b" Dependency)" = "afterok:$a(unfulfilled)" ]
	run -0 squeue -h -j "$b" -o '%T %r'
	[ "$output" = "PENDING Dependency" ]
	[ "$(slurm_wait_job "$b" 60)" = COMPLETED ]
	echo "# chain of a 5 s job and its dependant: $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	[ "$(slurm_job_field "$a" JobState)" = COMPLETED ]
	[ "$(cat "$WORK/log")" = "A-start
A-end
B" ]
	[ "$(slurm_job_field "$b" Dependency)" = "(null)" ]
}

@test "afterok on a failed job: --kill-on-invalid-dep=yes cancels, without it the job stays pending" {
	local f g h
	f=$(submit -o "$WORK/f.out" --wrap 'sleep 1; exit 3')
	g=$(submit -o "$WORK/g.out" --dependency="afterok:$f" --kill-on-invalid-dep=yes --wrap 'echo G')
	h=$(submit -o "$WORK/h.out" --dependency="afterok:$f" --wrap 'echo H')
	[ "$(slurm_wait_job "$f" 30)" = FAILED ]
	[ "$(slurm_job_field "$f" Reason)" = NonZeroExitCode ]
	[ "$(slurm_job_field "$f" ExitCode)" = 3:0 ]
	[ "$(slurm_wait_job "$g" 30)" = CANCELLED ]
	[ "$(slurm_job_field "$g" Reason)" = DependencyNeverSatisfied ]
	[ "$(slurm_job_field "$g" Dependency)" = "afterok:$f(failed)" ]
	[ ! -e "$WORK/g.out" ]
	# Without the option Slurm leaves it pending forever.
	local i
	slurm_wait_job_field "$h" Reason DependencyNeverSatisfied 30
	[ "$(slurm_job_field "$h" JobState)" = PENDING ]
	run -0 squeue -h -j "$h" -o '%T %r'
	[ "$output" = "PENDING DependencyNeverSatisfied" ]
	scancel "$h"
	[ "$(slurm_wait_job "$h" 30)" = CANCELLED ]
	[ ! -e "$WORK/h.out" ]
}

@test "scancel of a running job: CANCELLED, and the job's process ends" {
	local j pid='' i
	# shellcheck disable=SC2016 # the job's shell expands it
	j=$(submit -o "$WORK/c.out" --wrap 'echo $$; exec sleep 300')
	slurm_wait_job_state "$j" RUNNING 20
	# The pid is printed before the exec: wait until it is the sleep.
	for ((i = 0; i < 300; i++)); do
		pid=$(cat "$WORK/c.out" 2>/dev/null) || pid=''
		[ -n "$pid" ] && [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" = "sleep 300 " ] &&
			break
		sleep 0.1
	done
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 300 " ]
	scancel "$j"
	[ "$(slurm_wait_job "$j" 30)" = CANCELLED ]
	# How the step is reported to have died (0:15, 0:9 or 143:0, and when)
	# depends on how slurmd's signals race the step; the run script only
	# relies on the state, and on the process being gone.
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	run ! kill -0 "$pid"
}

@test "sbatch resource options show up in scontrol show job" {
	local j
	# shellcheck disable=SC2016 # the job's shell expands it
	j=$(submit --cpus-per-task=2 --mem=100M --time=00:05:00 --partition=other \
		--job-name=x --gpus=1 -o "$WORK/x.out" \
		--wrap 'echo "gpus=$CUDA_VISIBLE_DEVICES cpus=$SLURM_CPUS_PER_TASK"')
	[ "$(slurm_wait_job "$j" 30)" = COMPLETED ]
	[ "$(slurm_job_field "$j" NumCPUs)" = 2 ]
	[ "$(slurm_job_field "$j" CPUs/Task)" = 2 ]
	[ "$(slurm_job_field "$j" MinMemoryNode)" = 100M ]
	[ "$(slurm_job_field "$j" TimeLimit)" = 00:05:00 ]
	[ "$(slurm_job_field "$j" Partition)" = other ]
	[ "$(slurm_job_field "$j" JobName)" = x ]
	[ "$(slurm_job_field "$j" TresPerJob)" = gres:gpu:1 ]
	[ "$(cat "$WORK/x.out")" = "gpus=0 cpus=2" ]
	# A job name with spaces reads back whole.
	j=$(submit --job-name='a b' --hold --wrap true)
	[ "$(slurm_job_field "$j" JobName)" = "a b" ]
	scancel "$j"
}

@test "two clusters run at once on their own ports; a long folder name works" {
	local second first_conf=$SLURM_CONF j1 j2 p1 p2
	second=$BATS_FILE_TMPDIR/a-rather-long-folder-name-for-a-second-cluster-of-the-tests/slurm
	slurm_cluster_start "$second"
	[ "$SLURM_CONF" = "$second/slurm.conf" ]
	# Its sockets are in a short folder of its own.
	[ -d "$(cat "$second/runtime-dir")" ]
	p1=$(grep -E '^Slurm(ctld|d)Port=' "$first_conf" | sort)
	p2=$(grep -E '^Slurm(ctld|d)Port=' "$second/slurm.conf" | sort)
	[ "$p1" != "$p2" ]
	j2=$(submit -o "$WORK/second.out" --wrap 'echo second')
	j1=$(SLURM_CONF=$first_conf submit -o "$WORK/first.out" --wrap 'echo first')
	[ "$(slurm_wait_job "$j2" 30)" = COMPLETED ]
	[ "$(SLURM_CONF=$first_conf slurm_wait_job "$j1" 30)" = COMPLETED ]
	[ "$(cat "$WORK/second.out")" = second ]
	[ "$(cat "$WORK/first.out")" = first ]
	run -0 scontrol show config
	[[ $output == *"$second/state"* ]]
	local rt
	rt=$(cat "$second/runtime-dir")
	slurm_cluster_stop "$second"
	[ -z "${SLURM_CONF:-}" ]
	[ ! -e "$rt" ]
	for pid in $(recorded_pids "$second/pids.stopped"); do
		run ! kill -0 "$pid"
	done
	# The first one is untouched.
	export SLURM_CONF=$first_conf
	run -0 sinfo -h -N -o %t
	[ "$(sort -u <<<"$output")" = idle ]
}

@test "stop ends the daemons and running jobs by pid, and is safe to repeat" {
	local dir=$BATS_FILE_TMPDIR/third first_conf=$SLURM_CONF j jobpid t0 i
	slurm_cluster_start "$dir"
	j=$(submit -o "$WORK/long.out" --wrap "echo \$\$ > '$WORK/job.pid'; exec sleep 300")
	slurm_wait_job_state "$j" RUNNING 20
	for ((i = 0; i < 300; i++)); do [ -s "$WORK/job.pid" ] && break; sleep 0.1; done
	jobpid=$(cat "$WORK/job.pid")
	[ -n "$jobpid" ]
	kill -0 "$jobpid"
	t0=$(date +%s%N)
	slurm_cluster_stop "$dir"
	echo "# stop with a running job: $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	[ ! -e "$dir/pids" ]
	[ "$(wc -l < "$dir/pids.stopped")" -eq 3 ]
	for pid in $(recorded_pids "$dir/pids.stopped") "$jobpid"; do
		run ! kill -0 "$pid"
	done
	slurm_cluster_stop "$dir"
	slurm_cluster_stop "$BATS_FILE_TMPDIR/never-started"
	export SLURM_CONF=$first_conf
	run -0 sinfo -h -N -o %t
	[ "$(sort -u <<<"$output")" = idle ]
}

@test "a start that fails says why, returns non-zero and leaves nothing running" {
	local dir=$BATS_FILE_TMPDIR/broken first_conf=$SLURM_CONF
	mkdir -p "$WORK/bin"
	printf '#!/bin/sh\necho "slurmd: fatal: broken on purpose" >&2\nexit 1\n' > "$WORK/bin/slurmd"
	chmod +x "$WORK/bin/slurmd"
	PATH=$WORK/bin:$PATH run -1 --separate-stderr slurm_cluster_start "$dir"
	[[ $stderr == *"slurmd (pid "*") exited"* ]]
	[[ $stderr == *"broken on purpose"* ]]
	[ -f "$dir/pids.stopped" ]
	for pid in $(recorded_pids "$dir/pids.stopped"); do
		run ! kill -0 "$pid"
	done
	slurm_cluster_stop "$dir"
	[ "$SLURM_CONF" = "$first_conf" ]
}
