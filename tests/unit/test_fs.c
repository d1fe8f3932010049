/* test_fs.c - whole-file reads, atomic writes, folders and locks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_write_atomic_then_read(void **state)
{
	char *path = fs_path_join(temp_dir, "a.txt");
	struct buf b = BUF_INIT;
	struct stat st;
	DIR *d;
	struct dirent *e;
	int entries = 0;

	(void)state;
	assert_int_equal(fs_write_atomic(path, "one", 3, 0640), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(fs_write_atomic(path, "second", 6, -1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640); /* kept */
	assert_int_equal(fs_read_file(&b, path, 100), 0);
	assert_string_equal(buf_cstr(&b), "second");
	/* no temporary file is left behind */
	d = opendir(temp_dir);
	while ((e = readdir(d)))
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	assert_int_equal(entries, 1);
	buf_release(&b);
	free(path);
}

static void test_read_errors(void **state)
{
	char *path = fs_path_join(temp_dir, "big.txt");
	char *missing = fs_path_join(temp_dir, "missing");
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(fs_write_atomic(path, "0123456789", 10, -1), 0);
	assert_int_equal(fs_read_file(&b, path, 5), DFC_EINVALID);
	assert_int_equal(fs_read_file(&b, missing, 5), DFC_ENOTFOUND);
	assert_int_equal(fs_read_file(&b, temp_dir, 5), DFC_EUSAGE);
	buf_release(&b);
	free(path);
	free(missing);
}

static void test_mkdir_p_and_paths(void **state)
{
	char *deep = xasprintf("%s/x/y/z", temp_dir);
	char *d;

	(void)state;
	assert_int_equal(fs_mkdir_p(deep), 0);
	assert_true(fs_exists(deep));
	assert_int_equal(fs_mkdir_p(deep), 0);
	d = fs_dirname("/a/b/c.json");
	assert_string_equal(d, "/a/b");
	free(d);
	d = fs_dirname("c.json");
	assert_string_equal(d, ".");
	free(d);
	d = fs_dirname("/c.json");
	assert_string_equal(d, "/");
	free(d);
	assert_string_equal(fs_basename("/a/b/c.json"), "c.json");
	assert_string_equal(fs_basename("c.json"), "c.json");
	d = fs_path_join("/a/", "b");
	assert_string_equal(d, "/a/b");
	free(d);
	free(deep);
}

static void test_lock_is_exclusive(void **state)
{
	char *path = fs_path_join(temp_dir, "l.lock");
	int fd = -1, other;

	(void)state;
	assert_int_equal(fs_lock(&fd, path), 0);
	other = open(path, O_RDWR);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	fs_unlock(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	free(path);
}

static void check_normal(const char *path, bool ok, const char *want)
{
	struct buf out = BUF_INIT;

	buf_adds(&out, "x");
	if (fs_path_normalize(&out, path) != ok)
		fail_msg("fs_path_normalize(\"%s\") should return %s", path, ok ? "true" : "false");
	if (ok && strcmp(buf_cstr(&out) + 1, want))
		fail_msg("fs_path_normalize(\"%s\") = \"%s\", wanted \"%s\"", path,
			 buf_cstr(&out) + 1, want);
	buf_release(&out);
}

static void test_normalize(void **state)
{
	(void)state;
	check_normal("scripts/load.py", true, "scripts/load.py");
	check_normal("./scripts//load.py", true, "scripts/load.py");
	check_normal("a/b/../c/./d/", true, "a/c/d");
	check_normal("a/..", true, "");
	check_normal(".", true, "");
	check_normal("", true, "");
	check_normal("a/../..", false, NULL);
	check_normal("../x", false, NULL);
	check_normal("/a/b/../c", true, "/a/c");
	check_normal("/a/..", true, "/");
	check_normal("/..", false, NULL);
	check_normal("a/.../b", true, "a/.../b");
	check_normal("..a/b..", true, "..a/b..");
}

static void check_join(const char *dir, const char *path, const char *want)
{
	char *got = fs_join_lexical(dir, path);

	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void test_join_lexical(void **state)
{
	(void)state;
	check_join("", "scripts/a.py", "scripts/a.py");
	check_join("pipelines/ml", "../../shared/t.sh", "shared/t.sh");
	check_join("pipelines/ml", "./s//a.py", "pipelines/ml/s/a.py");
	check_join("p", "../../x", NULL);
	check_join("", "/abs/x", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_then_read),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_mkdir_p_and_paths),
		cmocka_unit_test(test_lock_is_exclusive),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_join_lexical),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}
