/* test_fingerprint.c - the content fingerprint of a pipeline read as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/fingerprint.h"

#include <string.h>

#define PIPELINE                                                                            \
	"{\"nodes\": [{\"id\": \"s\", \"type\": \"script\", \"path\": \"a.sh\"},"           \
	"{\"id\": \"d\", \"type\": \"dataset\", \"path\": \"d.csv\"}], \"edges\": []}"
#define BLOB_A "1111111111111111111111111111111111111111"
#define BLOB_B "3333333333333333333333333333333333333333"

/* The fingerprint of PIPELINE read as text, with `manifest` (NULL: none). */
static void text_fingerprint(char out[FINGERPRINT_SIZE], const char *pipeline,
			     const char *manifest)
{
	struct buf text = BUF_INIT, scripts = BUF_INIT;

	buf_adds(&text, pipeline);
	if (manifest)
		buf_adds(&scripts, manifest);
	content_fingerprint_text(out, &text, manifest ? &scripts : NULL);
	buf_release(&text);
	buf_release(&scripts);
}

/* The text forms give what the parsed ones give. */
static void test_text_matches_parsed(void **state)
{
	static const struct {
		const char *manifest;
		const char *scripts;
	} cases[] = {
		{NULL, NULL},
		{"", "{}"},
		{"{\"s\": \"" BLOB_A "\"}", "{\"s\": \"" BLOB_A "\"}"},
		{"{\"s\": \"" BLOB_B "\"}", "{\"s\": \"" BLOB_B "\"}"},
	};
	json_t *root = json_loads(PIPELINE, 0, NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		json_t *scripts = cases[i].scripts ? json_loads(cases[i].scripts, 0, NULL) : NULL;
		char got[FINGERPRINT_SIZE], want[FINGERPRINT_SIZE];

		text_fingerprint(got, PIPELINE, cases[i].manifest);
		content_fingerprint(want, root, scripts);
		assert_string_equal(got, want);
		assert_int_equal(strlen(got), FINGERPRINT_SIZE - 1);
		json_decref(scripts);
	}
	json_decref(root);
}

/* Another script blob is another fingerprint. */
static void test_scripts_count(void **state)
{
	char a[FINGERPRINT_SIZE], b[FINGERPRINT_SIZE];

	(void)state;
	text_fingerprint(a, PIPELINE, "{\"s\": \"" BLOB_A "\"}");
	text_fingerprint(b, PIPELINE, "{\"s\": \"" BLOB_B "\"}");
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_matches_parsed),
		cmocka_unit_test(test_scripts_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
