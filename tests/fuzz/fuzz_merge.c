/*
 * fuzz_merge.c - the laws of the three-way merge on any three JSON objects
 * (the input holds them separated by NUL bytes): merge(b, x, x) = x,
 * merge(b, b, x) = merge(b, x, b) = x, the same number of conflicts both
 * ways round, and every conflict's pointer a JSON pointer.
 */
#include "fuzz.h"

#include "dfc/error.h"
#include "dfc/merge.h"

#include <string.h>

static json_t *load(const uint8_t **data, size_t *size)
{
	const uint8_t *end = memchr(*data, 0, *size);
	size_t len = end ? (size_t)(end - *data) : *size;
	json_t *v = json_loadb((const char *)*data, len, 0, NULL);

	*data += end ? len + 1 : len;
	*size -= end ? len + 1 : len;
	return v;
}

/* merge(b, o, t) must be `want`, with no conflict. */
static void check_is(const json_t *b, const json_t *o, const json_t *t, const json_t *want)
{
	struct merge_result res;

	FUZZ_CHECK(merge_documents(b, o, t, &res) == 0);
	FUZZ_CHECK(res.nr_conflicts == 0 && json_equal(res.merged, want));
	merge_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *b = load(&data, &size), *x = load(&data, &size), *y = load(&data, &size);
	struct merge_result xy, yx;

	if (!json_is_object(b) || !json_is_object(x) || !json_is_object(y))
		goto out;
	check_is(b, x, x, x);
	check_is(b, b, x, x);
	check_is(b, x, b, x);
	FUZZ_CHECK(merge_documents(b, x, y, &xy) == 0);
	FUZZ_CHECK(merge_documents(b, y, x, &yx) == 0);
	FUZZ_CHECK(xy.nr_conflicts == yx.nr_conflicts);
	FUZZ_CHECK(json_is_object(xy.merged));
	for (size_t i = 0; i < xy.nr_conflicts; i++)
		FUZZ_CHECK(xy.conflicts[i].pointer[0] == '/');
	merge_result_release(&xy);
	merge_result_release(&yx);
out:
	json_decref(b);
	json_decref(x);
	json_decref(y);
	dfc_error_clear();
	return 0;
}
