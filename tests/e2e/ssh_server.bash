# shellcheck shell=bash
# ssh_server.bash - a real OpenSSH server for the end-to-end tests.
#
# /usr/sbin/sshd (Debian package openssh-server) runs in the foreground
# (-D -e) on 127.0.0.1 on a free port, with its own host key, config,
# authorized_keys and log under $BATS_FILE_TMPDIR. Only public-key logins
# as the current user (root in the tests) with the client key made by
# ssh_server_start are accepted: no password, no PAM.
#
# Use from a .bats file (one server per file, one repository per test):
#
#   load helper
#   load ssh_server
#   setup_file()    { ssh_server_start; }
#   teardown_file() { ssh_server_stop; }
#   @test "..." {
#       ssh_server_install_client_key       # after helper's setup made HOME
#       url=$(ssh_server_new_repo "catalog-$BATS_TEST_NUMBER")
#       git push "$url" ...                 # plain git works too
#       git --git-dir="$SSH_SERVER_REPOS/catalog-$BATS_TEST_NUMBER.git" for-each-ref
#   }
#
# ssh_server_start exports (so the tests see them):
#   SSH_SERVER_PORT         the port sshd listens on (127.0.0.1 only)
#   SSH_SERVER_REPOS        folder of the served bare repositories (NAME.git)
#   SSH_SERVER_KEY          the client's private key (its public key is KEY.pub)
#   SSH_SERVER_KNOWN_HOSTS  the known_hosts line of the server:
#                           "[127.0.0.1]:PORT ssh-ed25519 AAAA..."
#   SSH_SERVER_USER         the login name in the URLs (the current user)
#   SSH_SERVER_DIR          everything of the server (under $BATS_FILE_TMPDIR)
#   SSH_SERVER_LOG          sshd's log (-e: everything it says, on stderr)
#   SSH_SERVER_PID          sshd's pid (the listener)
#   GIT_TERMINAL_PROMPT=0, so that a refused git never waits for a password.
#
# The commands a client runs (git-upload-pack, git-receive-pack, the hooks)
# get, through authorized_keys' environment= options: PATH and DFC_BIN as
# they were when ssh_server_start ran, HOME=$SSH_SERVER_DIR/home and
# GIT_CONFIG_NOSYSTEM=1, so that the real /root's git config plays no part.

# The sshd binary (in /usr/sbin, which a user's PATH may lack). sshd wants to
# be started by its absolute path (it re-executes itself per connection).
_ssh_server_sshd() {
	if [ -x /usr/sbin/sshd ]; then
		echo /usr/sbin/sshd
		return 0
	fi
	echo "ssh_server: sshd is not installed (run scripts/install-deps: openssh-server)" >&2
	return 1
}

_ssh_server_write_conf() { # PORT
	cat > "$SSH_SERVER_DIR/sshd_config" <<-CONF
		# Written by ssh_server_start: a throw-away sshd for the tests.
		Port $1
		ListenAddress 127.0.0.1
		AddressFamily inet
		HostKey $SSH_SERVER_DIR/host_ed25519
		PidFile $SSH_SERVER_DIR/sshd.pid
		AuthorizedKeysFile $SSH_SERVER_DIR/authorized_keys
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		HostbasedAuthentication no
		UsePAM no
		StrictModes no
		PermitRootLogin prohibit-password
		AllowUsers $SSH_SERVER_USER
		PermitUserEnvironment yes
		PrintMotd no
		PrintLastLog no
		X11Forwarding no
		AllowTcpForwarding no
		AllowAgentForwarding no
		PermitTTY no
		UseDNS no
		LoginGraceTime 20
		LogLevel VERBOSE
	CONF
}

# The client's public key with the environment its commands run in.
_ssh_server_write_authorized_keys() {
	local name value options=()
	for name in PATH DFC_BIN; do
		value=${!name:-}
		[[ $value != *[\"\\]* ]] ||
			{ echo "ssh_server: \$$name holds a quote or backslash" >&2; return 1; }
		options+=("environment=\"$name=$value\"")
	done
	options+=("environment=\"HOME=$SSH_SERVER_DIR/home\"" 'environment="GIT_CONFIG_NOSYSTEM=1"')
	options+=(no-port-forwarding no-agent-forwarding no-X11-forwarding no-pty)
	(
		IFS=,
		printf '%s %s\n' "${options[*]}" "$(cat "$SSH_SERVER_KEY.pub")"
	) > "$SSH_SERVER_DIR/authorized_keys"
}

# The pids of all descendants of PID: sshd's per-connection processes and
# what they run (each connection is a session of its own, so a process group
# does not hold them).
_ssh_server_descendants() { # PID
	local stat rest pid ppid parents=() queue=("$1") i
	for stat in /proc/[0-9]*/stat; do
		read -r rest 2>/dev/null < "$stat" || continue
		pid=${stat#/proc/}
		pid=${pid%/stat}
		rest=${rest##*) } # after "pid (comm) ": "state ppid ..."
		read -r _ ppid _ <<<"$rest"
		parents[pid]=$ppid
	done
	for ((i = 0; i < ${#queue[@]}; i++)); do
		for pid in "${!parents[@]}"; do
			if [ "${parents[pid]}" = "${queue[i]}" ]; then
				queue+=("$pid")
				echo "$pid"
			fi
		done
	done
}

# Whether PID runs (a zombie, dead but not yet reaped, does not).
_ssh_server_alive() { # PID
	local rest state
	read -r rest 2>/dev/null < "/proc/$1/stat" || return 1
	rest=${rest##*) }
	state=${rest%% *}
	[ "$state" != Z ] && [ "$state" != X ]
}

# Wait (up to 5 s) until none of PIDS runs.
_ssh_server_wait_gone() { # PID...
	local i pid alive
	for ((i = 0; i < 200; i++)); do
		alive=0
		for pid in "$@"; do
			_ssh_server_alive "$pid" && alive=1
		done
		[ "$alive" -eq 0 ] && return 0
		sleep 0.025
	done
	return 1
}

# Start sshd on PORT: 0 once it listens and answers, else 1 (and nothing left).
_ssh_server_try_port() { # PORT
	local port=$1 i banner
	_ssh_server_write_conf "$port"
	: > "$SSH_SERVER_LOG"
	"$(_ssh_server_sshd)" -D -e -f "$SSH_SERVER_DIR/sshd_config" \
		</dev/null >>"$SSH_SERVER_LOG" 2>&1 3>&- &
	SSH_SERVER_PID=$!
	for ((i = 0; i < 600; i++)); do
		kill -0 "$SSH_SERVER_PID" 2>/dev/null || break # exited: port taken?
		# The log line proves that our sshd bound the port, the banner that
		# it accepts connections.
		if grep -q "Server listening on 127.0.0.1 port $port\." "$SSH_SERVER_LOG"; then
			# shellcheck disable=SC2016 # the script's $1 is its own argument
			banner=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 7 <&3' \
				_ "$port" 2>/dev/null)
			[ "$banner" = SSH-2.0 ] && return 0
		fi
		sleep 0.025
	done
	kill "$SSH_SERVER_PID" 2>/dev/null || true
	wait "$SSH_SERVER_PID" 2>/dev/null || true
	SSH_SERVER_PID=
	return 1
}

ssh_server_start() {
	local base attempt
	_ssh_server_sshd >/dev/null || return 1
	command -v ssh-keygen >/dev/null ||
		{ echo "ssh_server: ssh-keygen is missing (openssh-client)" >&2; return 1; }
	# sshd's privilege separation needs this folder (a boot normally makes it).
	mkdir -p /run/sshd || return 1
	base=${BATS_FILE_TMPDIR:-${TEST_TMP:-${TMPDIR:-/tmp}}}
	SSH_SERVER_DIR=$(mktemp -d "$base/ssh-server.XXXXXX") || return 1
	SSH_SERVER_REPOS=$SSH_SERVER_DIR/repos
	SSH_SERVER_LOG=$SSH_SERVER_DIR/sshd.log
	SSH_SERVER_KEY=$SSH_SERVER_DIR/client_ed25519
	SSH_SERVER_USER=$(id -un)
	export SSH_SERVER_DIR SSH_SERVER_REPOS SSH_SERVER_LOG SSH_SERVER_KEY SSH_SERVER_USER
	export GIT_TERMINAL_PROMPT=0
	mkdir -p "$SSH_SERVER_REPOS" "$SSH_SERVER_DIR/home" || return 1
	ssh-keygen -q -t ed25519 -N '' -C ssh-server-host -f "$SSH_SERVER_DIR/host_ed25519" &&
		ssh-keygen -q -t ed25519 -N '' -C ssh-server-client -f "$SSH_SERVER_KEY" ||
		return 1
	_ssh_server_write_authorized_keys || return 1
	for ((attempt = 0; attempt < 20; attempt++)); do
		SSH_SERVER_PORT=$((20000 + RANDOM % 12768)) # below the ephemeral range
		if _ssh_server_try_port "$SSH_SERVER_PORT"; then
			read -r SSH_SERVER_KNOWN_HOSTS < "$SSH_SERVER_DIR/host_ed25519.pub"
			SSH_SERVER_KNOWN_HOSTS="[127.0.0.1]:$SSH_SERVER_PORT ${SSH_SERVER_KNOWN_HOSTS% *}"
			export SSH_SERVER_PID SSH_SERVER_PORT SSH_SERVER_KNOWN_HOSTS
			return 0
		fi
	done
	echo "ssh_server_start: sshd did not start; its last words:" >&2
	cat "$SSH_SERVER_LOG" >&2
	return 1
}

# A new bare repository served at the printed ssh URL
# ssh://USER@127.0.0.1:PORT/ABSOLUTE/PATH/NAME.git, accepting pushes, with the
# project's hooks/pre-receive (unless --no-hook).
ssh_server_new_repo() { # NAME [--no-hook]
	local name=$1 repo=$SSH_SERVER_REPOS/$1.git
	[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
		{ echo "ssh_server_new_repo: bad name '$name'" >&2; return 1; }
	[ ! -e "$repo" ] || { echo "ssh_server_new_repo: $name exists" >&2; return 1; }
	git init -q --bare "$repo" || return 1
	if [ "${2:-}" != --no-hook ]; then
		cp "$DFC_SOURCE_DIR/hooks/pre-receive" "$repo/hooks/pre-receive" &&
			chmod 0755 "$repo/hooks/pre-receive" || return 1
	fi
	echo "ssh://$SSH_SERVER_USER@127.0.0.1:$SSH_SERVER_PORT$repo"
}

# Give the current $HOME the client key (~/.ssh/id_ed25519, mode 600, and
# .pub, 644) and a known_hosts that holds the server's host key, the way a
# user set up for ssh has them: libgit2 reads $HOME/.ssh. Also unsets
# SSH_AUTH_SOCK (the key files are used, not a developer's agent) and exports
# GIT_SSH_COMMAND, because OpenSSH's own ssh reads the passwd entry's home
# (/root), not $HOME. Call it in each test, after helper.bash's setup.
ssh_server_install_client_key() {
	[ -n "${SSH_SERVER_KEY:-}" ] || { echo "ssh_server: not started" >&2; return 1; }
	mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh" || return 1
	install -m 600 "$SSH_SERVER_KEY" "$HOME/.ssh/id_ed25519" &&
		install -m 644 "$SSH_SERVER_KEY.pub" "$HOME/.ssh/id_ed25519.pub" || return 1
	printf '%s\n' "$SSH_SERVER_KNOWN_HOSTS" > "$HOME/.ssh/known_hosts" &&
		chmod 644 "$HOME/.ssh/known_hosts" || return 1
	unset SSH_AUTH_SOCK
	export GIT_SSH_COMMAND="ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
-o IdentityFile=$HOME/.ssh/id_ed25519 -o UserKnownHostsFile=$HOME/.ssh/known_hosts \
-o StrictHostKeyChecking=yes"
}

ssh_server_stop() {
	local children=()
	if [ -n "${SSH_SERVER_PID:-}" ]; then
		# sshd gives each connection its own process (and session): end
		# those of our listener and what they run too, so that nothing of
		# ours is left.
		mapfile -t children < <(_ssh_server_descendants "$SSH_SERVER_PID")
		kill "$SSH_SERVER_PID" "${children[@]}" 2>/dev/null || true
		if ! _ssh_server_wait_gone "$SSH_SERVER_PID" "${children[@]}"; then
			kill -KILL "$SSH_SERVER_PID" "${children[@]}" 2>/dev/null || true
			_ssh_server_wait_gone "$SSH_SERVER_PID" "${children[@]}" || true
		fi
		wait "$SSH_SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "${SSH_SERVER_DIR:-}" ]; then
		rm -rf "$SSH_SERVER_DIR"
	fi
	unset SSH_SERVER_PID SSH_SERVER_PORT SSH_SERVER_REPOS SSH_SERVER_KEY \
		SSH_SERVER_KNOWN_HOSTS SSH_SERVER_USER SSH_SERVER_DIR SSH_SERVER_LOG
}
