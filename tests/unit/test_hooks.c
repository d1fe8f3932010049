/* test_hooks.c - installing, chaining and removing the git hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/hooks.h"
#include "dfc/xalloc.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_repo(void **state)
{
	git_repository *repo = NULL;
	int ret;

	git_libgit2_init();
	if (temp_dir_make(state) < 0)
		return -1;
	ret = git_repository_init(&repo, temp_dir, 0);
	git_repository_free(repo);
	return ret;
}

static int remove_repo(void **state)
{
	int ret = temp_dir_remove(state);

	git_libgit2_shutdown();
	return ret;
}

static char *hook_path(const char *sub, const char *name)
{
	return xasprintf("%s/%s/%s", temp_dir, sub, name);
}

static void read_all(struct buf *b, const char *path)
{
	buf_reset(b);
	assert_int_equal(fs_read_file(b, path, 1 << 20), 0);
}

static void test_install_chains_and_uninstall_restores(void **state)
{
	static const char old[] = "#!/bin/sh\n# the user's own hook\nexit 0";
	char *pre = hook_path(".git/hooks", "pre-commit");
	char *post = hook_path(".git/hooks", "post-commit");
	char *chained = hook_path(".git/hooks", "pre-commit.dfc-chained");
	char *hooks_dir = NULL;
	struct buf b = BUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(fs_write_atomic(pre, old, strlen(old), 0700), 0);
	assert_int_equal(hooks_install(&hooks_dir, temp_dir, "/opt/it's/dfc"), 0);
	free(hooks_dir);
	read_all(&b, chained);
	assert_string_equal(buf_cstr(&b), old);
	read_all(&b, pre);
	assert_non_null(strstr(buf_cstr(&b), HOOKS_MARKER));
	assert_non_null(strstr(buf_cstr(&b), "installed_bin='/opt/it'\\''s/dfc'"));
	assert_int_equal(access(post, X_OK), 0);

	/* twice: the same files, the chained hook untouched */
	assert_int_equal(hooks_install(&hooks_dir, temp_dir, "/opt/it's/dfc"), 0);
	free(hooks_dir);
	read_all(&b, chained);
	assert_string_equal(buf_cstr(&b), old);

	assert_int_equal(hooks_uninstall(&hooks_dir, temp_dir), 0);
	free(hooks_dir);
	read_all(&b, pre);
	assert_int_equal(b.len, strlen(old));
	assert_memory_equal(b.data, old, b.len);
	assert_int_equal(stat(pre, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_false(fs_exists(post));
	assert_false(fs_exists(chained));
	unlink(pre);
	buf_release(&b);
	free(pre);
	free(post);
	free(chained);
}

static void test_hooks_path_relative_to_work_tree(void **state)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	char *sub = xasprintf("%s/deep/er", temp_dir);
	char *pre = hook_path("shared-hooks", "pre-commit");
	char *hooks_dir = NULL;

	(void)state;
	assert_int_equal(git_repository_open(&repo, temp_dir), 0);
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	assert_int_equal(git_config_set_string(cfg, "core.hooksPath", "shared-hooks"), 0);
	git_config_free(cfg);
	git_repository_free(repo);
	assert_int_equal(fs_mkdir_p(sub), 0);

	assert_int_equal(hooks_install(&hooks_dir, sub, "/bin/dfc"), 0);
	assert_true(fs_exists(pre));
	free(hooks_dir);
	assert_int_equal(hooks_uninstall(&hooks_dir, sub), 0);
	assert_false(fs_exists(pre));
	free(hooks_dir);
	free(sub);
	free(pre);
}

static void test_no_repository(void **state)
{
	char *hooks_dir = NULL;

	(void)state;
	assert_int_equal(hooks_install(&hooks_dir, "/", "/bin/dfc"), DFC_ENOTFOUND);
	free(hooks_dir);
	dfc_error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_chains_and_uninstall_restores),
		cmocka_unit_test(test_hooks_path_relative_to_work_tree),
		cmocka_unit_test(test_no_repository),
	};

	return cmocka_run_group_tests(tests, make_repo, remove_repo);
}
