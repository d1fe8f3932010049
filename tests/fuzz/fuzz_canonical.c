/*
 * fuzz_canonical.c - canonical_dump() of any JSON object the tool accepts
 * is itself accepted, holds the same value, and is a fixed point: its
 * canonical form is the same bytes again.
 */
#include "fuzz.h"

#include "dfc/buf.h"
#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline in = PIPELINE_INIT, again = PIPELINE_INIT;
	struct problems problems = PROBLEMS_INIT;
	struct buf first = BUF_INIT, second = BUF_INIT;
	json_t *id;

	if (pipeline_parse(&in, "fuzz.json", (const char *)data, size, &problems))
		goto out;
	canonical_dump(&first, in.root);

	/* The canonical text is a pipeline file the tool reads back. */
	FUZZ_CHECK(first.len >= 3 && first.data[0] == '{' && first.data[first.len - 1] == '\n');
	FUZZ_CHECK(first.data[first.len - 2] != '\n');
	FUZZ_CHECK(strlen(buf_cstr(&first)) == first.len);
	FUZZ_CHECK(pipeline_parse(&again, "canonical.json", first.data, first.len, &problems) == 0);
	FUZZ_CHECK(json_equal(in.root, again.root));
	/* A top-level "id" comes first. */
	id = json_object_get(in.root, "id");
	if (id)
		FUZZ_CHECK(!strncmp(first.data, "{\n  \"id\": ", 10));

	canonical_dump(&second, again.root);
	FUZZ_CHECK(second.len == first.len && !memcmp(second.data, first.data, first.len));
out:
	buf_release(&first);
	buf_release(&second);
	problems_release(&problems);
	pipeline_release(&in);
	pipeline_release(&again);
	dfc_error_clear();
	return 0;
}
