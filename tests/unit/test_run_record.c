/* test_run_record.c - reading and checking a run record (JSON Lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/run_record.h"

#include <stdlib.h>
#include <string.h>

#define RUN_ID "20261206T112000Z-4242-1a2b"
#define FP     "4c33aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

#define RUN_LINE                                                                                   \
	"{\"record\": \"run\", \"format\": 1, \"run\": \"" RUN_ID "\", \"pipeline\": {\"id\": "    \
	"\"p1\", \"name\": \"daily\", \"version\": 3, \"fingerprint\": \"" FP "\"}, "              \
	"\"start\": \"2026-12-06T11:20:00.123456Z\"}\n"
#define STEP_LINE                                                                                  \
	"{\"record\": \"step\", \"step\": \"clean\", \"outcome\": \"ran\", \"reason\": \"never "   \
	"run\", \"exit\": 0, \"start\": \"2026-12-06T11:20:00.201000Z\", \"end\": "                \
	"\"2026-12-06T11:20:01.950311Z\", \"inputs\": [{\"id\": \"raw\", \"path\": "               \
	"\"data/raw.csv\", \"size\": 10, \"sha256\": \"e3b0\"}], \"outputs\": [{\"id\": \"out\", " \
	"\"path\": \"data/clean.csv\", \"size\": null, \"sha256\": null}]}\n"
#define SKIPPED_LINE "{\"record\": \"skipped\", \"steps\": [\"count\"]}\n"
#define END_LINE                                                                                   \
	"{\"record\": \"end\", \"end\": \"2026-12-06T11:20:02.004000Z\", \"status\": "             \
	"\"failed\"}\n"

static int parse(struct run_record *rec, const char *text, const char *expected)
{
	dfc_error_clear();
	return run_record_parse(rec, "r.json", text, strlen(text), expected);
}

static void test_run_ids(void **state)
{
	(void)state;
	assert_true(run_id_is_valid(RUN_ID));
	assert_true(run_id_is_valid("20261206T112000Z-1-ffff"));
	assert_false(run_id_is_valid("20261206T112000Z--1a2b"));
	assert_false(run_id_is_valid("20261206T112000Z-42-1A2B"));
	assert_false(run_id_is_valid("20261206T112000-42-1a2b"));
	assert_false(run_id_is_valid("../../etc/passwd"));
	assert_false(run_id_is_valid("20261206T112000Z-42-1a2b/x"));
	assert_false(run_id_is_valid("20261206T112000Z-42-1a2b0"));
	assert_false(run_id_is_valid(""));
	assert_false(run_id_is_valid(NULL));
	assert_false(run_id_is_valid("20261206T112000Z-111111111111111111111111111111-1a2b"));
}

static void test_full_record(void **state)
{
	struct run_record rec = RUN_RECORD_INIT;
	json_t *all;

	(void)state;
	assert_int_equal(parse(&rec, RUN_LINE STEP_LINE SKIPPED_LINE END_LINE, RUN_ID), 0);
	assert_string_equal(rec.id, RUN_ID);
	assert_string_equal(rec.pipeline_id, "p1");
	assert_int_equal(rec.version, 3);
	assert_string_equal(rec.fingerprint, FP);
	assert_string_equal(rec.status, "failed");
	assert_int_equal(json_array_size(rec.steps), 1);
	assert_int_equal(json_array_size(rec.skipped), 1);
	all = run_record_json(&rec);
	assert_non_null(json_object_get(all, "end"));
	assert_int_equal(json_array_size(json_object_get(all, "steps")), 1);
	json_decref(all);
	run_record_release(&rec);
}

static void test_unfinished_and_cut_line(void **state)
{
	struct run_record rec = RUN_RECORD_INIT;
	json_t *all;

	(void)state;
	/* The last line, cut short by a kill, is not read. */
	assert_int_equal(parse(&rec, RUN_LINE STEP_LINE "{\"record\": \"end\", \"sta", NULL), 0);
	assert_string_equal(rec.status, "unfinished");
	assert_null(rec.end);
	all = run_record_json(&rec);
	assert_true(json_is_null(json_object_get(all, "end")));
	json_decref(all);
	run_record_release(&rec);
}

static void test_file_without_id(void **state)
{
	struct run_record rec = RUN_RECORD_INIT;

	(void)state;
	assert_int_equal(parse(&rec,
			       "{\"record\": \"run\", \"format\": 1, \"run\": \"" RUN_ID
			       "\", \"pipeline\": {\"id\": null, \"version\": null}}\n",
			       NULL),
			 0);
	assert_null(rec.pipeline_id);
	assert_int_equal(rec.version, 0);
	assert_string_equal(rec.fingerprint, "");
	run_record_release(&rec);
}

/* Each refused with `code`, a message naming the file, safe on a terminal. */
static void expect_refused(const char *text, int code)
{
	struct run_record rec = RUN_RECORD_INIT;
	const char *msg;

	assert_int_equal(parse(&rec, text, RUN_ID), code);
	msg = dfc_error_message();
	assert_non_null(strstr(msg, "r.json"));
	for (const char *p = msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_null(rec.run);
	assert_null(rec.steps);
}

static void test_hostile_records(void **state)
{
	(void)state;
	expect_refused("", DFC_EINVALID);
	expect_refused("{not json}\n", DFC_EINVALID);
	expect_refused("[1, 2]\n", DFC_EINVALID);
	expect_refused(STEP_LINE RUN_LINE, DFC_EINVALID);
	expect_refused(RUN_LINE RUN_LINE, DFC_EINVALID);
	expect_refused(RUN_LINE END_LINE END_LINE, DFC_EINVALID);
	expect_refused(RUN_LINE END_LINE STEP_LINE, DFC_EINVALID);
	expect_refused("{\"record\": \"run\", \"format\": 2, \"run\": \"" RUN_ID "\"}\n",
		       DFC_EINVALID);
	expect_refused("{\"record\": \"run\", \"format\": 1, \"run\": \"../../x\"}\n",
		       DFC_ESECURITY);
	expect_refused("{\"record\": \"run\", \"format\": 1, \"run\": \"\\u001b[2J\"}\n",
		       DFC_ESECURITY);
	expect_refused("{\"record\": \"run\", \"format\": 1, \"run\": \"20261206T112000Z-1-0000\","
		       " \"pipeline\": {}}\n",
		       DFC_EINVALID);
	expect_refused("{\"record\": \"run\", \"format\": 1, \"run\": \"" RUN_ID
		       "\", \"pipeline\": {\"id\": \"../etc\"}}\n",
		       DFC_ESECURITY);
	expect_refused(RUN_LINE
		       "{\"record\": \"step\", \"step\": \"../x\", \"outcome\": \"ran\"}\n",
		       DFC_ESECURITY);
	expect_refused(RUN_LINE "{\"record\": \"skipped\", \"steps\": [\"a/b\"]}\n", DFC_ESECURITY);
	expect_refused(RUN_LINE "{\"record\": \"end\", \"status\": \"fine\"}\n", DFC_EINVALID);
	expect_refused(RUN_LINE "{\"record\": \"step\", \"step\": \"s\", \"outcome\": \"ran\", "
				"\"inputs\": [{\"id\": \"i\", \"size\": -1}]}\n",
		       DFC_EINVALID);
	expect_refused("{\"record\": \"run\", \"record\": \"run\"}\n", DFC_EINVALID);
}

static void test_huge_line(void **state)
{
	struct buf text = BUF_INIT;
	struct run_record rec = RUN_RECORD_INIT;

	(void)state;
	buf_adds(&text, RUN_LINE "{\"record\": \"x\", \"pad\": \"");
	for (size_t i = 0; i < RUN_RECORD_MAX_LINE; i += 64)
		buf_adds(&text, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	buf_adds(&text, "\"}\n");
	dfc_error_clear();
	assert_int_equal(run_record_parse(&rec, "r.json", text.data, text.len, NULL), DFC_EINVALID);
	assert_non_null(strstr(dfc_error_message(), "longer than"));
	buf_release(&text);
}

static void test_unknown_lines_are_skipped(void **state)
{
	struct run_record rec = RUN_RECORD_INIT;

	(void)state;
	assert_int_equal(
		parse(&rec, RUN_LINE "{\"record\": \"note\", \"x\": 1}\n\n" END_LINE, NULL), 0);
	assert_string_equal(rec.status, "failed");
	run_record_release(&rec);
}

static void test_garbled_lines_of_a_slurm_run_are_skipped(void **state)
{
	struct run_record rec = RUN_RECORD_INIT;
	const char slurm[] = "{\"record\": \"run\", \"format\": 1, \"run\": \"" RUN_ID
			     "\", \"script\": {\"target\": \"slurm\"}, \"pipeline\": {\"id\": "
			     "\"p1\"}}\n";
	struct buf text = BUF_INIT;

	(void)state;
	buf_adds(&text, slurm);
	buf_adds(&text, "{\"record\": \"st{\"record\": \"step\"}\n" STEP_LINE END_LINE);
	assert_int_equal(parse(&rec, text.data, RUN_ID), 0);
	assert_int_equal(rec.garbled, 1);
	assert_int_equal(json_array_size(rec.steps), 1);
	run_record_release(&rec);
	/* Not a Slurm run: the same line refuses the record. */
	assert_int_equal(parse(&rec, RUN_LINE "{\"record\": \"st{\n" END_LINE, RUN_ID),
			 DFC_EINVALID);
	buf_release(&text);
}

static void test_times(void **state)
{
	double s;

	(void)state;
	assert_true(run_record_seconds("2026-12-06T11:20:00.5Z", "2026-12-06T11:21:02.0Z", &s));
	assert_true(s > 61.49 && s < 61.51);
	assert_true(run_record_seconds("2026-12-31T23:59:59Z", "2027-01-01T00:00:01Z", &s));
	assert_true(s > 1.99 && s < 2.01);
	assert_true(run_record_time("1970-01-02T00:00:00Z", &s));
	assert_true(s > 86399.9 && s < 86400.1);
	assert_false(run_record_seconds("2026-12-06", "2026-12-06T11:20:00Z", &s));
	assert_false(run_record_seconds(NULL, "2026-12-06T11:20:00Z", &s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_ids),
		cmocka_unit_test(test_full_record),
		cmocka_unit_test(test_unfinished_and_cut_line),
		cmocka_unit_test(test_file_without_id),
		cmocka_unit_test(test_hostile_records),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_unknown_lines_are_skipped),
		cmocka_unit_test(test_garbled_lines_of_a_slurm_run_are_skipped),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
