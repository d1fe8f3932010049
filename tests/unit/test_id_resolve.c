/* test_id_resolve.c - -i as a full id, a unique prefix or a unique name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"
#include "test_libgit2.h"

#include "dfc/error.h"
#include "dfc/id_resolve.h"
#include "dfc/store.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	char *dir;
	struct store store;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *home;

	f->dir = temp_dir_new("id-resolve");
	assert_non_null(f->dir);
	home = fs_path_join(f->dir, "home");
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	assert_int_equal(store_open(&f->store, home, true), 0);
	free(home);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(&f->store);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->dir);
	free(f);
	dfc_error_clear();
	return 0;
}

/* Record a version of pipeline `id` named `name` (NULL: no name). */
static void record(struct fixture *f, const char *id, const char *name)
{
	struct record_request req = { 0 };
	struct record_result res;
	json_t *doc = json_pack("{s:s, s:[], s:[]}", "id", id, "nodes", "edges");
	char *text;

	if (name)
		json_object_set_new(doc, "name", json_string(name));
	text = json_dumps(doc, JSON_SORT_KEYS);
	req.id = id;
	req.pipeline_json = text;
	req.pipeline_len = strlen(text);
	req.source_file = "/work/pipeline.json";
	req.allow_empty = true;
	req.create = !store_has_pipeline(&f->store, id);
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	free(text);
	json_decref(doc);
}

/* pipeline_id_resolve() of `given`: its code, and the id into `out`. */
static int resolve(struct fixture *f, const char *given, char **out)
{
	dfc_error_clear();
	return pipeline_id_resolve(&f->store, given, out);
}

static void assert_resolves(struct fixture *f, const char *given, const char *want)
{
	char *id = NULL;

	assert_int_equal(resolve(f, given, &id), 0);
	assert_string_equal(id, want);
	free(id);
}

/* True when some hint of the current error is `text`. */
static bool has_hint(const char *text)
{
	for (int i = 0; i < dfc_error_hint_count(); i++)
		if (!strcmp(dfc_error_hint(i), text))
			return true;
	return false;
}

static void test_full_id_and_prefixes(void **state)
{
	struct fixture *f = *state;

	record(f, "0199aaaa-1111", "sales");
	record(f, "0199aaab-2222", "costs");
	assert_resolves(f, "0199aaaa-1111", "0199aaaa-1111");
	assert_resolves(f, "0199aaaa", "0199aaaa-1111");
	assert_resolves(f, "0199aaab-", "0199aaab-2222");
}

static void test_ambiguous_prefix_lists_candidates(void **state)
{
	struct fixture *f = *state;
	char *id = NULL;

	record(f, "0199aaaa-1111", "sales");
	record(f, "0199aaab-2222", NULL);
	assert_int_equal(resolve(f, "0199", &id), DFC_EUSAGE);
	assert_null(id);
	assert_string_equal(dfc_error_message(), "'0199' matches 2 pipelines");
	assert_true(has_hint("0199aaaa-1111  sales"));
	assert_true(has_hint("0199aaab-2222  (no name)"));
}

static void test_short_prefix_is_not_found(void **state)
{
	struct fixture *f = *state;
	char *id = NULL;

	record(f, "0199aaaa-1111", "sales");
	assert_int_equal(resolve(f, "019", &id), DFC_ENOTFOUND);
	assert_null(id);
	assert_non_null(strstr(dfc_error_hint(0), "at least 4 characters"));
}

static void test_names(void **state)
{
	struct fixture *f = *state;
	char *id = NULL;

	record(f, "p-one", "Sales report");
	record(f, "p-two", "weekly");
	record(f, "p-three", "weekly");
	assert_resolves(f, "Sales report", "p-one");
	assert_int_equal(resolve(f, "weekly", &id), DFC_EUSAGE);
	assert_true(has_hint("p-three  weekly"));
	assert_true(has_hint("p-two  weekly"));
	/* The latest version's name counts. */
	record(f, "p-three", "monthly");
	assert_resolves(f, "weekly", "p-two");
	assert_resolves(f, "monthly", "p-three");
}

static void test_full_id_wins_over_a_name(void **state)
{
	struct fixture *f = *state;

	record(f, "aaaa-1111", "bbbb-2222");
	record(f, "bbbb-2222", "other");
	assert_resolves(f, "bbbb-2222", "bbbb-2222");
	/* A name and a prefix of another id: both are candidates. */
	record(f, "cccc-3333", "bbbb");
	assert_int_equal(resolve(f, "bbbb", &(char *){ NULL }), DFC_EUSAGE);
}

static void test_nothing_matches(void **state)
{
	struct fixture *f = *state;
	char *id = NULL;

	record(f, "p-one", "sales");
	/* Safe: given back, for the caller to find missing (or in the catalog). */
	assert_resolves(f, "nothing-here", "nothing-here");
	/* Unsafe: refused as an unsafe id. */
	assert_int_equal(resolve(f, "../x", &id), DFC_ESECURITY);
	assert_int_equal(resolve(f, "", &id), DFC_ESECURITY);
	assert_null(id);
}

static void test_hostile_names_are_quoted_and_the_list_cut(void **state)
{
	struct fixture *f = *state;
	char id[32], *out = NULL;
	int more = 0;

	for (int i = 0; i < ID_CANDIDATES_SHOWN + 3; i++) {
		snprintf(id, sizeof(id), "abcd-%02d", i);
		record(f, id, "x\033]0;t\007y");
	}
	assert_int_equal(resolve(f, "abcd", &out), DFC_EUSAGE);
	assert_true(has_hint("abcd-00  x\\x1b]0;t\\x07y"));
	for (int i = 0; i < dfc_error_hint_count(); i++) {
		assert_null(strchr(dfc_error_hint(i), '\033'));
		more += !strcmp(dfc_error_hint(i), "and 3 more");
	}
	assert_int_equal(more, 1);
	assert_false(has_hint("abcd-10  x\\x1b]0;t\\x07y"));
	/* The hostile name still names them: all of them. */
	assert_int_equal(resolve(f, "x\033]0;t\007y", &out), DFC_EUSAGE);
}

static void test_words_for_completion(void **state)
{
	struct fixture *f = *state;
	struct strvec words = STRVEC_INIT;

	record(f, "p-one", "Sales report");
	record(f, "p-two", "weekly");
	record(f, "p-three", "weekly");
	record(f, "p-four", "bad\033name");
	record(f, "p-five", "p-one");
	record(f, "p-six", NULL);
	assert_int_equal(pipeline_id_words(&f->store, &words), 0);
	strvec_sort(&words);
	assert_int_equal(words.nr, 7);
	assert_true(strvec_has(&words, "p-six"));
	assert_true(strvec_has(&words, "Sales report"));
	/* Not a name two pipelines share, nor one with a control, nor an id. */
	assert_false(strvec_has(&words, "weekly"));
	assert_false(strvec_has(&words, "bad\033name"));
	strvec_release(&words);
}

static void test_list_names(void **state)
{
	struct fixture *f = *state;
	struct name_list names = NAME_LIST_INIT;

	record(f, "b-pipe", NULL);
	record(f, "a-pipe", "first");
	record(f, "a-pipe", "renamed");
	assert_int_equal(store_list_names(&f->store, &names), 0);
	assert_int_equal(names.nr, 2);
	assert_string_equal(names.items[0].id, "a-pipe");
	assert_string_equal(names.items[0].name, "renamed");
	assert_string_equal(names.items[1].id, "b-pipe");
	assert_null(names.items[1].name);
	name_list_release(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_id_and_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous_prefix_lists_candidates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_short_prefix_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_id_wins_over_a_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_names_are_quoted_and_the_list_cut,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_for_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, libgit2_start, libgit2_stop);
}
