#!/usr/bin/env bats
# share: append a version to the catalog (default, path and file://).

load helper
load catalog_scale

catalog_git() {
	git --git-dir="${CATALOG:-$DATA_FACTORY_HOME/catalog.git}" "$@"
}

@test "share -i to the default catalog creates it and prints version 1" {
	create_pipeline
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(catalog_git rev-parse --is-bare-repository)" = true ]
	[ "$(catalog_git rev-parse "pipelines/$ID/v1")" = "$(catalog_git rev-parse "refs/heads/pipelines/$ID")" ]
	catalog_git fsck --strict --no-dangling
}

@test "the catalog commit is self-contained: catalog form, scripts, datasets, trailers" {
	create_pipeline
	dfc share -i "$ID" -m "first share"
	catalog_git show "pipelines/$ID/v1:pipeline.json" > form.json
	script_id=$(git hash-object scripts/clean.py)
	data_id=$(git hash-object data/raw.csv)
	[ "$(jq -r '.nodes[] | select(.id == "clean") | .script_id' form.json)" = "$script_id" ]
	[ "$(jq -r '.nodes[] | select(.id == "clean") | .path' form.json)" = scripts/clean.py ]
	[ "$(jq -r '.nodes[] | select(.id == "raw") | .dataset_id' form.json)" = "$data_id" ]
	[ "$(jq -c '.edges[0].arguments[1]' form.json)" = '{"ref":"raw"}' ]
	catalog_git cat-file -e "pipelines/$ID/v1:scripts/$script_id/clean.py"
	[ "$(catalog_git show "pipelines/$ID/v1:datasets/$data_id/raw.csv")" = "$(cat data/raw.csv)" ]
	# the output dataset does not exist yet: described by its path
	out_id=$(jq -r '.nodes[] | select(.id == "out") | .dataset_id' form.json)
	[ "$(catalog_git show "pipelines/$ID/v1:datasets/$out_id.json" | jq -c .)" = '{"path":"data/clean.csv"}' ]
	msg=$(catalog_git log -1 --format=%B "pipelines/$ID")
	[[ "$msg" == "first share"* ]]
	[[ "$msg" == *"Pipeline-Id: $ID"* ]]
	[[ "$msg" == *"Pipeline-Version: 1"* ]]
	[[ "$msg" == *"Local-Version: 1"* ]]
}

@test "a dataset larger than catalog.max_dataset_bytes is a descriptor with sha256 and size" {
	create_pipeline
	head -c 20000 /dev/urandom > data/raw.csv
	dfc update pipeline.json
	printf '{"catalog": {"max_dataset_bytes": 1000}}' > "$DATA_FACTORY_HOME/config.json"
	dfc share -i "$ID"
	catalog_git show "pipelines/$ID/v1:pipeline.json" > form.json
	did=$(jq -r '.nodes[] | select(.id == "raw") | .dataset_id' form.json)
	catalog_git show "pipelines/$ID/v1:datasets/$did.json" > desc.json
	[ "$(jq -r .sha256 desc.json)" = "$(sha256sum < data/raw.csv | cut -d' ' -f1)" ]
	[ "$(jq -r .size desc.json)" = 20000 ]
	[ "$(jq -r .path desc.json)" = data/raw.csv ]
	[ "$(catalog_git show "pipelines/$ID/v1:datasets/$did.json" | git hash-object --stdin)" = "$did" ]
}

@test "sharing what equals the catalog's latest appends nothing and says so" {
	create_pipeline
	dfc share -i "$ID"
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"equals catalog version 1"* ]]
	[ "$(catalog_git rev-list --count "pipelines/$ID")" -eq 1 ]
	# the same content from the file is the same version too
	run --separate-stderr dfc share -f pipeline.json
	[ "$output" = 1 ]
	[ "$(catalog_git rev-list --count "pipelines/$ID")" -eq 1 ]
}

@test "share -f shares the file as it is; versions append in order" {
	create_pipeline
	dfc share -f pipeline.json
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr dfc share -f pipeline.json
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	catalog_git show "pipelines/$ID/v2:pipeline.json" | grep -q 2000
	[ "$(catalog_git rev-parse "pipelines/$ID/v2^")" = "$(catalog_git rev-parse "pipelines/$ID/v1")" ]
	! catalog_git log -1 --format=%B "pipelines/$ID" | grep -q Local-Version || false
}

@test "pipeline share is the same command; -v picks a local version" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc pipeline share -i "$ID" -v 1
	[ "$output" = 1 ]
	catalog_git show "pipelines/$ID/v1:pipeline.json" | grep -q 1000
	[[ "$(catalog_git log -1 --format=%B "pipelines/$ID")" == *"Local-Version: 1"* ]]
}

@test "--catalog with a path and a file:// URL, and DATA_FACTORY_CATALOG" {
	create_pipeline
	git init -q --bare "$TEST_TMP/shared.git"
	CATALOG=$TEST_TMP/shared.git
	run --separate-stderr dfc share -i "$ID" --catalog "$CATALOG"
	[ "$output" = 1 ]
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr dfc share -f pipeline.json --catalog "file://$CATALOG"
	[ "$output" = 2 ]
	sed -i 's/2000/3000/' pipeline.json
	DATA_FACTORY_CATALOG=$CATALOG run --separate-stderr dfc share -f pipeline.json
	[ "$output" = 3 ]
	[ "$(catalog_git rev-list --count "pipelines/$ID")" -eq 3 ]
	[ ! -e "$DATA_FACTORY_HOME/catalog.git" ]
}

@test "catalog.url in the config file is used; --catalog beats it" {
	create_pipeline
	git init -q --bare "$TEST_TMP/a.git"
	git init -q --bare "$TEST_TMP/b.git"
	printf '{"catalog": {"url": "%s"}}' "$TEST_TMP/a.git" > "$DATA_FACTORY_HOME/config.json"
	dfc share -i "$ID"
	CATALOG=$TEST_TMP/a.git catalog_git rev-parse -q --verify "refs/heads/pipelines/$ID"
	dfc share -i "$ID" --catalog "$TEST_TMP/b.git"
	CATALOG=$TEST_TMP/b.git catalog_git rev-parse -q --verify "refs/heads/pipelines/$ID"
}

@test "a catalog that does not exist exits 9 with its path and a hint" {
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "$TEST_TMP/nowhere.git"
	[ "$status" -eq 9 ]
	[[ "$stderr" == *"cannot reach the catalog at $TEST_TMP/nowhere.git"* ]]
	[[ "$stderr" == *"hint:"* ]]
}

@test "share needs -f or -i, an id, and existing content" {
	run --separate-stderr dfc share
	[ "$status" -eq 2 ]
	write_pipeline
	run --separate-stderr dfc share -f pipeline.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"has no pipeline id"* ]]
	run --separate-stderr dfc share -i nothing-here
	[ "$status" -eq 7 ]
	create_pipeline
	rm data/raw.csv
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"dataset 'raw' not found"* ]]
}

# Other pipelines' refs in the catalogs of the concurrency tests, packed as
# a server packs them (DFC_TEST_CATALOG_REFS=60000 for an organisation's).
catalog_refs=${DFC_TEST_CATALOG_REFS:-600}

@test "four concurrent shares of the same pipeline: four linear catalog versions" {
	git init -q --bare "$DATA_FACTORY_HOME/catalog.git"
	catalog_fill "$DATA_FACTORY_HOME/catalog.git" "$catalog_refs"
	create_pipeline
	for w in 1 2 3 4; do
		sed "s/1000/$w$w$w/" pipeline.json > "w$w.json"
	done
	for w in 1 2 3 4; do
		dfc share -f "w$w.json" > "out$w.txt" &
	done
	wait
	[ "$(cat out*.txt | sort -n | tr '\n' ' ')" = "1 2 3 4 " ]
	[ "$(catalog_git rev-list --count "pipelines/$ID")" -eq 4 ]
	for n in 1 2 3 4; do
		[ "$(catalog_git log -1 --format='%(trailers:key=Pipeline-Version,valueonly)' "pipelines/$ID/v$n" | head -1)" = "$n" ]
	done
	[ "$(catalog_git rev-list --merges --count "pipelines/$ID")" -eq 0 ]
	catalog_git fsck --strict --no-dangling
}

@test "four homes share from one base at once to a local catalog of many refs: one lands, none is lost" {
	catalog=$TEST_TMP/org-catalog.git
	git init -q --bare "$catalog"
	catalog_fill "$catalog" "$catalog_refs"
	create_pipeline
	four_homes_share_at_once "$catalog" "$catalog"
	# The other pipelines' refs are untouched, and still packed.
	[ "$(git --git-dir="$catalog" for-each-ref refs/heads/pipelines | wc -l)" -eq $((catalog_refs / 6 + 1)) ]
	git --git-dir="$catalog" fsck --strict --no-dangling
}

@test "the last known catalog state is kept as remote-tracking refs in repo.git" {
	create_pipeline
	dfc share -i "$ID"
	[ "$(store_git rev-parse "refs/remotes/catalog/pipelines/$ID")" = "$(catalog_git rev-parse "pipelines/$ID")" ]
	store_git fsck --strict --no-dangling
	[ "$(store_git config remote.catalog.url)" = "$DATA_FACTORY_HOME/catalog.git" ]
}

@test "a tag left missing by a killed share is pushed again by the next share" {
	create_pipeline
	dfc share -i "$ID"
	# as if the share had been killed between its branch push and its tag push
	catalog_git update-ref -d "refs/tags/pipelines/$ID/v1"
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr dfc share -f pipeline.json
	[ "$output" = 2 ]
	[ "$(catalog_git rev-parse "pipelines/$ID/v1")" = "$(catalog_git rev-parse "pipelines/$ID~1")" ]
	[ "$(catalog_git rev-parse "pipelines/$ID/v2")" = "$(catalog_git rev-parse "pipelines/$ID")" ]
}

@test "share --runs pushes the pipeline's run ref; without runs it says there are none" {
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --runs
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"no runs of '$ID' are recorded: nothing to push"* ]]
	run catalog_git rev-parse -q --verify "refs/dfc/runs/$ID"
	[ "$status" -ne 0 ]
	dfc run -i "$ID" > /dev/null 2>&1
	run --separate-stderr dfc share -i "$ID" --runs
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"nothing to append"* ]]
	[[ "$stderr" == *"shared 1 run(s) of '$ID' at $DATA_FACTORY_HOME/catalog.git"* ]]
	[ "$(catalog_git rev-parse "refs/dfc/runs/$ID")" = "$(store_git rev-parse "refs/dfc/runs/$ID")" ]
	[ "$(store_git rev-parse "refs/remotes/catalog/runs/$ID")" = "$(store_git rev-parse "refs/dfc/runs/$ID")" ]
	catalog_git fsck --strict --no-dangling
	run --separate-stderr dfc share -i "$ID" --runs
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"the catalog has every run of '$ID' recorded here: no runs pushed"* ]]
}
