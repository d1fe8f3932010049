/*
 * test_json.h - JSON written in a unit test, parsed. A text that does not
 * parse is a mistake in the test, which then fails saying where. Any JSON
 * value is accepted at the top. Header-only; include it after <cmocka.h>.
 */
#ifndef DFC_TEST_JSON_H
#define DFC_TEST_JSON_H

#include <jansson.h>
#include <string.h>

/* The value of the `len` bytes of JSON at `text` (a new reference). */
static inline json_t *test_json_n(const char *text, size_t len)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_DECODE_ANY, &err);

	if (!root)
		fail_msg("bad test JSON, line %d column %d: %s: %.*s", err.line, err.column,
			 err.text, (int)len, text);
	return root;
}

/* The value of the JSON text `text` (a new reference). */
static inline json_t *test_json(const char *text)
{
	return test_json_n(text, strlen(text));
}

#endif
