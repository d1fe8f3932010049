#!/usr/bin/env bats
# install.bats - `cmake --install`, the man page, the .deb package, and the
# man page kept in step with the tool's own commands, options, environment
# variables and exit statuses.
# shellcheck shell=bash

load helper

BUILD_DIR=$(dirname "$DFC_BIN")
MAN_SOURCE=$DFC_SOURCE_DIR/docs/data-factory-cli.1.scd
# All-caps string literals in src/ that are not environment variables the
# tool reads (see the environment test below).
NOT_ENV=()

# man-db without a pager, on wide lines so that nothing is hyphenated.
render_man() {
	MANPAGER=cat PAGER=cat MANWIDTH=200 man "$@" 2>&1
}

# The NAME line and the sections every rendering must show.
assert_man_rendered() { # OUTPUT
	[[ $1 == *"data-factory-cli - version data-processing pipelines"* ]]
	[[ $1 == *"SYNOPSIS"* ]]
	[[ $1 == *"EXIT STATUS"* ]]
	[[ $1 == *"ENVIRONMENT"* ]]
	[[ $1 == *"RUNNING ON A SLURM CLUSTER"* ]]
	[[ $1 == *"SEE ALSO"* ]]
}

# `cmake --install` of the build folder of $DFC_BIN into $1.
install_into() { # PREFIX
	[ -f "$BUILD_DIR/cmake_install.cmake" ] || {
		echo "no cmake_install.cmake in $BUILD_DIR: DFC_BIN must be the binary of a CMake build folder" >&2
		return 1
	}
	cmake --install "$BUILD_DIR" --prefix "$1" >/dev/null
}

# The .deb built by CPack, as the README makes it, from a build linked
# against the shared libraries (once per file): its path in $DEB.
build_deb() {
	local out=$BATS_FILE_TMPDIR/pkg build=$BATS_FILE_TMPDIR/build-deb
	if ! compgen -G "$out/*.deb" >/dev/null; then
		mkdir -p "$out"
		{
			cmake -S "$DFC_SOURCE_DIR" -B "$build" -DCMAKE_BUILD_TYPE=Release \
				-DDFC_STATIC_DEPS=OFF -DDFC_TESTS=OFF &&
				cmake --build "$build" -j"$(nproc)" &&
				cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out"
		} >"$out/cpack.log" 2>&1 || {
			cat "$out/cpack.log" >&2
			return 1
		}
	fi
	DEB=$(compgen -G "$out/*.deb")
	[ "$(printf '%s\n' "$DEB" | wc -l)" -eq 1 ]
}

# The part of the man page source under heading $1 (`# NAME`, `## init`),
# up to the next heading.
man_section() { # HEADING
	awk -v h="$1" '$0 == h { on = 1; next } on && /^#/ { exit } on' "$MAN_SOURCE"
}

# The option terms of a section: the lines that open an option's entry
# (`*-m* _MSG_, *--message* _MSG_`), not the synopsis or the prose.
option_terms() { # HEADING
	man_section "$1" | grep -E '^\*--?[A-Za-z]' || true
}

# Whether option $2 (`-m`, `--message`) appears in text $1 as a whole word.
mentions_option() { # TEXT OPTION
	grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" <<<"$1"
}

# Run dpkg, waiting while another dpkg or apt holds its lock.
dpkg_waiting() {
	local try out
	for try in $(seq 60); do
		if out=$(dpkg "$@" 2>&1); then
			printf '%s\n' "$out"
			return 0
		fi
		[[ $out == *"lock"* ]] || break
		sleep 1
	done
	printf 'dpkg %s failed after %s tries:\n%s\n' "$*" "$try" "$out" >&2
	return 1
}

# Check an unpacked or installed tree rooted at $1 (/ or a dpkg -x folder).
check_package_tree() { # ROOT
	local root=$1
	run "$root/usr/bin/data-factory-cli" --version
	[ "$status" -eq 0 ]
	[[ $output == "data-factory-cli "[0-9]* ]]
	run render_man -l "$root/usr/share/man/man1/data-factory-cli.1.gz"
	[ "$status" -eq 0 ]
	assert_man_rendered "$output"
	[ -f "$root/usr/share/bash-completion/completions/data-factory-cli" ]
	[ -x "$root/usr/share/data-factory-cli/hooks/pre-receive" ]
}

teardown() {
	if [ -n "${DPKG_INSTALLED:-}" ]; then
		dpkg_waiting -r data-factory-cli >/dev/null || return 1
		if dpkg-query -W -f='${Status}' data-factory-cli 2>/dev/null | grep -q 'ok installed' ||
			[ -e /usr/bin/data-factory-cli ]; then
			echo "dpkg -r data-factory-cli left the package or its binary behind" >&2
			return 1
		fi
	fi
	cd / && rm -rf "$TEST_TMP"
}

@test "cmake --install puts the binary, man page, completions and hooks in place" {
	local p=$TEST_TMP/prefix
	install_into "$p"

	run "$p/bin/data-factory-cli" --version
	[ "$status" -eq 0 ]
	[ "$output" = "$("$DFC_BIN" --version)" ]

	[ -f "$p/share/man/man1/data-factory-cli.1.gz" ]
	gzip -t "$p/share/man/man1/data-factory-cli.1.gz"
	run render_man -l "$p/share/man/man1/data-factory-cli.1.gz"
	[ "$status" -eq 0 ]
	assert_man_rendered "$output"
	run env MANPATH="$p/share/man" MANPAGER=cat PAGER=cat MANWIDTH=200 man -w data-factory-cli
	[ "$status" -eq 0 ]
	[ "$output" = "$p/share/man/man1/data-factory-cli.1.gz" ]
	run env MANPATH="$p/share/man" MANPAGER=cat PAGER=cat MANWIDTH=200 man data-factory-cli
	[ "$status" -eq 0 ]
	assert_man_rendered "$output"

	cmp "$p/share/bash-completion/completions/data-factory-cli" \
		"$DFC_SOURCE_DIR/completions/data-factory-cli.bash"
	cmp "$p/share/zsh/vendor-completions/_data-factory-cli" \
		"$DFC_SOURCE_DIR/completions/_data-factory-cli"
	cmp "$p/share/fish/vendor_completions.d/data-factory-cli.fish" \
		"$DFC_SOURCE_DIR/completions/data-factory-cli.fish"

	local hook
	for hook in pre-commit post-commit post-merge post-rewrite pre-receive; do
		[ -x "$p/share/data-factory-cli/hooks/$hook" ]
		cmp "$p/share/data-factory-cli/hooks/$hook" "$DFC_SOURCE_DIR/hooks/$hook"
	done
	[ -f "$p/share/doc/data-factory-cli/README.md" ]
}

@test "cpack builds a .deb with library Depends, the expected files and no test binary" {
	build_deb
	[[ $DEB == */data-factory-cli_*.deb ]]

	run dpkg-deb -I "$DEB"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output"
	[[ $output == *"Package: data-factory-cli"* ]]
	[[ $output == *"Section: devel"* ]]
	[[ $output == *"Maintainer: "?*"<"*"@"*">"* ]]
	[[ $output == *"Description: version data-processing pipelines"* ]]
	[[ $output == *"Recommends: git, bash-completion"* ]]
	[[ $output == *"Suggests: "*"slurm-client"* ]]
	local depends lib
	depends=$(dpkg-deb -f "$DEB" Depends)
	for lib in libc6 libgit2 libjansson libcurl libinih libssl; do
		[[ $depends == *"$lib"* ]] || {
			echo "Depends lacks $lib: $depends" >&2
			return 1
		}
	done

	run dpkg-deb -c "$DEB"
	[ "$status" -eq 0 ]
	local path
	for path in usr/bin/data-factory-cli usr/share/man/man1/data-factory-cli.1.gz \
		usr/share/bash-completion/completions/data-factory-cli \
		usr/share/zsh/vendor-completions/_data-factory-cli \
		usr/share/fish/vendor_completions.d/data-factory-cli.fish; do
		[[ $output == *" ./$path"* ]] || {
			echo "not in the package: $path" >&2
			return 1
		}
	done
	local hook
	for hook in pre-commit post-commit post-merge post-rewrite pre-receive; do
		grep -qE "^-rwxr-xr-x .* \./usr/share/data-factory-cli/hooks/$hook\$" <<<"$output"
	done

	# The one program in the package is the tool: no unit test, fuzz target
	# or other ELF file of the build folder.
	local root=$TEST_TMP/root elves
	dpkg-deb -x "$DEB" "$root"
	elves=$(cd "$root" && find . -type f -exec sh -c \
		'[ "$(head -c 4 "$1" | od -An -c | tr -d " ")" = "177ELF" ] && echo "$1"' sh {} \;)
	[ "$elves" = "./usr/bin/data-factory-cli" ]
	if grep -E '/(test_|fuzz_)[^/]*$' <<<"$output"; then
		echo "test files in the package" >&2
		return 1
	fi
}

@test "the .deb installs with dpkg -i, runs, shows its man page and is removed" {
	build_deb
	if [ "$(id -u)" -ne 0 ]; then
		echo "# not root: checking the unpacked package (dpkg -x) instead of dpkg -i" >&3
		dpkg-deb -x "$DEB" "$TEST_TMP/root"
		check_package_tree "$TEST_TMP/root"
		return
	fi
	# One installing test at a time on this machine (the plain and the
	# sanitizer builds may run theirs at once); released when bats exits.
	exec {lock}>/tmp/data-factory-cli-install-test.lock
	flock -w 300 "$lock"
	if dpkg-query -W -f='${Status}' data-factory-cli 2>/dev/null | grep -q 'ok installed' ||
		[ -e /usr/bin/data-factory-cli ]; then
		echo "# data-factory-cli is installed already: checking the unpacked package (dpkg -x) instead" >&3
		dpkg-deb -x "$DEB" "$TEST_TMP/root"
		check_package_tree "$TEST_TMP/root"
		return
	fi
	DPKG_INSTALLED=1
	dpkg_waiting -i "$DEB"
	dpkg-query -W -f='${Status}' data-factory-cli | grep -q 'ok installed'
	check_package_tree /
	run dpkg -L data-factory-cli
	[[ $output == *"/usr/share/data-factory-cli/hooks/post-commit"* ]]
	[[ $output == *"/usr/share/zsh/vendor-completions/_data-factory-cli"* ]]
	[[ $output == *"/usr/share/fish/vendor_completions.d/data-factory-cli.fish"* ]]
}

@test "the man page documents every command and option the tool lists" {
	[ -f "$MAN_SOURCE" ]
	local globals commands cmd section opt missing=()
	globals=$(option_terms "# GLOBAL OPTIONS")
	[ -n "$globals" ]

	# The global options of the top-level --help.
	for opt in $("$DFC_BIN" --help | sed -n '/^global options/,/^$/p' | grep -oE -- '(^| )--?[a-z][a-z-]*'); do
		mentions_option "$globals" "$opt" || missing+=("global option $opt")
	done

	commands=$("$DFC_BIN" --list-commands)
	[ "$(wc -l <<<"$commands")" -ge 10 ]
	for cmd in $commands; do
		if [ -z "$(man_section "## $cmd")" ]; then
			missing+=("command '$cmd' (a '## $cmd' section under # COMMANDS)")
			continue
		fi
		section=$(option_terms "## $cmd")
		for opt in $("$DFC_BIN" "$cmd" --list-options); do
			opt=${opt%=}
			mentions_option "$section" "$opt" || mentions_option "$globals" "$opt" ||
				missing+=("$cmd $opt")
		done
	done
	if [ ${#missing[@]} -gt 0 ]; then
		printf 'not in %s:\n' "${MAN_SOURCE#"$DFC_SOURCE_DIR"/}" >&2
		printf '  %s\n' "${missing[@]}" >&2
		return 1
	fi
}

@test "the man page documents every exit status" {
	local section statuses code missing=()
	section=$(man_section "# EXIT STATUS")
	[ -n "$section" ]
	# Every status of SPEC §4, and every one the DFC_CODES list maps to.
	statuses=$( (
		seq 0 9
		grep -oE 'X\(DFC_[A-Z_]+, *-?[0-9]+, *[0-9]+' "$DFC_SOURCE_DIR/include/dfc/error.h" |
			sed -E 's/.*, *//'
	) | sort -un)
	for code in $statuses; do
		grep -qx "\*$code\*" <<<"$section" || missing+=("$code")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "exit statuses missing from # EXIT STATUS: ${missing[*]}" >&2
		return 1
	fi
}

@test "the man page documents every environment variable the tool reads" {
	local section vars var skip missing=()
	section=$(man_section "# ENVIRONMENT")
	[ -n "$section" ]
	# Names given to getenv() or a wrapper (`env("USER")`), and any all-caps
	# literal with an underscore (the config table's variables, the date
	# variables handed on to the identity code). A literal that is no
	# variable goes into NOT_ENV above.
	vars=$( (
		grep -rhoE --include='*.c' --include='*.h' '[a-z_]*env\("[A-Z][A-Z0-9_]*"' "$DFC_SOURCE_DIR/src" |
			sed -E 's/.*\("//; s/"$//'
		grep -rhoE --include='*.c' --include='*.h' '"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+"' "$DFC_SOURCE_DIR/src" |
			tr -d '"'
		grep -rhoE '\$\{[A-Z][A-Z0-9_]*:?-' "$DFC_SOURCE_DIR/hooks" | sed -E 's/^\$\{//; s/:?-$//'
	) | sort -u)
	[[ $vars == *DATA_FACTORY_HOME* ]]
	for var in $vars; do
		for skip in "${NOT_ENV[@]}"; do
			[ "$var" != "$skip" ] || continue 2
		done
		grep -qE "(^|[^A-Z0-9_])\*?$var\*?([^A-Z0-9_]|$)" <<<"$(grep -E '^\*' <<<"$section")" ||
			missing+=("$var")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "environment variables missing from # ENVIRONMENT: ${missing[*]}" >&2
		return 1
	fi
}

@test "the man page source builds with scdoc without warnings" {
	run --separate-stderr scdoc <"$MAN_SOURCE"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ $output == *'.TH "DATA-FACTORY-CLI" "1"'* ]]
	[ -s "$BUILD_DIR/data-factory-cli.1" ]
	[ -s "$BUILD_DIR/data-factory-cli.1.gz" ]
}
