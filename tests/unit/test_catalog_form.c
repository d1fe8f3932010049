/* test_catalog_form.c - the content of a catalog version, and fingerprints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"
#include "test_scripts.h"

#include "temp_dir.h"

#include "dfc/canonical.h"
#include "dfc/catalog_form.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char PIPELINE[] =
	"{\"id\": \"p\", \"nodes\": ["
	"{\"id\": \"small\", \"type\": \"dataset\", \"path\": \"small.csv\"},"
	"{\"id\": \"big\", \"type\": \"dataset\", \"path\": \"big.csv\"},"
	"{\"id\": \"s\", \"type\": \"script\", \"path\": \"x/run.sh\"},"
	"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"out/result.csv\"}],"
	"\"edges\": [{\"from\": \"small\", \"to\": \"s\"}, {\"from\": \"big\", \"to\": \"s\"},"
	"{\"from\": \"s\", \"to\": \"out\"}]}";

/* A repository, and PIPELINE with its datasets in a folder, as catalog_form_build() takes them. */
struct fixture {
	char *dir;
	git_repository *repo;
	json_t *root;
	struct script_files scripts;
	struct download_options dl;
	struct form_input in;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *git_dir, *data;

	f->dir = temp_dir_new("form");
	assert_non_null(f->dir);
	git_dir = fs_path_join(f->dir, "repo.git");
	assert_int_equal(git_repository_init(&f->repo, git_dir, 1), 0);
	data = fs_path_join(f->dir, "small.csv");
	assert_int_equal(fs_write_atomic(data, "a,b\n1,2\n", 8, -1), 0);
	free(data);
	data = fs_path_join(f->dir, "big.csv");
	assert_int_equal(fs_write_atomic(data, "0123456789abcdef", 16, -1), 0);
	free(data);
	free(git_dir);
	f->root = test_json(PIPELINE);
	f->in.pipeline = f->root;
	f->in.base_dir = f->dir;
	f->in.scripts = &f->scripts;
	f->in.max_dataset_bytes = 10;
	f->in.download = &f->dl;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	json_decref(f->root);
	script_files_release(&f->scripts);
	git_repository_free(f->repo);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->dir);
	free(f);
	return 0;
}

static char *blob_at(git_repository *repo, const git_oid *tree_oid, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *out = NULL;

	if (git_tree_lookup(&tree, repo, tree_oid) == 0 &&
	    git_tree_entry_bypath(&entry, tree, path) == 0 &&
	    git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) == 0)
		out = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return out;
}

static const char *node_key(json_t *root, const char *node, const char *key)
{
	size_t i;
	json_t *n;

	json_array_foreach(json_object_get(root, "nodes"), i, n)
		if (!strcmp(json_string_value(json_object_get(n, "id")), node))
			return json_string_value(json_object_get(n, key));
	return NULL;
}

/* The file at `path` (a printf format of one string, `arg`) in tree `tree` holds `want`. */
static void assert_blob_at(struct fixture *f, const git_oid *tree, const char *path_format,
			   const char *arg, const char *want)
{
	char *path = xasprintf(path_format, arg);
	char *text = blob_at(f->repo, tree, path);

	if (!text || strcmp(text, want))
		fail_msg("%s holds '%s', not '%s'", path, text ? text : "(nothing)", want);
	free(text);
	free(path);
}

static void test_build_stores_scripts_and_small_data_describes_the_rest(void **state)
{
	struct fixture *f = *state;
	json_t *form = NULL;
	char *text, *path;
	git_oid tree, blob;

	add_script(&f->scripts, "s", "run.sh", "echo hi\n");
	assert_int_equal(catalog_form_build(&tree, &form, f->repo, &f->in), 0);

	git_odb_hash(&blob, "echo hi\n", 8, GIT_OBJECT_BLOB);
	assert_string_equal(node_key(form, "s", "script_id"), git_oid_tostr_s(&blob));
	assert_string_equal(node_key(form, "s", "path"), "x/run.sh");
	assert_blob_at(f, &tree, "scripts/%s/run.sh", git_oid_tostr_s(&blob), "echo hi\n");

	/* 8 bytes: stored under its blob id */
	git_odb_hash(&blob, "a,b\n1,2\n", 8, GIT_OBJECT_BLOB);
	assert_string_equal(node_key(form, "small", "dataset_id"), git_oid_tostr_s(&blob));
	assert_blob_at(f, &tree, "datasets/%s/small.csv", git_oid_tostr_s(&blob), "a,b\n1,2\n");

	/* 16 bytes > 10: a descriptor with sha256 and size */
	path = xasprintf("datasets/%s.json", node_key(form, "big", "dataset_id"));
	text = blob_at(f->repo, &tree, path);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"size\": 16"));
	assert_non_null(strstr(text, "\"sha256\": \"9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f\""));
	free(text);
	free(path);

	/* produced by the script and not there yet: its path alone */
	assert_blob_at(f, &tree, "datasets/%s.json", node_key(form, "out", "dataset_id"),
		       "{\n  \"path\": \"out/result.csv\"\n}\n");

	text = blob_at(f->repo, &tree, "pipeline.json");
	assert_non_null(strstr(text, "\"script_id\""));
	free(text);
	json_decref(form);
}

static void test_missing_input_dataset_and_script_content_are_errors(void **state)
{
	struct fixture *f = *state;
	json_t *form = NULL;
	git_oid tree;

	f->in.max_dataset_bytes = 100;
	assert_int_equal(catalog_form_build(&tree, &form, f->repo, &f->in), DFC_EDEPEND);
	assert_non_null(strstr(dfc_error_message(), "script 's'"));
	add_script(&f->scripts, "s", "run.sh", "echo hi\n");
	json_array_remove(json_object_get(f->root, "edges"), 2);
	assert_int_equal(catalog_form_build(&tree, &form, f->repo, &f->in), DFC_EDEPEND);
	assert_non_null(strstr(dfc_error_message(), "dataset 'out' not found"));
	assert_null(form);
}

#define SCRIPT_BLOB "1111111111111111111111111111111111111111"

/*
 * One pipeline as a working file has it (`local`, with the blob ids of its
 * scripts in `scripts`) and as the catalog has it: its script node (the
 * first) and dataset node (the second) carry the blob ids of their content.
 */
struct sides {
	json_t *local, *catalog, *scripts;
};

static struct sides sides_of(const char *local)
{
	struct sides s = { test_json(local), NULL, json_pack("{s:s}", "s", SCRIPT_BLOB) };
	json_t *nodes;

	s.catalog = json_deep_copy(s.local);
	nodes = json_object_get(s.catalog, "nodes");
	json_object_set_new(json_array_get(nodes, 0), "script_id", json_string(SCRIPT_BLOB));
	json_object_set_new(json_array_get(nodes, 1), "dataset_id",
			    json_string("2222222222222222222222222222222222222222"));
	return s;
}

static void sides_release(struct sides *s)
{
	json_decref(s->local);
	json_decref(s->catalog);
	json_decref(s->scripts);
}

static void test_fingerprint_ignores_catalog_ids_but_not_scripts(void **state)
{
	struct sides s = sides_of(
		"{\"nodes\": [{\"id\": \"s\", \"type\": \"script\", \"path\": \"a.sh\"},"
		"{\"id\": \"d\", \"type\": \"dataset\", \"path\": \"d.csv\"}], \"edges\": []}");
	char a[FINGERPRINT_SIZE], b[FINGERPRINT_SIZE];

	(void)state;
	content_fingerprint(a, s.local, s.scripts);
	content_fingerprint(b, s.catalog, NULL);
	assert_string_equal(a, b);
	json_object_set_new(s.scripts, "s",
			    json_string("3333333333333333333333333333333333333333"));
	content_fingerprint(a, s.local, s.scripts);
	assert_string_not_equal(a, b);
	sides_release(&s);
}

static void test_fingerprint_with_a_known_blob_id_is_the_same(void **state)
{
	/* Keys in an order of their own: leaving the ids out keeps it. */
	struct sides s = sides_of(
		"{\"name\": \"n\", \"nodes\": [{\"id\": \"s\", \"type\": \"script\", "
		"\"path\": \"a.sh\"}, {\"id\": \"d\", \"type\": \"dataset\"}], "
		"\"edges\": [{\"from\": \"d\", \"to\": \"s\", "
		"\"arguments\": [\"-i\", {\"ref\": \"d\"}]}], \"id\": \"p\"}");
	struct buf text = BUF_INIT, lines = BUF_INIT;
	char a[FINGERPRINT_SIZE], b[FINGERPRINT_SIZE];
	git_oid canonical, oid;

	(void)state;
	/* No catalog ids: the blob id of the stored pipeline.json is taken as it is. */
	canonical_dump(&text, s.local);
	assert_int_equal(git_odb_hash(&canonical, text.data, text.len, GIT_OBJECT_BLOB), 0);
	content_fingerprint_canonical(a, s.local, s.scripts, &canonical);
	content_fingerprint(b, s.local, s.scripts);
	assert_string_equal(a, b);
	/* One line per script node, then the canonical form's blob id. */
	buf_addf(&lines, "s " SCRIPT_BLOB "\n%s\n", git_oid_tostr_s(&canonical));
	assert_int_equal(git_odb_hash(&oid, lines.data, lines.len, GIT_OBJECT_BLOB), 0);
	assert_string_equal(a, git_oid_tostr_s(&oid));
	/* With ids, they are left out: the blob id given is of another text. */
	buf_reset(&text);
	canonical_dump(&text, s.catalog);
	assert_int_equal(git_odb_hash(&canonical, text.data, text.len, GIT_OBJECT_BLOB), 0);
	content_fingerprint_canonical(a, s.catalog, NULL, &canonical);
	assert_string_equal(a, b);
	/* ... and the catalog form itself is left as it was. */
	buf_reset(&lines);
	canonical_dump(&lines, s.catalog);
	assert_string_equal(buf_cstr(&lines), buf_cstr(&text));
	buf_release(&lines);
	buf_release(&text);
	sides_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_stores_scripts_and_small_data_describes_the_rest,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_input_dataset_and_script_content_are_errors,
						setup, teardown),
		cmocka_unit_test(test_fingerprint_ignores_catalog_ids_but_not_scripts),
		cmocka_unit_test(test_fingerprint_with_a_known_blob_id_is_the_same),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
