/* test_graph.c - the mermaid, dot and ascii drawings of a pipeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

#include "dfc/error.h"
#include "dfc/graph.h"

#include <string.h>

/* raw -> clean -> tidy, raw -> stats: two layers of edges, file order kept. */
static const char *const DIAMOND =
	"{\"name\": \"d\", \"nodes\": ["
	" {\"id\": \"clean\", \"type\": \"script\", \"path\": \"clean.sh\"},"
	" {\"id\": \"raw\", \"type\": \"dataset\", \"path\": \"raw.csv\"},"
	" {\"id\": \"tidy\", \"type\": \"dataset\", \"path\": \"tidy.csv\"},"
	" {\"id\": \"stats\", \"type\": \"script\", \"path\": \"stats.sh\"}],"
	" \"edges\": ["
	" {\"from\": \"raw\", \"to\": \"clean\", \"arguments\": [\"--in\", {\"ref\": \"raw\"}]},"
	" {\"from\": \"clean\", \"to\": \"tidy\", \"arguments\": [{\"ref\": \"tidy\"}, 3, 1.5,"
	" true]},"
	" {\"from\": \"raw\", \"to\": \"stats\"}]}";

/* The drawing of `text` in `format`; fails the test unless it returns 0. */
static char *draw(const char *text, enum graph_format format)
{
	json_t *root = test_json(text);
	struct buf out = BUF_INIT;

	assert_int_equal(graph_render(&out, root, format), 0);
	json_decref(root);
	return buf_detach(&out, NULL);
}

/* A one-edge pipeline whose edge carries the JSON array `arguments`. */
static char *draw_arguments(const char *arguments, enum graph_format format)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\"},"
		 " {\"id\": \"b\", \"type\": \"script\"}],"
		 " \"edges\": [{\"from\": \"a\", \"to\": \"b\", \"arguments\": %s}]}",
		 arguments);
	return draw(text, format);
}

/* The edge with `arguments`, drawn in `format`, holds `want`. */
static void expect_label(const char *arguments, enum graph_format format, const char *want)
{
	char *out = draw_arguments(arguments, format);

	if (!strstr(out, want))
		fail_msg("'%s' is not in:\n%s", want, out);
	free(out);
}

/* The diamond in each format, byte for byte. */
static void test_drawings(void **state)
{
	static const struct {
		enum graph_format format;
		const char *expected;
	} drawings[] = {
		{GRAPH_MERMAID, "flowchart LR\n"
				"    n0[\"clean\"]\n"
				"    n1[(\"raw\")]\n"
				"    n2[(\"tidy\")]\n"
				"    n3[\"stats\"]\n"
				"    n1 -- \"--in raw\" --> n0\n"
				"    n0 -- \"tidy 3 1.5 true\" --> n2\n"
				"    n1 --> n3\n"},
		{GRAPH_DOT, "digraph pipeline {\n"
			    "\trankdir=LR;\n"
			    "\tn0 [shape=box, label=\"clean\"];\n"
			    "\tn1 [shape=cylinder, label=\"raw\"];\n"
			    "\tn2 [shape=cylinder, label=\"tidy\"];\n"
			    "\tn3 [shape=box, label=\"stats\"];\n"
			    "\tn1 -> n0 [label=\"--in raw\"];\n"
			    "\tn0 -> n2 [label=\"tidy 3 1.5 true\"];\n"
			    "\tn1 -> n3;\n"
			    "}\n"},
		/* Layers: the longest path from a source. */
		{GRAPH_ASCII, "layer 0: (raw)\n"
			      "  raw --> clean  \"--in raw\"\n"
			      "  raw --> stats\n"
			      "layer 1: [clean] [stats]\n"
			      "  clean --> tidy  \"tidy 3 1.5 true\"\n"
			      "layer 2: (tidy)\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(drawings) / sizeof(*drawings); i++) {
		char *out = draw(DIAMOND, drawings[i].format);

		assert_string_equal(out, drawings[i].expected);
		free(out);
	}
}

static void test_ascii_cycle_is_an_error(void **state)
{
	json_t *root = test_json("{\"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
				 " \"edges\": [{\"from\": \"a\", \"to\": \"b\"},"
				 " {\"from\": \"b\", \"to\": \"a\"}]}");
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(graph_render(&out, root, GRAPH_ASCII), DFC_EINVALID);
	dfc_error_clear();
	/* The other formats draw what is there. */
	assert_int_equal(graph_render(&out, root, GRAPH_MERMAID), 0);
	assert_non_null(strstr(buf_cstr(&out), "n0 --> n1\n    n1 --> n0\n"));
	buf_release(&out);
	json_decref(root);
}

static void test_quotes_and_backslashes(void **state)
{
	static const char *const arguments = "[\"say \\\"hi\\\"\", \"C:\\\\x\"]";

	(void)state;
	expect_label(arguments, GRAPH_MERMAID, "n0 -- \"say #quot;hi#quot; C:\\x\" --> n1\n");
	expect_label(arguments, GRAPH_DOT, "n0 -> n1 [label=\"say \\\"hi\\\" C:\\\\x\"];\n");
}

/*
 * Nothing in a label can break a line or reach the terminal as a control:
 * C0 (a line break included), DEL and the C1 controls (U+0080..U+009F,
 * U+009B being a CSI) become spaces; other characters are kept.
 */
static void test_control_characters_become_spaces(void **state)
{
	static const char *const arguments =
		"[\"a\\nb\\u001b[31m\\u007fc\\u009b1md\\u0085e\", \"\\u00e9\\u2713\"]";
	enum graph_format formats[] = {GRAPH_MERMAID, GRAPH_DOT, GRAPH_ASCII};

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		char *out = draw_arguments(arguments, formats[i]);

		assert_non_null(strstr(out, "\"a b [31m c 1md e \xc3\xa9\xe2\x9c\x93\""));
		for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
			assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
			assert_true(*p != 0x7f);
			assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0);
		}
		free(out);
	}
}

/* Labels are cut to GRAPH_LABEL_MAX bytes, never inside a character. */
static void test_long_labels_are_cut(void **state)
{
	(void)state;
	/* 42 bytes: 37 are kept for "...", less the é that byte 37 is inside. */
	expect_label("[\"0123456789012345678901234567890123\\u00e9\\u00e9\\u00e9\\u00e9\"]",
		     GRAPH_ASCII, "  \"0123456789012345678901234567890123\xc3\xa9...\"\n");
	/* Exactly GRAPH_LABEL_MAX bytes are kept whole. */
	expect_label("[\"0123456789012345678901234567890123456789\"]", GRAPH_ASCII,
		     "  \"0123456789012345678901234567890123456789\"\n");
}

static void test_format_names(void **state)
{
	enum graph_format format = GRAPH_ASCII;

	(void)state;
	assert_int_equal(graph_format_parse(&format, NULL), 0);
	assert_int_equal(format, GRAPH_MERMAID);
	assert_int_equal(graph_format_parse(&format, "dot"), 0);
	assert_int_equal(format, GRAPH_DOT);
	assert_int_equal(graph_format_parse(&format, "ascii"), 0);
	assert_int_equal(format, GRAPH_ASCII);
	assert_int_equal(graph_format_parse(&format, "svg"), DFC_EUSAGE);
	assert_int_equal(format, GRAPH_ASCII);
	dfc_error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drawings),
		cmocka_unit_test(test_ascii_cycle_is_an_error),
		cmocka_unit_test(test_quotes_and_backslashes),
		cmocka_unit_test(test_control_characters_become_spaces),
		cmocka_unit_test(test_long_labels_are_cut),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
