#!/usr/bin/env bash
# bench/catalog-scale.sh - SPEC §11: the catalog as a whole organisation
# shares it. `share`, `sync` and `list --refresh` against catalogs holding
# 0, 6,000 and 60,000 other refs (a branch and five version tags per
# pipeline, packed as a server packs them), over a local path and over
# smart HTTP (lighttpd + git http-backend with hooks/pre-receive, the
# server the tests start), each side by side with git doing the same:
#
#   share           vs git push of one catalog commit and its tag
#   sync            vs git fetch of one pipeline's branch
#   list --refresh  vs git fetch of every pipeline branch
#   share at N refs vs the same share into an empty catalog
#   pre-receive at N refs vs the same hook in an empty catalog
#
# Targets at 60,000 refs: share <= 1.5 x git push, <= 3 x an empty catalog.
#
#   bench/catalog-scale.sh [path/to/data-factory-cli]
#   SIZES="0 6000 60000" TRANSPORTS="local http" (the defaults)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/git_server.bash
. "$bench_dir/../tests/e2e/git_server.bash"
# shellcheck source=tests/e2e/catalog_scale.bash
. "$bench_dir/../tests/e2e/catalog_scale.bash"

export DFC_SOURCE_DIR=$bench_dir/.. DFC_BIN=$bin
sizes=${SIZES:-$(size "0 60 600" "0 6000 60000")}
transports=${TRANSPORTS:-local http}
largest=${sizes##* }

trap 'git_server_stop; rm -rf "$work"' EXIT
git_server_start > /dev/null
export DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
git config --global http.extraHeader "Authorization: Bearer $GIT_SERVER_TOKEN"

# catalog TRANSPORT NAME N: a new catalog of N refs; prints its URL.
catalog() {
	local url hook=
	# A local catalog has no server to run the guard: git push would run it.
	[ "$1" = local ] && hook=--no-hook
	url=$(git_server_new_repo "$2" ${hook:+"$hook"})
	catalog_fill "$GIT_SERVER_REPOS/$2.git" "$3"
	if [ "$1" = local ]; then
		echo "$GIT_SERVER_REPOS/$2.git"
	else
		echo "$url"
	fi
}

# new_home NAME URL: folder NAME, its data-factory home using the catalog at URL.
new_home() {
	mkdir -p "$1"
	DATA_FACTORY_HOME=$work/$1/home dfc config set catalog.url "$2" > /dev/null
}
in_home() { # NAME ARGS...
	local name=$1
	shift
	(cd "$work/$name" && DATA_FACTORY_HOME=$work/$name/home dfc --quiet "$@")
}

# commit_version REPO ID N: a catalog commit of pipeline ID, version N, as
# share makes it (its files, pipeline.json with a new name, the trailers).
commit_version() {
	local repo=$1 id=$2 n=$3
	sed -i "s/^  \"name\": .*/  \"name\": \"daily-sales-$n\",/" "$repo/pipeline.json"
	git -C "$repo" add -A
	git -C "$repo" commit -q -m "version $n" -m "Pipeline-Id: $id
Pipeline-Version: $n"
	git -C "$repo" tag "pipelines/$id/v$n"
}

run_size() { # TRANSPORT N
	local transport=$1 n=$2 url tag=$1-$2
	url=$(catalog "$transport" "cat-$tag" "$n")

	# The tool: home A shares, home B syncs and refreshes.
	new_home "a-$tag" "$url"
	small_pipeline "$work/a-$tag/pipeline.json"
	in_home "a-$tag" create pipeline.json > "$work/a-$tag/id"
	in_home "a-$tag" share -f pipeline.json > /dev/null
	new_home "b-$tag" "$url"
	cp -r "$work/a-$tag/pipeline.json" "$work/a-$tag/scripts" "$work/a-$tag/data" "$work/b-$tag/"
	in_home "b-$tag" sync pipeline.json > /dev/null

	# git: a repository pushes commits of the same files, another fetches them.
	git_id=99999999-0000-7000-8000-$(printf '%012x' "$n")
	git init -q "$work/g-$tag"
	git --git-dir="$GIT_SERVER_REPOS/cat-$tag.git" archive "refs/heads/pipelines/$(cat "$work/a-$tag/id")" |
		tar -x -C "$work/g-$tag"
	sed -i "s/^  \"id\": .*/  \"id\": \"$git_id\",/" "$work/g-$tag/pipeline.json"
	git_rows=1
	commit_version "$work/g-$tag" "$git_id" 1
	git -C "$work/g-$tag" push -q "$url" "HEAD:refs/heads/pipelines/$git_id" "pipelines/$git_id/v1"
	git init -q "$work/f-$tag"

	compare "share, $transport, $n refs vs git push" "$( ((n == largest)) && echo 1.5 || echo -)" \
		share_prep share git_push_prep git_push
	compare "sync, $transport, $n refs vs git fetch" - \
		sync_prep sync nothing git_fetch_one
	compare "list --refresh, $transport, $n refs vs git fetch" - \
		nothing refresh nothing git_fetch_all
}

# next_version TAG: home a-TAG records an edit of its pipeline (untimed).
declare -A rows=()
next_version() {
	rows[$1]=$((${rows[$1]:-1000} + 1))
	set_rows "$work/a-$1/pipeline.json" "${rows[$1]}"
	in_home "a-$1" update pipeline.json > /dev/null
}
share_from() { in_home "a-$1" share -f pipeline.json; }

# The sides of run_size's comparisons ($tag and $url are its own).
share_prep() { next_version "$tag"; }
share() { share_from "$tag"; }
git_push_prep() {
	git_rows=$((git_rows + 1))
	commit_version "$work/g-$tag" "$git_id" "$git_rows"
}
git_push() {
	git -C "$work/g-$tag" push -q "$url" "HEAD:refs/heads/pipelines/$git_id" "pipelines/$git_id/v$git_rows"
}
sync_prep() { share_prep; share > /dev/null; }
sync() { in_home "b-$tag" sync pipeline.json; }
git_fetch_one() {
	git -C "$work/f-$tag" fetch -q --no-tags "$url" "+refs/heads/pipelines/$git_id:refs/remotes/c/$git_id"
}
refresh() { in_home "b-$tag" list --refresh; }
git_fetch_all() {
	git -C "$work/f-$tag" fetch -q --no-tags "$url" "+refs/heads/pipelines/*:refs/remotes/c/*"
}

for transport in $transports; do
	for n in $sizes; do
		run_size "$transport" "$n"
	done
done

# The same share at the largest size and into an empty catalog, side by side.
for transport in $transports; do
	big_tag=$transport-$largest small_tag=$transport-0
	big_prep() { next_version "$big_tag"; }
	big() { share_from "$big_tag"; }
	small_prep() { next_version "$small_tag"; }
	small() { share_from "$small_tag"; }
	compare "share, $transport, $largest vs 0 refs" 3 big_prep big small_prep small
done

# The server's guard: one pushed branch and tag, at the largest size and empty.
hook_input() { # GIT_DIR
	local tip
	tip=$(git --git-dir="$1" for-each-ref --count=1 --format='%(objectname)' "refs/heads/pipelines/99999999-*")
	printf '%s %s %s\n' "$(git --git-dir="$1" rev-parse "$tip^")" "$tip" \
		"$(git --git-dir="$1" for-each-ref --count=1 --format='%(refname)' "refs/heads/pipelines/99999999-*")"
}
hook_big_input=$(hook_input "$GIT_SERVER_REPOS/cat-local-$largest.git")
hook_small_input=$(hook_input "$GIT_SERVER_REPOS/cat-local-0.git")
hook_big() { GIT_DIR=$GIT_SERVER_REPOS/cat-local-$largest.git "$bench_dir/../hooks/pre-receive" <<<"$hook_big_input"; }
hook_small() { GIT_DIR=$GIT_SERVER_REPOS/cat-local-0.git "$bench_dir/../hooks/pre-receive" <<<"$hook_small_input"; }
compare "pre-receive, $largest vs 0 refs" 1.5 nothing hook_big nothing hook_small
