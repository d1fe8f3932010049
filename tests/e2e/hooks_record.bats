#!/usr/bin/env bats
# The recording hooks (SPEC §8): every commit, merge, pull, amend and
# rebase that changes a pipeline file or a local script it names records
# one version, with one line saying so, and never the same content twice.

load helper

# The tags of pipeline $ID in the store: one per version.
nr_versions() {
	store_git tag -l "pipelines/$ID/v*" | wc -l
}

# A committed pipeline: version 1 by create, then the commit records nothing new.
committed_pipeline() {
	setup_repo
	create_pipeline
	git add .
	git commit -q -m "pipeline"
	[ "$(nr_versions)" -eq 1 ]
}

@test "hooks install puts post-merge and post-rewrite beside the others; uninstall removes them" {
	git init -q proj
	printf '#!/bin/sh\necho mine-ran >&2\n' > proj/.git/hooks/post-merge
	chmod +x proj/.git/hooks/post-merge
	before=$(sha256sum < proj/.git/hooks/post-merge)
	setup_repo
	for hook in pre-commit post-commit post-merge post-rewrite; do
		[ -x ".git/hooks/$hook" ]
		grep -q '^# data-factory-cli-hook$' ".git/hooks/$hook"
	done
	[ -x .git/hooks/post-merge.dfc-chained ]
	dfc hooks uninstall
	[ "$(sha256sum < .git/hooks/post-merge)" = "$before" ]
	[ ! -e .git/hooks/post-rewrite ]
}

@test "a commit that changes only a script the pipeline names records a version" {
	committed_pipeline
	printf 'print("v2")\n' >> scripts/clean.py
	git add scripts/clean.py
	run git commit -q -m "faster cleaning"
	[ "$status" -eq 0 ]
	[ "$output" = "data-factory-cli: recorded pipeline.json as version 2" ]
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "faster cleaning" ]
	[ "$(store_git show "pipelines/$ID/v2:scripts.json" | jq -r .clean)" = "$(git rev-parse HEAD:scripts/clean.py)" ]
	run --separate-stderr dfc status pipeline.json
	[[ "$output" != *modified* ]]
	# A file the pipeline does not name records nothing.
	echo notes > README.txt
	git add README.txt
	run git commit -q -m "notes"
	[ -z "$output" ]
	[ "$(nr_versions)" -eq 2 ]
}

@test "a script named from another folder (../) is followed" {
	setup_repo
	mkdir -p pipelines/ml shared
	printf 'echo hi\n' > shared/train.sh
	printf '{"nodes": [{"id": "t", "type": "script", "path": "../../shared/train.sh"}], "edges": []}\n' > pipelines/ml/pipeline.json
	ID=$(dfc create pipelines/ml/pipeline.json)
	git add .
	git commit -q -m "ml"
	echo 'echo more' >> shared/train.sh
	git commit -qam "train more"
	[ "$(nr_versions)" -eq 2 ]
}

@test "a merge commit with a conflict resolved by hand is recorded against its first parent" {
	committed_pipeline
	git checkout -q -b feature
	sed -i 's/1000/2000/' pipeline.json
	git commit -qam "2000 rows"
	git checkout -q -
	sed -i 's/1000/3000/' pipeline.json
	git commit -qam "3000 rows"
	[ "$(nr_versions)" -eq 3 ]
	run git merge -q feature
	[ "$status" -ne 0 ]
	git checkout -q --theirs pipeline.json
	sed -i 's/2000/2500/' pipeline.json
	git add pipeline.json
	run git commit -q --no-edit
	[ "$status" -eq 0 ]
	[[ "$output" == *"data-factory-cli: recorded pipeline.json as version 4"* ]]
	[ "$(store_git log -1 --format='%(trailers:key=Source-Commit,valueonly)' "pipelines/$ID" | head -1)" = "$(git rev-parse HEAD)" ]
	[ "$(store_git show "pipelines/$ID/v4:pipeline.json" | jq '.edges[1].arguments[3]')" = 2500 ]
}

@test "a pull that brings a colleague's change records it (post-merge), fast-forward or merged" {
	committed_pipeline
	git clone -q . ../colleague
	(
		cd ../colleague
		git config user.name "Bob"
		git config user.email "bob@example.org"
		sed -i 's/1000/4000/' pipeline.json
		git commit -qam "bob: 4000 rows"
	)
	run git pull -q --ff-only ../colleague HEAD
	[ "$status" -eq 0 ]
	[[ "$output" == *"data-factory-cli: recorded pipeline.json as version 2"* ]]
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "bob: 4000 rows" ]
	# A merge git commits itself: post-merge, not post-commit.
	(cd ../colleague && printf 'print(2)\n' >> scripts/clean.py && git commit -qam "bob: script")
	echo notes > README.txt
	git add README.txt
	git commit -q -m "notes"
	run git pull -q --no-rebase --no-edit ../colleague HEAD
	[ "$status" -eq 0 ]
	[ "$(git rev-list --parents -n1 HEAD | wc -w)" -eq 3 ]
	[[ "$output" == *"data-factory-cli: recorded pipeline.json as version 3"* ]]
	[ "$(nr_versions)" -eq 3 ]
}

@test "amend and rebase record what changed, and never the same content twice" {
	committed_pipeline
	sed -i 's/1000/2000/' pipeline.json
	run git commit -qam "2000"
	[ "$output" = "data-factory-cli: recorded pipeline.json as version 2" ]
	# Amending the message only: post-commit and post-rewrite record nothing.
	run git commit -q --amend -m "2000 rows"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(nr_versions)" -eq 2 ]
	# Amending the content: one new version, one line.
	sed -i 's/2000/2100/' pipeline.json
	git add pipeline.json
	run git commit -q --amend --no-edit
	[ "$output" = "data-factory-cli: recorded pipeline.json as version 3" ]
	[ "$(nr_versions)" -eq 3 ]
	# A rebase onto a branch that changed the script records the result.
	git branch -q base HEAD~1
	git checkout -q base
	printf 'print(3)\n' >> scripts/clean.py
	git commit -qam "script"
	git checkout -q -
	run git rebase -q base
	[ "$status" -eq 0 ]
	[[ "$output" == *"data-factory-cli: recorded pipeline.json as version"* ]]
	[ "$(store_git show "pipelines/$ID:scripts.json" | jq -r .clean)" = "$(git rev-parse HEAD:scripts/clean.py)" ]
	[ "$(store_git show "pipelines/$ID:pipeline.json" | jq '.edges[1].arguments[3]')" = 2100 ]
	versions=$(nr_versions)
	run git commit -q --amend --no-edit
	[ "$(nr_versions)" -eq "$versions" ]
}

@test "a file whose work tree differs from the commit is left out with a note" {
	committed_pipeline
	sed -i 's/1000/2000/' pipeline.json
	git add pipeline.json
	sed -i 's/2000/3000/' pipeline.json
	run --separate-stderr git commit -q -m "2000"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"data-factory-cli: pipeline.json: not recorded, the work tree differs from the commit"* ]]
	[ "$(nr_versions)" -eq 1 ]
}

@test "hooks record outside a repository and with a bad revision: one error, exit 7, nothing recorded" {
	run --separate-stderr dfc hooks record
	[ "$status" -eq 7 ]
	[[ "$stderr" == "data-factory-cli: error: "* ]]
	committed_pipeline
	run --separate-stderr dfc hooks record --since no-such-rev
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no commit 'no-such-rev'"* ]]
	run --separate-stderr dfc hooks record --rewritten <<<"garbage"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"hint: "* ]]
	[ "$(nr_versions)" -eq 1 ]
}
