/* fuzz_run_record.c - run_record_parse() of any bytes, as a work folder could hold them. */
#include "fuzz.h"

#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/run_record.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_record rec = RUN_RECORD_INIT;
	json_t *all;
	int ret;

	dfc_error_clear();
	ret = run_record_parse(&rec, "fuzz.json", (const char *)data, size, NULL);
	if (ret) {
		/* Refused: a message naming the file, safe on a terminal; nothing kept. */
		FUZZ_CHECK(ret == DFC_EINVALID || ret == DFC_ESECURITY);
		FUZZ_CHECK(strstr(dfc_error_message(), "fuzz.json"));
		FUZZ_CHECK(fuzz_is_terminal_safe(dfc_error_message()));
		for (int i = 0; i < dfc_error_hint_count(); i++)
			FUZZ_CHECK(fuzz_is_terminal_safe(dfc_error_hint(i)));
		FUZZ_CHECK(!rec.run && !rec.steps && !rec.skipped && !rec.end);
	} else {
		/* Accepted: what the recorder and the commands rely on holds. */
		FUZZ_CHECK(json_is_object(rec.run) && run_id_is_valid(rec.id));
		FUZZ_CHECK(!rec.pipeline_id || pipeline_id_is_safe(rec.pipeline_id));
		FUZZ_CHECK(rec.status && (rec.end || !strcmp(rec.status, "unfinished")));
		FUZZ_CHECK(!rec.fingerprint[0] || strlen(rec.fingerprint) == FINGERPRINT_SIZE - 1);
		all = run_record_json(&rec);
		FUZZ_CHECK(json_is_object(all) && json_object_size(all) == 4);
		json_decref(all);
		run_record_release(&rec);
	}
	dfc_error_clear();
	return 0;
}
