/*
 * test_runs_store.h - a store with pipeline p1 (versions 1 and 2) and runs
 * recorded of it, for the unit tests of the runs module (test_runs.c,
 * test_runs_merge.c). Header-only; define TEST_RUNS_DIR (the temporary
 * folder's name) and include it after <cmocka.h> and temp_dir.h.
 */
#ifndef DFC_TEST_RUNS_STORE_H
#define DFC_TEST_RUNS_STORE_H

#include "dfc/buf.h"
#include "dfc/fs.h"
#include "dfc/runs.h"
#include "dfc/store.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct fixture {
	char *dir;
	char *home;
	struct store store;
	/* The fingerprints of versions 1 and 2 of p1. */
	char fp1[FINGERPRINT_SIZE];
	char fp2[FINGERPRINT_SIZE];
};

static const char V1[] = "{\n  \"id\": \"p1\",\n  \"nodes\": [],\n  \"edges\": []\n}\n";
static const char V2[] =
	"{\n  \"id\": \"p1\",\n  \"name\": \"two\",\n  \"nodes\": [],\n  \"edges\": []\n}\n";

static inline void record_version(struct fixture *f, const char *text, bool create)
{
	struct record_request req = { 0 };
	struct record_result res;
	json_t *root = json_loads(text, 0, NULL);

	req.id = "p1";
	req.pipeline_json = text;
	req.pipeline_len = strlen(text);
	req.pipeline = root;
	req.create = create;
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	json_decref(root);
}

static inline int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->dir = temp_dir_new(TEST_RUNS_DIR);
	f->home = fs_path_join(f->dir, "home");
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	assert_int_equal(store_open(&f->store, f->home, true), 0);
	record_version(f, V1, true);
	record_version(f, V2, false);
	assert_int_equal(store_fingerprint(&f->store, "p1", 1, f->fp1), 0);
	assert_int_equal(store_fingerprint(&f->store, "p1", 2, f->fp2), 0);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(&f->store);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->home);
	free(f->dir);
	free(f);
	return 0;
}

/* A record of `run` of p1 claiming `version` with fingerprint `fp`. */
static inline char *record_text(const char *run, int version, const char *fp, const char *status)
{
	struct buf b = BUF_INIT;

	buf_addf(&b,
		 "{\"record\": \"run\", \"format\": 1, \"run\": \"%s\", \"pipeline\": "
		 "{\"id\": \"p1\", \"version\": %d, \"fingerprint\": \"%s\"}, \"start\": "
		 "\"%.4s-%.2s-%.2sT11:20:00.000000Z\"}\n",
		 run, version, fp, run, run + 4, run + 6);
	if (status)
		buf_addf(&b,
			 "{\"record\": \"end\", \"end\": \"2026-12-06T11:20:02.004000Z\", "
			 "\"status\": \"%s\"}\n",
			 status);
	return buf_detach(&b, NULL);
}

static inline int record_run(struct fixture *f, const char *run, int version, const char *fp,
			     const char *status, struct run_recorded *res)
{
	struct run_record rec = RUN_RECORD_INIT;
	char *text = record_text(run, version, fp, status);
	int ret = run_record_parse(&rec, "r.json", text, strlen(text), run);

	assert_int_equal(ret, 0);
	ret = runs_record(&f->store, &rec, text, strlen(text), "r.json", res);
	run_record_release(&rec);
	free(text);
	return ret;
}

#endif
