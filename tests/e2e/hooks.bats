#!/usr/bin/env bats
# hooks: `hooks install` / `hooks uninstall` and the pre-commit and
# post-commit hooks at work in a real git repository.

load helper

@test "committing a valid pipeline records a version with Source-Commit" {
	setup_repo
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	git add pipeline.json scripts data
	run git commit -q -m "first pipeline"
	[ "$status" -eq 0 ]
	[ "$output" = "data-factory-cli: recorded pipeline.json as version 2" ]
	head=$(git rev-parse HEAD)
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "first pipeline" ]
	[ "$(store_git log -1 --format='%(trailers:key=Source-Commit,valueonly)' "pipelines/$ID" | head -1)" = "$head" ]
}

@test "an invalid staged pipeline blocks the commit and shows the error" {
	setup_repo
	write_pipeline
	sed -i 's/"to": "out"/"to": "nowhere"/' pipeline.json
	git add pipeline.json
	run git commit -q -m "bad"
	[ "$status" -ne 0 ]
	[[ "$output" == *"pipeline.json"*"nowhere"* ]]
	run ! git rev-parse -q --verify HEAD
}

@test "the staged content is what is validated" {
	setup_repo
	write_pipeline
	sed -i 's/"to": "out"/"to": "nowhere"/' pipeline.json
	git add pipeline.json
	write_pipeline
	run git commit -q -m "bad"
	[ "$status" -ne 0 ]
	[[ "$output" == *"pipeline.json"* ]]
}

@test "non-pipeline JSON is not checked" {
	setup_repo
	echo '{"broken": ' > other.json
	git add other.json
	run git commit -q -m "other"
	[ "$status" -eq 0 ]
}

@test "an existing hook is kept, still runs and can block" {
	git init -q proj
	printf '#!/bin/sh\necho chained-ran >&2\nexit 1\n' > proj/.git/hooks/pre-commit
	chmod +x proj/.git/hooks/pre-commit
	setup_repo
	[ -x .git/hooks/pre-commit.dfc-chained ]
	echo hi > a.txt
	git add a.txt
	run git commit -q -m "x"
	[ "$status" -ne 0 ]
	[[ "$output" == *chained-ran* ]]
}

@test "two pipeline files in one commit are both recorded, one line each" {
	setup_repo
	create_pipeline a.json
	A=$ID
	create_pipeline b.json
	B=$ID
	git add .
	git commit -q -m "both"
	sed -i 's/1000/2000/' a.json b.json
	git add a.json b.json
	run git commit -q -m "more rows"
	[ "$status" -eq 0 ]
	[[ "$output" == *"recorded a.json as version 2"*"recorded b.json as version 2"* ]]
	head=$(git rev-parse HEAD)
	for id in "$A" "$B"; do
		[ "$(store_git log -1 --format=%s "pipelines/$id")" = "more rows" ]
		[ "$(store_git log -1 --format='%(trailers:key=Source-Commit,valueonly)' "pipelines/$id" | head -1)" = "$head" ]
	done
}

@test "a committed pipeline file without an id is left alone with a note; the others are recorded" {
	setup_repo
	create_pipeline a.json
	A=$ID
	git add .
	git commit -q -m "a"
	write_pipeline new.json
	sed -i 's/1000/2000/' a.json
	git add a.json new.json
	run --separate-stderr git commit -q -m "a new one"
	[ "$status" -eq 0 ]
	echo "$stderr"
	# (git gives a hook's stdout to stderr)
	[[ "$stderr" == *"data-factory-cli: recorded a.json as version 2"* ]]
	[[ "$stderr" == *"data-factory-cli: 'new.json' has no pipeline id yet: not recorded"* ]]
	[[ "$stderr" == *"'data-factory-cli create new.json' records its first version"* ]]
	[[ "$stderr" != *"error"* ]]
	[[ "$stderr" != *"not every pipeline file was recorded"* ]]
	[ "$(store_git log -1 --format=%s "pipelines/$A")" = "a new one" ]
	[ "$(git status --porcelain)" = "" ]
	# Once created, the next commit records it.
	NEW=$(dfc create new.json)
	sed -i 's/1000/3000/' new.json
	git add new.json
	run git commit -q -m "rows"
	[ "$status" -eq 0 ]
	[ "$output" = "data-factory-cli: recorded new.json as version 2" ]
	[ "$(store_git log -1 --format=%s "pipelines/$NEW")" = "rows" ]
}

@test "a committed pipeline file named like an option is recorded as a file" {
	setup_repo
	write_pipeline ./--home=x.json
	ID=$(dfc create -- --home=x.json)
	sed -i 's/1000/2000/' ./--home=x.json
	git add -- --home=x.json scripts data
	run git commit -q -m "dashes"
	[ "$status" -eq 0 ]
	[ "$output" = "data-factory-cli: recorded --home=x.json as version 2" ]
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "dashes" ]
	[ ! -e x.json ]
}

@test "update --skip-without-id: a file without an id is a note and exit 0, a bad file still an error" {
	write_pipeline new.json
	create_pipeline a.json
	sed -i 's/1000/2000/' a.json
	before=$(home_listing)
	run --separate-stderr dfc update --skip-without-id new.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == "data-factory-cli: 'new.json' has no pipeline id yet: not recorded"* ]]
	[ "$(home_listing)" = "$before" ]
	run --separate-stderr dfc update --skip-without-id new.json a.json
	[ "$status" -eq 0 ]
	[ "$output" = "a.json: 2" ]
	# Without the option it is the error it always was.
	run --separate-stderr dfc update new.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"error: 'new.json' has no pipeline id"* ]]
	echo '{' > broken.json
	run --separate-stderr dfc update --skip-without-id broken.json
	[ "$status" -eq 3 ]
}

@test "install twice is idempotent; uninstall restores the old hooks byte for byte" {
	git init -q proj
	printf '#!/bin/sh\n# mine\nexit 0\n' > proj/.git/hooks/pre-commit
	chmod 0700 proj/.git/hooks/pre-commit
	before=$(sha256sum < proj/.git/hooks/pre-commit)
	setup_repo
	dfc hooks install
	[ -x .git/hooks/pre-commit.dfc-chained ]
	[ ! -e .git/hooks/pre-commit.dfc-chained.dfc-chained ]
	dfc hooks uninstall
	[ "$(sha256sum < .git/hooks/pre-commit)" = "$before" ]
	[ "$(stat -c %a .git/hooks/pre-commit)" = 700 ]
	[ ! -e .git/hooks/post-commit ]
	[ ! -e .git/hooks/pre-commit.dfc-chained ]
}

@test "core.hooksPath is honoured, relative to the work tree" {
	git init -q proj
	git -C proj config core.hooksPath my-hooks
	mkdir -p proj/sub
	(cd proj/sub && dfc hooks install)
	[ -x proj/my-hooks/pre-commit ]
	[ -x proj/my-hooks/post-commit ]
	[ ! -e proj/.git/hooks/pre-commit ]
	cd proj
	write_pipeline
	sed -i 's/"to": "out"/"to": "nowhere"/' pipeline.json
	git add pipeline.json
	run git commit -q -m "bad"
	[ "$status" -ne 0 ]
	[[ "$output" == *"pipeline.json"* ]]
}

@test "hooks install outside a git repository exits 7" {
	run --separate-stderr dfc hooks install --repo "$TEST_TMP/work"
	[ "$status" -eq 7 ]
}

@test "git diff on a pipeline file shows the textconv form; uninstall removes the driver" {
	setup_repo
	create_pipeline
	git add .
	git commit -q -m "v"
	sed -i 's/1000/2000/' pipeline.json
	run git diff pipeline.json
	[ "$status" -eq 0 ]
	[[ "$output" == *'+edge clean -> out: '*2000* ]]
	[[ "$output" == *'-edge clean -> out: '*1000* ]]
	grep -qx '\*.json diff=datafactory merge=data-factory-cli' .git/info/attributes
	dfc hooks uninstall
	run ! grep -q datafactory .git/info/attributes
	run ! git config --get diff.datafactory.textconv
}

@test "textconv prints other JSON unchanged" {
	printf '{"b": 1,\n "a": [2]}' > other.json
	run dfc textconv other.json
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat other.json)" ]
}

@test "git diff through the textconv driver shows two swapped edges of one script" {
	setup_repo
	create_pipeline
	git add .
	git commit -q -m "v"
	jq '.edges |= [.[1], .[0]]' pipeline.json > swapped.json
	mv swapped.json pipeline.json
	run git diff pipeline.json
	[ "$status" -eq 0 ]
	[[ "$output" == *'-step 1 clean: python3 scripts/clean.py --input data/raw.csv --output data/clean.csv --rows 1000'* ]]
	[[ "$output" == *'+step 1 clean: python3 scripts/clean.py --output data/clean.csv --rows 1000 --input data/raw.csv'* ]]
}

@test "a script renamed in the staged tree but still named blocks the commit" {
	setup_repo
	mkdir -p pipelines/ml
	write_pipeline pipelines/ml/pipeline.json
	mv scripts data pipelines/ml/
	git add pipelines
	run git commit -q -m "with its script"
	[ "$status" -eq 0 ]
	git mv pipelines/ml/scripts/clean.py pipelines/ml/scripts/clean2.py
	run --separate-stderr git commit -q -m "renamed"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"pipelines/ml/pipeline.json: /nodes/1/path: script file 'scripts/clean.py' not found"* ]]
	[[ "$stderr" == *"pre-commit: pipelines/ml/pipeline.json: invalid pipeline, commit blocked"* ]]
	[ "$(git rev-list --count HEAD)" -eq 1 ]
	# following the rename in the pipeline file lets it through
	sed -i 's|scripts/clean.py|scripts/clean2.py|' pipelines/ml/pipeline.json
	git add pipelines/ml/pipeline.json
	run git commit -q -m "renamed, and named so"
	[ "$status" -eq 0 ]
	[ "$(git rev-list --count HEAD)" -eq 2 ]
}

@test "a script deleted by commit -a or left out of commit FILE blocks the commit" {
	setup_repo
	write_pipeline
	git add .
	git commit -q -m "first"
	# commit -a stages the deletion in the index git hands the hook
	rm scripts/clean.py
	run --separate-stderr git commit -q -a -m "deleted"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"pipeline.json: /nodes/1/path: script file 'scripts/clean.py' not found"* ]]
	git checkout -q -- scripts/clean.py
	# commit FILE: only that file's change is in the commit's index
	git rm -q --cached scripts/clean.py
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr git commit -q -m "one file" pipeline.json
	[ "$status" -eq 0 ]
	run --separate-stderr git commit -q -m "the removal"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"script file 'scripts/clean.py' not found"* ]]
}

@test "several pipeline files are checked by one validate; only the bad one is named" {
	setup_repo
	write_pipeline a.json
	write_pipeline b.json
	sed -i 's|scripts/clean.py|scripts/gone.py|' b.json
	# a stand-in for the tool that counts its runs
	cat > counting <<EOF2
#!/bin/sh
echo run >> "$TEST_TMP/runs"
exec "$DFC_BIN" "\$@"
EOF2
	chmod +x counting
	git add a.json b.json scripts data
	DFC_BIN=$PWD/counting run --separate-stderr git commit -q -m "two"
	[ "$status" -ne 0 ]
	[ "$(wc -l < "$TEST_TMP/runs")" -eq 1 ]
	[[ "$stderr" == *"pre-commit: b.json: invalid pipeline, commit blocked"* ]]
	[[ "$stderr" != *"pre-commit: a.json"* ]]
	[[ "$stderr" == *"b.json: /nodes/1/path: script file 'scripts/gone.py' not found"* ]]
}

@test "committing a copy of a pipeline file does not block the commit; the copy is not recorded" {
	setup_repo
	mkdir -p pipelines/ml
	(cd pipelines/ml && create_pipeline)
	ID=$(jq -r .id pipelines/ml/pipeline.json)
	git add pipelines
	git commit -q -m "ml"
	cp -r pipelines/ml pipelines/ml2
	sed -i 's/1000/2000/' pipelines/ml2/pipeline.json
	git add pipelines/ml2
	run --separate-stderr git commit -q -m "a copy"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"'pipelines/ml2/pipeline.json' is a copy of 'pipelines/ml/pipeline.json': both carry pipeline id $ID"* ]]
	[[ "$stderr" == *"create --new-id pipelines/ml2/pipeline.json"* ]]
	[ "$(store_git rev-list --count "pipelines/$ID")" -eq 1 ]
	[ "$(git rev-list --count HEAD)" -eq 2 ]
}

@test "a pipeline file named with control characters is named safely by the pre-commit hook" {
	setup_repo
	write_pipeline
	name=$'bad\e]0;owned\a.json'
	sed 's/"to": "out"/"to": "nowhere"/' pipeline.json > "$name"
	git add -- "$name" scripts data
	run --separate-stderr git commit -q -m bad
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"invalid pipeline, commit blocked"* ]]
	[[ "$stderr" != *$'\e'* && "$stderr" != *$'\a'* ]]
}
