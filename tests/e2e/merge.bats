#!/usr/bin/env bats
# The structural merge of pipeline files (SPEC §5, §8): `merge-file`, and
# the merge driver `hooks install` registers, at work in `git merge`.

load helper

# A pipeline with one node per line, so that edits of neighbouring nodes
# touch neighbouring lines: git's line merge conflicts on them.
write_tight() {
	write_pipeline
	python3 - <<'PY'
import json
doc = json.load(open("pipeline.json"))
lines = lambda items: ",\n".join("    " + json.dumps(x) for x in items)
with open("pipeline.json", "w") as f:
    f.write('{\n  "name": %s,\n  "nodes": [\n%s\n  ],\n  "edges": [\n%s\n  ]\n}\n'
            % (json.dumps(doc["name"]), lines(doc["nodes"]), lines(doc["edges"])))
PY
}

@test "merge-file: changes to different values are both taken; the file is written merged" {
	write_tight
	cp pipeline.json base.json
	sed 's|data/raw.csv|data/raw2.csv|' base.json > ours.json
	sed 's|"--rows", 1000|"--rows", 5|' base.json > theirs.json
	run dfc merge-file ours.json base.json theirs.json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.nodes[0].path' ours.json)" = "data/raw2.csv" ]
	[ "$(jq -c '.edges[1].arguments' ours.json)" = '["--output",{"ref":"out"},"--rows",5]' ]
	dfc validate ours.json
}

@test "merge-file: a conflict exits 8 listing its pointer and both values; the file stays whole" {
	write_tight
	cp pipeline.json base.json
	sed 's|data/raw.csv|data/ours.csv|' base.json > ours.json
	sed 's|data/raw.csv|data/theirs.csv|' base.json > theirs.json
	cp ours.json before.json
	run dfc merge-file --name pipeline.json ours.json base.json theirs.json
	[ "$status" -eq 8 ]
	[[ "$output" == *'conflict: pipeline.json: /nodes/0/path: ours "data/ours.csv", theirs "data/theirs.csv" (base "data/raw.csv")'* ]]
	[[ "$output" == *"1 conflicting change"* ]]
	cmp ours.json before.json
}

@test "merge-file: a file that is not JSON is refused, the current file untouched" {
	write_tight
	cp pipeline.json base.json
	cp pipeline.json ours.json
	echo '{ not json' > theirs.json
	run dfc merge-file ours.json base.json theirs.json
	[ "$status" -eq 3 ]
	cmp ours.json base.json
}

@test "git merge: branches editing neighbouring nodes merge cleanly through the driver" {
	setup_repo
	write_tight
	git add .
	git commit -q -m base
	git checkout -q -b theirs
	sed -i 's|"type": "script", "path": "scripts/clean.py"|"type": "script", "path": "scripts/clean.py", "interpreter": "python3 -u"|' pipeline.json
	git commit -q -am "run clean unbuffered"
	git checkout -q -
	sed -i 's|data/raw.csv|data/raw-2026.csv|' pipeline.json
	mv data/raw.csv data/raw-2026.csv
	git add -A
	git commit -q -m "new raw data"
	run git merge -q --no-edit theirs
	[ "$status" -eq 0 ]
	[ "$(jq -r '.nodes[0].path' pipeline.json)" = "data/raw-2026.csv" ]
	[ "$(jq -r '.nodes[1].interpreter' pipeline.json)" = "python3 -u" ]
	dfc validate pipeline.json
	# Without the driver, git's line merge conflicts on the same branches.
	git reset -q --hard HEAD^
	run git -c merge.data-factory-cli.driver= merge -q --no-edit theirs
	[ "$status" -ne 0 ] || {
		echo "git's own merge did not conflict: the test proves nothing" >&2
		false
	}
}

@test "git merge: a real conflict fails the merge, lists the pointer, and leaves valid JSON" {
	setup_repo
	write_tight
	git add .
	git commit -q -m base
	git checkout -q -b theirs
	sed -i 's|"--rows", 1000|"--rows", 10|' pipeline.json
	git commit -q -am ten
	git checkout -q -
	sed -i 's|"--rows", 1000|"--rows", 20|' pipeline.json
	git commit -q -am twenty
	run git merge --no-edit theirs
	[ "$status" -ne 0 ]
	[[ "$output" == *'/edges/1/arguments'* ]]
	jq -e . pipeline.json > /dev/null
	[ "$(jq -c '.edges[1].arguments[3]' pipeline.json)" = 20 ]
	git diff --name-only --diff-filter=U | grep -qx pipeline.json
}

@test "hooks uninstall removes the merge driver; an older install's line is replaced" {
	setup_repo
	[ "$(git config --get merge.data-factory-cli.driver)" != "" ]
	printf '*.json diff=datafactory\n' > .git/info/attributes
	dfc hooks install
	[ "$(grep -c datafactory .git/info/attributes)" -eq 1 ]
	grep -qx '\*.json diff=datafactory merge=data-factory-cli' .git/info/attributes
	dfc hooks uninstall
	run ! grep -q datafactory .git/info/attributes
	run ! git config --get merge.data-factory-cli.driver
	run ! git config --get merge.data-factory-cli.name
}
