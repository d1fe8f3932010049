# shellcheck shell=bash
# git_server.bash - a real smart-HTTP git server for the end-to-end tests.
#
# lighttpd on 127.0.0.1 runs `git http-backend` behind a small CGI wrapper
# that answers 401 (WWW-Authenticate: Bearer) unless the request carries
# "Authorization: Bearer $GIT_SERVER_TOKEN". Files put in $GIT_SERVER_FILES
# are served without auth, with HTTP Range, at $GIT_SERVER_URL/files/<name>.
#
# Use from a .bats file (one server per file, one repository per test):
#
#   load helper
#   load git_server
#   setup_file()    { git_server_start; }
#   teardown_file() { git_server_stop; }
#   @test "..." {
#       url=$(git_server_new_repo "catalog-$BATS_TEST_NUMBER")
#       git -c http.extraHeader="Authorization: Bearer $GIT_SERVER_TOKEN" push "$url" ...
#       git --git-dir="$GIT_SERVER_REPOS/catalog-$BATS_TEST_NUMBER.git" for-each-ref
#   }
#
# git_server_start exports (so the tests see them):
#   GIT_SERVER_URL    http://127.0.0.1:PORT (no trailing slash)
#   GIT_SERVER_HTTPS_URL  https://localhost:PORT2, the same server over TLS,
#                     its certificate signed by a CA of the test's own that
#                     no system trusts:
#   GIT_SERVER_CA     that CA's certificate (PEM)
#   GIT_SERVER_TOKEN  the bearer token the git endpoints demand
#   GIT_SERVER_REPOS  folder of the served bare repositories (NAME.git)
#   GIT_SERVER_FILES  folder served at $GIT_SERVER_URL/files/
#   GIT_SERVER_LOG    lighttpd's access log: one line per request,
#                     `IP [time] "METHOD PATH PROTO" STATUS BYTES` (no headers)
#   GIT_SERVER_DIR    everything of the server (under $BATS_FILE_TMPDIR)
#   GIT_SERVER_PID    lighttpd's pid
#   GIT_TERMINAL_PROMPT=0, so that a refused git never waits for a password.
#
# The hook of a served repository runs in the CGI environment that the
# wrapper sets: PATH and DFC_BIN as they were when git_server_start ran,
# HOME=$GIT_SERVER_DIR/home, GIT_CONFIG_NOSYSTEM=1. The token never reaches
# git http-backend or the hooks, and is never logged.

# The lighttpd binary (in /usr/sbin, which a user's PATH may lack).
_git_server_lighttpd() {
	local bin
	for bin in "$(command -v lighttpd)" /usr/sbin/lighttpd; do
		[ -n "$bin" ] && [ -x "$bin" ] && { echo "$bin"; return 0; }
	done
	echo "git_server: lighttpd is not installed (run scripts/install-deps)" >&2
	return 1
}

# The CGI wrapper in front of git http-backend.
_git_server_write_cgi() {
	{
		echo '#!/bin/bash'
		echo '# Written by git_server_start: git http-backend for bearer-token holders only.'
		printf 'export PATH=%q\n' "$PATH"
		printf 'export DFC_BIN=%q\n' "${DFC_BIN:-}"
		printf 'export HOME=%q\n' "$GIT_SERVER_DIR/home"
		printf 'export GIT_PROJECT_ROOT=%q\n' "$GIT_SERVER_REPOS"
		echo 'export GIT_HTTP_EXPORT_ALL=1 GIT_CONFIG_NOSYSTEM=1'
		printf 'read -r token < %q\n' "$GIT_SERVER_DIR/token"
		cat <<-'CGI'
			if [ "${HTTP_AUTHORIZATION:-}" != "Bearer $token" ]; then
			    printf 'Status: 401 Unauthorized\r\n'
			    printf 'WWW-Authenticate: Bearer realm="git-server"\r\n'
			    printf 'Content-Type: text/plain\r\n\r\n'
			    echo "a valid bearer token is required"
			    exit 0
			fi
			unset HTTP_AUTHORIZATION token
			exec git http-backend
		CGI
	} > "$GIT_SERVER_DIR/git-http.cgi"
	chmod 0700 "$GIT_SERVER_DIR/git-http.cgi"
}

# A CA of the test's own and a certificate for localhost signed by it.
_git_server_write_tls() {
	local d=$GIT_SERVER_DIR/tls
	local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	mkdir -p "$d"
	printf 'subjectAltName=DNS:localhost\n' > "$d/server.ext"
	if ! openssl req -x509 "${key[@]}" -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 \
		-subj /CN=git-server-test-ca 2>/dev/null ||
		! openssl req "${key[@]}" -keyout "$d/server.key" -out "$d/server.csr" \
			-subj /CN=localhost 2>/dev/null ||
		! openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -out "$d/server.crt" -days 2 -extfile "$d/server.ext" 2>/dev/null; then
		echo "git_server: cannot make a test certificate (is openssl installed?)" >&2
		return 1
	fi
}

_git_server_write_conf() { # PORT TLS_PORT
	cat > "$GIT_SERVER_DIR/lighttpd.conf" <<-CONF
		server.modules = ( "mod_alias", "mod_cgi", "mod_accesslog", "mod_openssl" )
		server.bind = "127.0.0.1"
		server.port = $1
		\$SERVER["socket"] == "127.0.0.1:$2" {
			ssl.engine = "enable"
			ssl.pemfile = "$GIT_SERVER_DIR/tls/server.crt"
			ssl.privkey = "$GIT_SERVER_DIR/tls/server.key"
		}
		server.document-root = "$GIT_SERVER_DIR/www"
		server.errorlog = "$GIT_SERVER_DIR/error.log"
		server.upload-dirs = ( "$GIT_SERVER_DIR/tmp" )
		# A piped logger: lighttpd writes its lines at once (a file it buffers).
		accesslog.filename = "|exec /bin/cat >> '$GIT_SERVER_LOG'"
		accesslog.format = "%h %t \"%r\" %>s %b"
		mimetype.assign = ( "" => "application/octet-stream" )
		# /git/NAME.git/... runs the wrapper with PATH_INFO=/NAME.git/...;
		# once split so, the url that conditions see is just "/git".
		alias.url = ( "/git/" => "$GIT_SERVER_DIR/git-http.cgi/",
		              "/files/" => "$GIT_SERVER_FILES/" )
		\$HTTP["url"] =~ "^/git(/|\$)" {
			cgi.assign = ( "" => "" )
		}
	CONF
}

# git_server_log_count TEXT N: how many lines of the access log hold TEXT
# (a fixed string), once at least N do or 30 seconds have passed: lighttpd
# writes the log through a pipe, so a line can land after the response.
git_server_log_count() {
	local count i
	for ((i = 0; i < 300; i++)); do
		count=$(grep -cF -- "$1" "$GIT_SERVER_LOG" || true)
		[ "$count" -ge "$2" ] && break
		sleep 0.1
	done
	echo "$count"
}

# One raw HTTP/1.1 request (Connection: close) to the server on PORT, given
# at most SECONDS; prints the whole reply: status line, headers, body. Extra
# arguments are request header lines. Plain bash (/dev/tcp): no curl needed.
_git_server_request() { # SECONDS PORT METHOD PATH [HEADER...]
	local seconds=$1
	shift
	# shellcheck disable=SC2016 # the script's $1... are its own arguments
	timeout "$seconds" bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n" "$2" "$3" "$1" >&3
		shift 3
		for header in "$@"; do printf "%s\r\n" "$header" >&3; done
		printf "\r\n" >&3
		cat <&3' _ "$@" 2>/dev/null
}

# The raw reply to one request to the running server, e.g.
#   git_server_request GET /files/data.csv "Range: bytes=0-9"
git_server_request() { # METHOD PATH [HEADER...]
	_git_server_request 5 "${GIT_SERVER_URL##*:}" "$@"
}

# Start lighttpd on a free port: 0 once it answered, else 1 (and nothing left).
_git_server_try_port() { # PORT TLS_PORT
	local port=$1 marker i
	_git_server_write_conf "$port" "$2"
	: > "$GIT_SERVER_DIR/error.log"
	"$(_git_server_lighttpd)" -D -f "$GIT_SERVER_DIR/lighttpd.conf" \
		</dev/null >"$GIT_SERVER_DIR/lighttpd.out" 2>&1 3>&- &
	GIT_SERVER_PID=$!
	read -r marker < "$GIT_SERVER_DIR/www/ready"
	for ((i = 0; i < 600; i++)); do
		kill -0 "$GIT_SERVER_PID" 2>/dev/null || break # exited: port taken?
		# The marker proves that the answer comes from our lighttpd (another
		# program on the port may accept the connection and never answer).
		[[ $(_git_server_request 1 "$port" GET /ready) == *"$marker"* ]] && return 0
		sleep 0.025
	done
	kill "$GIT_SERVER_PID" 2>/dev/null || true
	wait "$GIT_SERVER_PID" 2>/dev/null || true
	GIT_SERVER_PID=
	return 1
}

git_server_start() {
	local base attempt
	_git_server_lighttpd >/dev/null || return 1
	base=${BATS_FILE_TMPDIR:-${TEST_TMP:-${TMPDIR:-/tmp}}}
	GIT_SERVER_DIR=$(mktemp -d "$base/git-server.XXXXXX") || return 1
	GIT_SERVER_REPOS=$GIT_SERVER_DIR/repos
	GIT_SERVER_FILES=$GIT_SERVER_DIR/files
	GIT_SERVER_LOG=$GIT_SERVER_DIR/access.log
	GIT_SERVER_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	export GIT_SERVER_DIR GIT_SERVER_REPOS GIT_SERVER_FILES GIT_SERVER_LOG GIT_SERVER_TOKEN
	export GIT_TERMINAL_PROMPT=0
	mkdir -p "$GIT_SERVER_REPOS" "$GIT_SERVER_FILES" "$GIT_SERVER_DIR/www" \
		"$GIT_SERVER_DIR/tmp" "$GIT_SERVER_DIR/home"
	(umask 077 && printf '%s\n' "$GIT_SERVER_TOKEN" > "$GIT_SERVER_DIR/token")
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$GIT_SERVER_DIR/www/ready"
	echo >> "$GIT_SERVER_DIR/www/ready"
	_git_server_write_cgi
	_git_server_write_tls || return 1
	export GIT_SERVER_CA=$GIT_SERVER_DIR/tls/ca.crt
	for ((attempt = 0; attempt < 20; attempt++)); do
		GIT_SERVER_PORT=$((20000 + RANDOM % 12766)) # below the ephemeral range
		if _git_server_try_port "$GIT_SERVER_PORT" $((GIT_SERVER_PORT + 1)); then
			export GIT_SERVER_PID GIT_SERVER_URL=http://127.0.0.1:$GIT_SERVER_PORT
			export GIT_SERVER_HTTPS_URL=https://localhost:$((GIT_SERVER_PORT + 1))
			return 0
		fi
	done
	echo "git_server_start: lighttpd did not start; its last words:" >&2
	cat "$GIT_SERVER_DIR/lighttpd.out" "$GIT_SERVER_DIR/error.log" >&2
	return 1
}

# A new bare repository served at $GIT_SERVER_URL/git/NAME.git (printed),
# accepting pushes, with the project's hooks/pre-receive (unless --no-hook).
git_server_new_repo() { # NAME [--no-hook]
	local name=$1 repo=$GIT_SERVER_REPOS/$1.git
	[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
		{ echo "git_server_new_repo: bad name '$name'" >&2; return 1; }
	[ ! -e "$repo" ] || { echo "git_server_new_repo: $name exists" >&2; return 1; }
	git init -q --bare "$repo" &&
		git --git-dir="$repo" config http.receivepack true || return 1
	if [ "${2:-}" != --no-hook ]; then
		cp "$DFC_SOURCE_DIR/hooks/pre-receive" "$repo/hooks/pre-receive" &&
			chmod 0755 "$repo/hooks/pre-receive" || return 1
	fi
	echo "$GIT_SERVER_URL/git/$name.git"
}

git_server_stop() {
	local i
	if [ -n "${GIT_SERVER_PID:-}" ]; then
		kill "$GIT_SERVER_PID" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			kill -0 "$GIT_SERVER_PID" 2>/dev/null || break
			sleep 0.025
		done
		if kill -0 "$GIT_SERVER_PID" 2>/dev/null; then
			kill -KILL "$GIT_SERVER_PID" || true
		fi
		wait "$GIT_SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "${GIT_SERVER_DIR:-}" ]; then
		rm -rf "$GIT_SERVER_DIR"
	fi
	unset GIT_SERVER_PID GIT_SERVER_URL GIT_SERVER_TOKEN GIT_SERVER_DIR \
		GIT_SERVER_REPOS GIT_SERVER_FILES GIT_SERVER_LOG GIT_SERVER_PORT \
		GIT_SERVER_HTTPS_URL GIT_SERVER_CA
}
