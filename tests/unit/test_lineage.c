/* test_lineage.c - tracing a content through recorded runs (lineage.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/lineage.h"

#include <stdlib.h>
#include <string.h>

/* 64-hex sha256s made of one repeated digit: "a" -> "aaaa...". */
static const char *sha(char c)
{
	static char bufs[8][SHA256_HEX_SIZE];
	static int next;
	char *s = bufs[next++ % 8];

	memset(s, c, 64);
	s[64] = '\0';
	return s;
}

/*
 * A run list of recorded runs, newest first, each given as its steps:
 * "STEP OUTCOME in=SHAS out=SHAS" lines, shas as single digits.
 */
static void add_run(struct run_list *list, const char *id, const char *const *steps)
{
	struct run_entry *e;

	list->items = realloc(list->items, (list->nr + 1) * sizeof(*list->items));
	e = &list->items[list->nr++];
	memset(e, 0, sizeof(*e));
	e->rec.run = json_pack("{s:s,s:s}", "run", id, "workdir", "/nowhere");
	e->rec.steps = json_array();
	e->rec.skipped = json_array();
	e->rec.id = json_string_value(json_object_get(e->rec.run, "run"));
	e->pipeline_id = strdup("p1");
	for (size_t i = 0; steps[i]; i++) {
		char name[32], outcome[16], in[16], out[16];
		json_t *inputs = json_array(), *outputs = json_array();

		assert_int_equal(sscanf(steps[i], "%31s %15s in=%15s out=%15s", name, outcome, in, out),
				 4);
		for (const char *c = in; *c && *c != '-'; c++)
			json_array_append_new(inputs, json_pack("{s:s,s:s,s:i}", "path", "in.txt",
								"sha256", sha(*c), "size", 1));
		for (const char *c = out; *c && *c != '-'; c++)
			json_array_append_new(outputs, json_pack("{s:s,s:s,s:i}", "path", "out.txt",
								 "sha256", sha(*c), "size", 2));
		json_array_append_new(e->rec.steps,
				      json_pack("{s:s,s:s,s:o,s:o}", "step", name, "outcome", outcome,
						"inputs", inputs, "outputs", outputs));
	}
}

static void release(struct run_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		json_decref(list->items[i].rec.run);
		json_decref(list->items[i].rec.steps);
		json_decref(list->items[i].rec.skipped);
		free(list->items[i].pipeline_id);
	}
	free(list->items);
}

static const char *step_of(const struct lineage *l, size_t i)
{
	return l->files[i].step ? json_string_value(json_object_get(l->files[i].step, "step"))
				: NULL;
}

static void test_chain_down_to_the_source(void **state)
{
	const char *const run1[] = { "s1 ran in=a out=b", "s2 ran in=b out=c", NULL };
	struct run_list runs = RUN_LIST_INIT;
	struct lineage l = LINEAGE_INIT;

	(void)state;
	add_run(&runs, "20261206T120000Z-1-0001", run1);
	lineage_trace(&l, &runs, "final.txt", sha('c'), 2);
	assert_int_equal(l.nr, 3);
	assert_string_equal(l.files[0].path, "final.txt");
	assert_string_equal(step_of(&l, 0), "s2");
	assert_int_equal(l.files[0].nr_inputs, 1);
	assert_string_equal(l.files[l.files[0].inputs[0]].sha256, sha('b'));
	assert_string_equal(step_of(&l, 1), "s1");
	assert_null(l.files[2].run); /* a: the source */
	assert_string_equal(l.files[2].sha256, sha('a'));
	lineage_release(&l);
	release(&runs);
}

static void test_a_content_read_twice_is_traced_once(void **state)
{
	/* a -> s1 -> b, a -> s2 -> c, (b, c) -> s3 -> d */
	const char *const run1[] = { "s1 ran in=a out=b", "s2 ran in=a out=c", "s3 ran in=bc out=d",
				     NULL };
	struct run_list runs = RUN_LIST_INIT;
	struct lineage l = LINEAGE_INIT;
	size_t sources = 0;

	(void)state;
	add_run(&runs, "20261206T120000Z-1-0001", run1);
	lineage_trace(&l, &runs, "d.txt", sha('d'), -1);
	assert_int_equal(l.nr, 4);
	assert_int_equal(l.files[0].nr_inputs, 2);
	for (size_t i = 0; i < l.nr; i++)
		sources += !l.files[i].run;
	assert_int_equal(sources, 1);
	/* s1 and s2 both read the one traced `a`. */
	assert_int_equal(l.files[l.files[0].inputs[0]].inputs[0],
			 l.files[l.files[0].inputs[1]].inputs[0]);
	lineage_release(&l);
	release(&runs);
}

static void test_newest_run_wins_and_failed_steps_do_not_count(void **state)
{
	const char *const newer[] = { "late ran in=a out=b", "broken failed in=a out=z", NULL };
	const char *const older[] = { "early ran in=a out=b", "old ran in=a out=z", NULL };
	struct run_list runs = RUN_LIST_INIT;
	struct lineage l = LINEAGE_INIT;

	(void)state;
	add_run(&runs, "20261206T130000Z-2-0002", newer); /* newest first */
	add_run(&runs, "20261206T120000Z-1-0001", older);
	lineage_trace(&l, &runs, "b.txt", sha('b'), -1);
	assert_string_equal(step_of(&l, 0), "late");
	assert_string_equal(l.files[0].run->rec.id, "20261206T130000Z-2-0002");
	lineage_release(&l);
	/* z: the newer run's step failed, so the older run's is the writer. */
	lineage_trace(&l, &runs, "z.txt", sha('z'), -1);
	assert_string_equal(step_of(&l, 0), "old");
	lineage_release(&l);
	/* A content no run wrote: the first file alone, with no run. */
	lineage_trace(&l, &runs, "y.txt", sha('y'), -1);
	assert_int_equal(l.nr, 1);
	assert_null(l.files[0].run);
	lineage_release(&l);
	release(&runs);
}

static void test_a_step_that_rewrote_its_input_does_not_loop(void **state)
{
	/* s1 read a and wrote b; s2 read b and wrote a: a cycle of contents. */
	const char *const run1[] = { "s1 ran in=a out=b", "s2 ran in=b out=a", NULL };
	struct run_list runs = RUN_LIST_INIT;
	struct lineage l = LINEAGE_INIT;

	(void)state;
	add_run(&runs, "20261206T120000Z-1-0001", run1);
	lineage_trace(&l, &runs, "b.txt", sha('b'), -1);
	assert_int_equal(l.nr, 2);
	assert_int_equal(l.files[1].inputs[0], 0);
	lineage_release(&l);
	release(&runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_down_to_the_source),
		cmocka_unit_test(test_a_content_read_twice_is_traced_once),
		cmocka_unit_test(test_newest_run_wins_and_failed_steps_do_not_count),
		cmocka_unit_test(test_a_step_that_rewrote_its_input_does_not_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
