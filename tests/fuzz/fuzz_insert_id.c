/*
 * fuzz_insert_id.c - insert_id() on any bytes. When the input meets its
 * contract (insert_id.h: a JSON object the tool accepts, with at least one
 * member and no "id"), it must succeed, and the result must be the input
 * with one run of bytes inserted, parse to the input's value plus "id" as
 * the first member, and stay canonical when the input was. Other inputs
 * must only fail cleanly or, when insert_id() cannot tell, not crash.
 */
#include "fuzz.h"

#include "dfc/buf.h"
#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/insert_id.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"

#include <string.h>

#define ID "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55"

/* True when `out` is `in` with `out_len - in_len` bytes inserted at one place. */
static int is_one_insertion(const char *in, size_t in_len, const char *out, size_t out_len)
{
	size_t prefix = 0, suffix = 0;

	if (out_len < in_len)
		return 0;
	while (prefix < in_len && in[prefix] == out[prefix])
		prefix++;
	while (suffix < in_len - prefix && in[in_len - 1 - suffix] == out[out_len - 1 - suffix])
		suffix++;
	return prefix + suffix == in_len;
}

static int is_canonical(const char *text, size_t len, const json_t *root)
{
	struct buf canon = BUF_INIT;
	int same;

	canonical_dump(&canon, root);
	same = canon.len == len && !memcmp(canon.data, text, len);
	buf_release(&canon);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct pipeline in = PIPELINE_INIT, out = PIPELINE_INIT;
	struct problems problems = PROBLEMS_INIT;
	struct buf result = BUF_INIT;
	json_t *expected = NULL;
	int ret;

	ret = insert_id(&result, src, size, ID);
	FUZZ_CHECK(ret == 0 || (ret == DFC_EINVALID && result.len == 0));
	if (pipeline_parse(&in, "fuzz.json", src, size, &problems) || !json_object_size(in.root) ||
	    json_object_get(in.root, "id"))
		goto out; /* outside the contract: any return, no crash */

	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(is_one_insertion(src, size, result.data, result.len));
	FUZZ_CHECK(pipeline_parse(&out, "with-id.json", result.data, result.len, &problems) == 0);
	FUZZ_CHECK(!strcmp(json_object_iter_key(json_object_iter(out.root)), "id"));
	expected = json_deep_copy(in.root);
	json_object_set_new(expected, "id", json_string(ID));
	FUZZ_CHECK(json_equal(expected, out.root));
	if (is_canonical(src, size, in.root))
		FUZZ_CHECK(is_canonical(result.data, result.len, out.root));

	/* An unsafe id is refused, and nothing is written. */
	buf_reset(&result);
	FUZZ_CHECK(insert_id(&result, src, size, "../x") == DFC_EINVALID && result.len == 0);
out:
	json_decref(expected);
	buf_release(&result);
	problems_release(&problems);
	pipeline_release(&in);
	pipeline_release(&out);
	dfc_error_clear();
	return 0;
}
