# shellcheck shell=bash
# catalog_fill.bash - a catalog as a whole organisation shares it, for the
# tests and bench/catalog-scale.sh: thousands of other pipelines' refs.
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
