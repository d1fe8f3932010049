/* test_script_check.c - script files a pipeline names, on disk and staged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/script_check.h"
#include "dfc/staged.h"
#include "temp_dir.h"
#include "test_libgit2.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);

	if (!root)
		fail_msg("bad test JSON: %s", err.text);
	return root;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = fs_path_join(dir, name);
	char *folder = fs_dirname(path);

	assert_int_equal(fs_mkdir_p(folder), 0);
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
	free(folder);
	free(path);
}

#define PIPELINE                                                                           \
	"{\"nodes\": ["                                                                     \
	"{\"id\": \"a\", \"type\": \"script\", \"path\": \"scripts/a.py\"},"                \
	"{\"id\": \"b\", \"type\": \"script\", \"path\": \"scripts/b.py\"},"                \
	"{\"id\": \"c\", \"type\": \"script\", \"path\": \"gone.py\", \"script_id\": \"x\"}," \
	"{\"id\": \"d\", \"type\": \"dataset\", \"path\": \"data/none.csv\"},"              \
	"{\"id\": \"e\", \"type\": \"script\", \"script_id\": \"x\"},"                      \
	"{\"id\": \"f\", \"type\": \"script\", \"path\": \"scripts/b.py\"},"                \
	"{\"id\": \"g\", \"type\": \"script\", \"path\": \"scripts\"},"                     \
	"{\"id\": \"h\", \"type\": \"script\", \"path\": \"../../up/u.sh\"},"                \
	"{\"id\": \"i\", \"type\": \"script\", \"path\": \"sc\\u001bx.sh\"},"               \
	"3],"                                                                               \
	" \"edges\": []}"

static void assert_problem(const struct problems *list, size_t i, const char *pointer,
			   const char *message)
{
	assert_true(i < list->nr);
	assert_int_equal(list->items[i].code, DFC_EINVALID);
	assert_string_equal(list->items[i].pointer, pointer);
	assert_string_equal(list->items[i].message, message);
}

static void test_disk(void **state)
{
	struct problems problems = PROBLEMS_INIT;
	json_t *root = parse(PIPELINE);
	char *dir = fs_path_join(temp_dir, "disk/p");

	(void)state;
	write_file(dir, "scripts/a.py", "print(1)\n");
	write_file(temp_dir, "up/u.sh", "true\n");
	script_check_disk(root, dir, &problems);
	assert_int_equal(problems.nr, 4);
	assert_problem(&problems, 0, "/nodes/1/path", "script file 'scripts/b.py' not found");
	assert_problem(&problems, 1, "/nodes/5/path", "script file 'scripts/b.py' not found");
	/* a folder is no script file */
	assert_problem(&problems, 2, "/nodes/6/path", "script file 'scripts' not found");
	assert_problem(&problems, 3, "/nodes/8/path", "script file 'sc\\x1bx.sh' not found");
	problems_release(&problems);

	/* an absolute path is taken as it is */
	json_decref(root);
	root = parse("{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"/nonexistent/x.sh\"},"
		     "{\"id\": \"b\", \"type\": \"script\", \"path\": \"/bin/sh\"}], \"edges\": []}");
	script_check_disk(root, dir, &problems);
	assert_int_equal(problems.nr, 1);
	assert_problem(&problems, 0, "/nodes/0/path", "script file '/nonexistent/x.sh' not found");
	problems_release(&problems);

	/* not a pipeline's shape: nothing to say, validate says it */
	json_decref(root);
	root = parse("{\"nodes\": 3}");
	script_check_disk(root, dir, &problems);
	assert_int_equal(problems.nr, 0);
	json_decref(root);
	free(dir);
}

/* Run a shell command line in `dir` (test set-up only). */
static void sh(const char *dir, const char *command)
{
	char *line = xasprintf("cd '%s' && %s >/dev/null 2>&1", dir, command);

	if (system(line) != 0)
		fail_msg("set-up failed: %s", line);
	free(line);
}

static void test_staged(void **state)
{
	struct problems problems = PROBLEMS_INIT;
	struct staged st = STAGED_INIT;
	struct buf path = BUF_INIT, content = BUF_INIT;
	char *repo = fs_path_join(temp_dir, "repo");
	char *sub = fs_path_join(repo, "p");
	char cwd[PATH_MAX];
	json_t *root = parse(PIPELINE);

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	write_file(repo, "p/pipeline.json", PIPELINE);
	write_file(repo, "p/scripts/a.py", "print(1)\n");
	write_file(repo, "p/scripts/b.py", "print(2)\n");
	write_file(repo, "p/scripts/x", "\n");
	write_file(temp_dir, "up/u.sh", "true\n");
	sh(repo, "git init -q . && git add p && git rm -q --cached p/scripts/b.py");

	assert_int_equal(chdir(sub), 0);
	unsetenv("GIT_INDEX_FILE");
	assert_int_equal(staged_open(&st), 0);
	assert_string_equal(st.prefix, "p");
	assert_int_equal(staged_repo_path(&st, "./pipeline.json", &path), 0);
	assert_string_equal(buf_cstr(&path), "p/pipeline.json");
	assert_int_equal(staged_read(&st, buf_cstr(&path), "pipeline.json", &content), 0);
	assert_string_equal(buf_cstr(&content), PIPELINE);

	/* b.py is on disk but not staged; ../../up/u.sh is outside: on disk */
	script_check_staged(root, st.index, st.workdir, buf_cstr(&path), &problems);
	assert_int_equal(problems.nr, 4);
	assert_problem(&problems, 0, "/nodes/1/path",
		       "script file 'scripts/b.py' not found in the staged tree");
	assert_problem(&problems, 1, "/nodes/5/path",
		       "script file 'scripts/b.py' not found in the staged tree");
	assert_problem(&problems, 2, "/nodes/6/path",
		       "script file 'scripts' not found in the staged tree");
	assert_problem(&problems, 3, "/nodes/8/path",
		       "script file 'sc\\x1bx.sh' not found in the staged tree");
	problems_release(&problems);

	/* paths outside the work tree, and files not staged, are refused */
	buf_reset(&path);
	assert_int_equal(staged_repo_path(&st, "../../x.json", &path), DFC_EUSAGE);
	assert_int_equal(staged_repo_path(&st, "..", &path), DFC_EUSAGE);
	assert_int_equal(path.len, 0);
	assert_int_equal(staged_repo_path(&st, "scripts/b.py", &path), 0);
	assert_int_equal(staged_read(&st, buf_cstr(&path), "b.py", &content), DFC_ENOTFOUND);
	buf_reset(&path);
	{
		char *abs = fs_path_join(sub, "pipeline.json");

		assert_int_equal(staged_repo_path(&st, abs, &path), 0);
		assert_string_equal(buf_cstr(&path), "p/pipeline.json");
		free(abs);
	}
	staged_release(&st);

	/* outside any work tree */
	assert_int_equal(chdir(temp_dir), 0);
	assert_int_equal(staged_open(&st), DFC_ENOTFOUND);
	staged_release(&st);

	assert_int_equal(chdir(cwd), 0);
	json_decref(root);
	buf_release(&path);
	buf_release(&content);
	free(sub);
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_staged),
	};

	return cmocka_run_group_tests(tests, libgit2_start_in_temp_dir, libgit2_stop_in_temp_dir);
}
