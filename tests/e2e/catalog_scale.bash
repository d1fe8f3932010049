# shellcheck shell=bash
# catalog_scale.bash - a catalog as a whole organisation shares it, for the
# tests and bench/catalog-scale.sh: thousands of other pipelines' refs, and
# four teammates sharing into it at once.
#
# catalog_fill GIT_DIR N: N more refs as share makes them: per pipeline, five
# versions (commits with pipeline.json and the trailers) on its branch and
# a tag each; packed, as a server packs them.
catalog_fill() {
	[ "$2" -gt 0 ] || return 0
	python3 - "$2" <<-'PY' | git --git-dir="$1" fast-import --quiet
		import sys
		out = sys.stdout.buffer
		def data(text):
		    raw = text.encode()
		    out.write(b"data %d\n%s\n" % (len(raw), raw))
		mark = 0
		for i in range(int(sys.argv[1]) // 6):
		    pid = "%08x-0000-7000-8000-%012x" % (i, i)
		    mark += 1
		    blob = mark
		    out.write(b"blob\nmark :%d\n" % blob)
		    data('{"id": "%s", "name": "filler-%d", "nodes": [{"id": "d", "type": "dataset", '
		         '"path": "d.csv"}], "edges": []}\n' % (pid, i))
		    for v in range(1, 6):
		        mark += 1
		        out.write(b"commit refs/heads/pipelines/%s\nmark :%d\n" % (pid.encode(), mark))
		        out.write(b"committer Filler <filler@example.org> 1700000000 +0000\n")
		        data("share %s as version %d\n\nPipeline-Id: %s\nPipeline-Version: %d\n" % (pid, v, pid, v))
		        out.write(b"M 100644 :%d pipeline.json\n\n" % blob)
		        out.write(b"reset refs/tags/pipelines/%s/v%d\nfrom :%d\n\n" % (pid.encode(), v, mark))
	PY
	git --git-dir="$1" pack-refs --all
}

# four_homes_share_at_once URL GIT_DIR: the pipeline of create_pipeline is
# shared to the catalog at URL (its repository GIT_DIR) as version 1, then
# four copies of the home share four edits of it at once: one lands as
# version 2, the three others are refused by the lost-update guard.
four_homes_share_at_once() {
	local url=$1 git_dir=$2 w
	DATA_FACTORY_CATALOG=$url dfc share -f pipeline.json
	for w in 1 2 3 4; do
		sed "s/1000/$w$w$w/" pipeline.json > "w$w.json"
		mkdir -p "h$w"
		cp -r "$DATA_FACTORY_HOME" "h$w/home"
	done
	for w in 1 2 3 4; do
		DATA_FACTORY_CATALOG=$url DATA_FACTORY_HOME=$PWD/h$w/home \
			dfc share -f "w$w.json" > "out$w.txt" 2> "err$w.txt" &
	done
	wait
	cat err*.txt
	[ "$(cat out*.txt | tr -d '\n')" = 2 ]
	[ "$(grep -l 'is newer than version 1, which this share started from' err*.txt | wc -l)" -eq 3 ]
	[ "$(git --git-dir="$git_dir" rev-list --count "pipelines/$ID")" -eq 2 ]
	[ "$(git --git-dir="$git_dir" rev-parse "pipelines/$ID/v2")" = "$(git --git-dir="$git_dir" rev-parse "pipelines/$ID")" ]
}
