/*
 * fuzz_graph.c - graph_render() in every format, on any document the
 * parser accepts (valid pipeline or not: the renderer leaves malformed
 * nodes and edges out).
 *
 * Whatever the ids and arguments hold:
 * - mermaid and dot always draw; ascii draws, or refuses a cycle with
 *   DFC_EINVALID and draws nothing;
 * - no line holds a control character (C0, DEL, C1) but dot's tabs, so
 *   neither the line structure nor the terminal can be taken over;
 * - in mermaid and dot, the quotes that delimit names and labels come in
 *   pairs on every line (mermaid writes `"` as #quot;, dot escapes it), so
 *   text from the file never ends a label early (ascii, for people, shows
 *   labels as they are);
 * - mermaid draws `flowchart LR` and one line per node and per edge of
 *   the dag, dot a `digraph pipeline { ... }` with the same count inside;
 * - the same document draws the same text again.
 */
#include "fuzz.h"

#include "dfc/buf.h"
#include "dfc/dag.h"
#include "dfc/error.h"
#include "dfc/graph.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"

#include <string.h>

enum quotes { QUOTES_UNCHECKED, QUOTES_PAIRED, QUOTES_PAIRED_BACKSLASH_ESCAPES };

/* Count the lines of `text`, checking each: no control (but tabs when
 * `tabs`), and its quotes as `quoting` says. */
static size_t check_lines(char *text, int tabs, enum quotes quoting)
{
	size_t lines = 0;

	for (char *line = text, *eol; *line; line = eol + 1) {
		size_t quotes = 0;

		FUZZ_CHECK((eol = strchr(line, '\n')) != NULL);
		*eol = '\0';
		for (char *p = line; *p; p++) {
			if (*p == '\t' && tabs)
				*p = ' ';
			if (quoting == QUOTES_PAIRED_BACKSLASH_ESCAPES && *p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quotes++;
		}
		FUZZ_CHECK(fuzz_is_terminal_safe(line));
		FUZZ_CHECK(quoting == QUOTES_UNCHECKED || quotes % 2 == 0);
		*eol = '\n';
		lines++;
	}
	return lines;
}

static void draw(const json_t *root, enum graph_format format, struct buf *out)
{
	struct buf again = BUF_INIT;
	int ret = graph_render(out, root, format), ret2;

	FUZZ_CHECK(ret == 0 || (format == GRAPH_ASCII && ret == DFC_EINVALID && out->len == 0));
	dfc_error_clear();
	ret2 = graph_render(&again, root, format);
	dfc_error_clear();
	FUZZ_CHECK(ret2 == ret && again.len == out->len &&
		   !memcmp(buf_cstr(&again), buf_cstr(out), out->len));
	buf_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems problems = PROBLEMS_INIT;
	struct buf mermaid = BUF_INIT, dot = BUF_INIT, ascii = BUF_INIT;
	struct dag dag = DAG_INIT;

	if (pipeline_parse(&p, "fuzz.json", (const char *)data, size, &problems))
		goto out;
	dag_build(&dag, p.root);

	draw(p.root, GRAPH_MERMAID, &mermaid);
	FUZZ_CHECK(!strncmp(buf_cstr(&mermaid), "flowchart LR\n", 13));
	FUZZ_CHECK(check_lines(mermaid.data, 0, QUOTES_PAIRED) ==
		   1 + dag.nr_nodes + dag.nr_edges);

	draw(p.root, GRAPH_DOT, &dot);
	FUZZ_CHECK(!strncmp(buf_cstr(&dot), "digraph pipeline {\n\trankdir=LR;\n", 32));
	FUZZ_CHECK(dot.len >= 2 && !strcmp(dot.data + dot.len - 2, "}\n"));
	FUZZ_CHECK(check_lines(dot.data, 1, QUOTES_PAIRED_BACKSLASH_ESCAPES) ==
		   3 + dag.nr_nodes + dag.nr_edges);

	draw(p.root, GRAPH_ASCII, &ascii);
	if (ascii.len) {
		check_lines(ascii.data, 0, QUOTES_UNCHECKED);
	} else if (dag.nr_nodes) {
		/* Nothing drawn for nodes: only a cycle stops the layers. */
		size_t *cycle = NULL, len = 0;

		FUZZ_CHECK(dag_find_cycle(&dag, &cycle, &len));
		free(cycle);
	}

	buf_release(&mermaid);
	buf_release(&dot);
	buf_release(&ascii);
	dag_release(&dag);
out:
	problems_release(&problems);
	pipeline_release(&p);
	dfc_error_clear();
	return 0;
}
