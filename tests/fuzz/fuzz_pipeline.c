/* fuzz_pipeline.c - pipeline_parse() then pipeline_validate() on any bytes. */
#include "fuzz.h"

#include "dfc/error.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"
#include "dfc/validate.h"

#include <string.h>

/* What every problem in the list must look like, whoever added it. */
static void check_problems(const struct problems *list, size_t from, int syntax)
{
	for (size_t i = from; i < list->nr; i++) {
		const struct problem *p = &list->items[i];

		FUZZ_CHECK(p->message && *p->message);
		/* Names from the file are quoted (printable_quote()) in messages. */
		FUZZ_CHECK(fuzz_is_terminal_safe(p->message));
		FUZZ_CHECK(p->code == DFC_EINVALID || p->code == DFC_ESECURITY);
		if (syntax) {
			FUZZ_CHECK(!p->pointer && p->code == DFC_EINVALID);
			FUZZ_CHECK(p->line >= 0 && p->column >= 0);
		} else {
			/* A JSON pointer: "" (the whole document) or "/...". */
			FUZZ_CHECK(p->pointer && (!*p->pointer || *p->pointer == '/'));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems problems = PROBLEMS_INIT;
	int ret;

	ret = pipeline_parse(&p, "fuzz.json", (const char *)data, size, &problems);
	FUZZ_CHECK(p.path && !strcmp(p.path, "fuzz.json"));
	FUZZ_CHECK(p.source && p.source_len == size && !memcmp(p.source, data, size));
	if (ret) {
		/* A syntax problem, with its position; no tree. */
		FUZZ_CHECK(ret == DFC_EINVALID && !p.root && problems.nr == 1);
		check_problems(&problems, 0, 1);
	} else {
		FUZZ_CHECK(json_is_object(p.root) && problems.nr == 0);
		ret = pipeline_validate(p.root, &problems);
		FUZZ_CHECK(ret == problems_code(&problems));
		FUZZ_CHECK((ret == 0) == (problems.nr == 0));
		check_problems(&problems, 0, 0);
	}
	problems_release(&problems);
	pipeline_release(&p);
	dfc_error_clear();
	return 0;
}
