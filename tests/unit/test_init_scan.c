/* test_init_scan.c - finding the scripts and datasets of a folder for init. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/init_scan.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder under temp_dir for one test. */
static char *fresh(const char *name)
{
	char *dir = fs_path_join(temp_dir, name);

	assert_int_equal(fs_mkdir_p(dir), 0);
	return dir;
}

/* Write `text` to dir/rel, creating its folders. */
static void put(const char *dir, const char *rel, const char *text)
{
	assert_int_equal(temp_write_file(dir, rel, text), 0);
}

/* The scan as "kind path id" lines: S for scripts, D for datasets. */
static char *listing(const struct init_scan *scan)
{
	struct buf b = BUF_INIT;
	char *text;

	for (size_t i = 0; i < scan->nr; i++)
		buf_addf(&b, "%c %s %s\n", scan->items[i].kind == INIT_SCRIPT ? 'S' : 'D',
			 scan->items[i].path, scan->items[i].id);
	text = buf_detach(&b, NULL);
	return text ? text : xstrdup("");
}

/* One file to write into a folder before scanning it. */
struct file {
	const char *path;
	const char *text;
};

/* Write every file of `files`, which ends with a NULL path, into `dir`. */
static void put_all(const char *dir, const struct file *files)
{
	for (const struct file *f = files; f->path; f++)
		put(dir, f->path, f->text);
}

/*
 * Scan `dir` into `scan` (leaving out `leave_out`, or nothing; no limit)
 * and check its listing. The caller releases `scan`.
 */
static void expect_listing(struct init_scan *scan, const char *dir, const char *leave_out,
			   const char *expected)
{
	char *text;

	assert_int_equal(init_scan_dir(scan, dir, leave_out, 0), 0);
	text = listing(scan);
	assert_string_equal(text, expected);
	free(text);
}

static void test_skips_git_node_modules_and_hidden(void **state)
{
	static const struct file files[] = {
		{ "clean.py", "print(1)\n" },
		{ "data/raw.csv", "a\n1\n" },
		{ ".git/objects/x.csv", "a\n" },
		{ ".git/hook.sh", "true\n" },
		{ "node_modules/pkg/index.js", "1\n" },
		{ "sub/node_modules/deep.csv", "a\n" },
		{ ".hidden/secret.csv", "a\n" },
		{ ".dfc/scripts/clean/clean.py", "1\n" },
		{ "__pycache__/clean.cpython.py", "1\n" },
		{ "venv/lib/site.py", "1\n" },
		{ ".venv/lib/site.py", "1\n" },
		{ ".env.csv", "a\n" },
		{ "notes.md", "hello\n" },
		{ "requirements.txt", "requests\n" },
		{ NULL, NULL },
	};
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("skips");

	(void)state;
	put_all(dir, files);
	expect_listing(&scan, dir, NULL,
		       "S clean.py clean\n"
		       "D data/raw.csv raw\n");
	assert_false(scan.truncated);
	assert_int_equal(init_scan_count(&scan, INIT_SCRIPT), 1);
	assert_int_equal(init_scan_count(&scan, INIT_DATASET), 1);
	init_scan_release(&scan);
	free(dir);
}

static void test_file_limit(void **state)
{
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("limit");
	char name[32];

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "f%02d.csv", i);
		put(dir, name, "a\n");
	}
	assert_int_equal(init_scan_dir(&scan, dir, NULL, 10), 0);
	assert_true(scan.truncated);
	assert_int_equal(scan.files_seen, 10);
	assert_int_equal(scan.nr, 10);
	/* the first ten in name order, whatever order readdir gives */
	assert_string_equal(scan.items[0].path, "f00.csv");
	assert_string_equal(scan.items[9].path, "f09.csv");
	init_scan_release(&scan);

	assert_int_equal(init_scan_dir(&scan, dir, NULL, 30), 0);
	assert_false(scan.truncated);
	assert_int_equal(scan.nr, 30);
	init_scan_release(&scan);
	assert_int_equal(init_scan_dir(&scan, dir, NULL, 0), 0);
	assert_false(scan.truncated);
	init_scan_release(&scan);
	free(dir);
}

static void test_classify(void **state)
{
	static const char *const scripts[] = {"a.py", "a.sh", "a.R",	 "a.js",
					      "a.pl", "a.rb", "dir/x.py"};
	static const char *const datasets[] = {
		"a.csv",  "a.tsv", "a.json",	"a.jsonl",  "a.ndjson", "a.parquet", "a.xlsx",
		"a.xls",  "a.txt", "a.feather", "a.arrow",  "a.avro",	"a.orc",     "a.xml",
		"a.yaml", "a.yml", "a.db",	"a.sqlite", "A.CSV",	"x.csv.gz",  "x.zip",
	};
	static const char *const others[] = {"a.c",   "a.md",	 "Makefile", "a",
					     "a.pyc", "a.r.bak", "csv"};

	(void)state;
	for (size_t i = 0; i < sizeof(scripts) / sizeof(*scripts); i++)
		assert_int_equal(init_scan_classify(scripts[i]), INIT_SCRIPT);
	for (size_t i = 0; i < sizeof(datasets) / sizeof(*datasets); i++)
		assert_int_equal(init_scan_classify(datasets[i]), INIT_DATASET);
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		assert_int_equal(init_scan_classify(others[i]), INIT_NONE);
}

static void check_id(const char *name, const char *expected)
{
	char *id = init_id_from_name(name);

	assert_string_equal(id, expected);
	assert_true(node_id_is_valid(id));
	free(id);
}

static void test_id_from_name(void **state)
{
	char long_name[300];
	char *id;

	(void)state;
	check_id("clean.py", "clean");
	check_id("scripts/clean.py", "clean");
	check_id("archive.tar.gz", "archive.tar");
	check_id("my file (1).csv", "my_file_1_");
	check_id("-dash.csv", "_dash");
	check_id(".csv", "_csv");
	check_id("\xc3\xbc"
		 "ber.csv",
		 "_ber");
	check_id("noext", "noext");
	check_id("$(rm -rf).sh", "_rm_-rf_");
	check_id("...", "_.");
	memset(long_name, 'x', 250);
	strcpy(long_name + 250, ".csv");
	id = init_id_from_name(long_name);
	assert_int_equal(strlen(id), 120);
	assert_true(node_id_is_valid(id));
	free(id);
}

static bool taken_in(const char *id, void *data)
{
	for (const char *const *p = data; *p; p++)
		if (!strcmp(*p, id))
			return true;
	return false;
}

static void test_ids_unique(void **state)
{
	static const char *taken[] = {"clean", "clean_2", NULL};
	static const struct file files[] = {
		{ "scripts/clean.py", "1\n" },
		{ "data/clean.csv", "a\n" },
		{ "other/clean.csv", "a\n" },
		{ "clean_2.csv", "a\n" },
		{ NULL, NULL },
	};
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("unique"), *id;

	(void)state;
	id = init_id_unique("clean", taken_in, taken);
	assert_string_equal(id, "clean_3");
	free(id);
	id = init_id_unique("raw", taken_in, taken);
	assert_string_equal(id, "raw");
	free(id);

	put_all(dir, files);
	expect_listing(&scan, dir, NULL,
		       "D clean_2.csv clean_2\n"
		       "D data/clean.csv clean\n"
		       "D other/clean.csv clean_3\n"
		       "S scripts/clean.py clean_4\n");
	init_scan_release(&scan);
	free(dir);
}

static void test_pipeline_files_skipped(void **state)
{
	static const struct file files[] = {
		{ "pipeline.json", "{\"nodes\": [], \"edges\": []}\n" },
		{ "old/other.json", "{\"name\": \"x\", \"edges\": [], \"nodes\": [{}]}\n" },
		{ "config.json", "{\"nodes\": 3}\n" },
		{ "list.json", "[{\"nodes\": [], \"edges\": []}]\n" },
		{ "broken.json", "{\"nodes\": [], \"edges\": \n" },
		{ "data.csv", "a\n" },
		{ NULL, NULL },
	};
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("pipelines"), *text, *out;

	(void)state;
	put_all(dir, files);
	expect_listing(&scan, dir, NULL,
		       "D broken.json broken\n"
		       "D config.json config\n"
		       "D data.csv data\n"
		       "D list.json list\n");
	init_scan_release(&scan);

	/* the file being written is left out whatever it holds */
	out = fs_path_join(dir, "data.csv");
	assert_int_equal(init_scan_dir(&scan, dir, out, 0), 0);
	text = listing(&scan);
	assert_null(strstr(text, "data.csv"));
	free(text);
	free(out);
	init_scan_release(&scan);
	free(dir);

	assert_true(init_is_pipeline_text("{\"edges\":[],\"nodes\":[]}", 23));
	assert_false(init_is_pipeline_text("{\"edges\":[]}", 12));
	assert_false(init_is_pipeline_text("{\"edges\":[],\"nodes\":[]}\0x", 25));
	assert_false(init_is_pipeline_text("", 0));
}

static void test_sorted_and_deterministic(void **state)
{
	static const struct file files[] = {
		{ "b.csv", "a\n" },  { "a/z.py", "1\n" },	     { "a.csv", "a\n" },
		{ "A.sh", "true\n" }, { "a/b/c.json", "{}\n" }, { NULL, NULL },
	};
	static const char *const expected = "S A.sh A\n"
					    "D a.csv a\n"
					    "D a/b/c.json c\n"
					    "S a/z.py z\n"
					    "D b.csv b\n";
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("order");

	(void)state;
	put_all(dir, files);
	/* Twice: the same listing each time. */
	for (int i = 0; i < 2; i++) {
		expect_listing(&scan, dir, NULL, expected);
		init_scan_release(&scan);
	}
	free(dir);
}

static void test_not_a_folder(void **state)
{
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("file"), *missing = fs_path_join(dir, "missing");

	(void)state;
	put(dir, "f.csv", "a\n");
	assert_int_equal(init_scan_dir(&scan, missing, NULL, 0), DFC_ENOTFOUND);
	init_scan_release(&scan);
	free(missing);
	missing = fs_path_join(dir, "f.csv");
	assert_int_equal(init_scan_dir(&scan, missing, NULL, 0), DFC_ENOTFOUND);
	init_scan_release(&scan);
	dfc_error_clear();
	free(missing);
	free(dir);
}

static void test_links_not_followed_into_folders(void **state)
{
	struct init_scan scan = INIT_SCAN_INIT;
	char *dir = fresh("links"), *link_path;

	(void)state;
	put(dir, "real/x.csv", "a\n");
	link_path = fs_path_join(dir, "loop");
	assert_int_equal(symlink(".", link_path), 0);
	free(link_path);
	link_path = fs_path_join(dir, "y.csv");
	assert_int_equal(symlink("real/x.csv", link_path), 0);
	free(link_path);
	expect_listing(&scan, dir, NULL,
		       "D real/x.csv x\n"
		       "D y.csv y\n");
	init_scan_release(&scan);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skips_git_node_modules_and_hidden),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_id_from_name),
		cmocka_unit_test(test_ids_unique),
		cmocka_unit_test(test_pipeline_files_skipped),
		cmocka_unit_test(test_sorted_and_deterministic),
		cmocka_unit_test(test_not_a_folder),
		cmocka_unit_test(test_links_not_followed_into_folders),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}
