/* test_textconv.c - the review form of a pipeline file for git diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/textconv.h"

#include <stdlib.h>
#include <string.h>

static char *review(const char *text)
{
	struct buf out = BUF_INIT;

	textconv_review_form(&out, text, strlen(text));
	return buf_detach(&out, NULL);
}

static void test_pipeline(void **state)
{
	char *got = review(
		"{\"name\": \"n\\u001b[2J\", \"id\": \"p\", \"nodes\": ["
		"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"o.csv\"},"
		"{\"id\": \"s\", \"type\": \"script\", \"path\": \"s.sh\"}],"
		"\"edges\": [{\"from\": \"s\", \"to\": \"out\", \"arguments\": [{\"ref\": \"out\"}, \"a b\"]},"
		"{\"from\": \"out\", \"to\": \"s\", \"arguments\": [\"--in\\u009b\"]}]}");

	(void)state;
	/* (A cycle: no steps.) */
	assert_string_equal(got,
			    "id: \"p\"\n"
			    "name: \"n\\u001B[2J\"\n"
			    "node out: {\"id\":\"out\",\"path\":\"o.csv\",\"type\":\"dataset\"}\n"
			    "node s: {\"id\":\"s\",\"path\":\"s.sh\",\"type\":\"script\"}\n"
			    "edge s -> out: {\"arguments\":[{\"ref\":\"out\"},\"a b\"],\"from\":\"s\",\"to\":\"out\"}\n"
			    "edge out -> s: {\"arguments\":[\"--in\\u009b\"],\"from\":\"out\",\"to\":\"s\"}\n"
			    "steps: none (the graph has a cycle)\n");
	free(got);
	got = review("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\", \"path\": \"s.sh\"},"
		     "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"o.csv\"}],"
		     "\"edges\": [{\"from\": \"s\", \"to\": \"o\", \"arguments\": [\"a b\", {\"ref\": \"o\"}]}]}");
	assert_non_null(strstr(got, "\nstep 1 s: bash s.sh 'a b' o.csv\n"));
	free(got);
}

static void test_other_data(void **state)
{
	char *got = review("[1, 2]");

	(void)state;
	assert_string_equal(got, "[1, 2]");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline),
		cmocka_unit_test(test_other_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
