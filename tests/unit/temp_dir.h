/*
 * temp_dir.h - the unit tests' temporary folders: made under /tmp, and
 * removed with everything in them without a shell (links are removed,
 * never followed). Header-only; a test program includes it once.
 */
#ifndef DFC_TEST_TEMP_DIR_H
#define DFC_TEST_TEMP_DIR_H

#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove `path` and, for a folder, all it holds. Returns 0 or -1. */
static int remove_tree(const char *path)
{
	struct stat st;
	struct dirent *entry;
	DIR *dir;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if (!(dir = opendir(path)))
		return -1;
	while ((entry = readdir(dir))) {
		char *child;

		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
			continue;
		child = fs_path_join(path, entry->d_name);
		if (remove_tree(child) < 0)
			ret = -1;
		free(child);
	}
	closedir(dir);
	return rmdir(path) < 0 ? -1 : ret;
}

/* A new empty folder /tmp/dfc-NAME-XXXXXX; the caller frees the path. */
static inline char *temp_dir_new(const char *name)
{
	char *path = xasprintf("/tmp/dfc-%s-XXXXXX", name);

	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

/*
 * The folder that every test of a group shares: made by the group set-up
 * temp_dir_make(), removed by the group tear-down temp_dir_remove().
 */
static char *temp_dir;

static inline int temp_dir_make(void **state)
{
	(void)state;
	temp_dir = temp_dir_new("test");
	return temp_dir ? 0 : -1;
}

static inline int temp_dir_remove(void **state)
{
	int ret = remove_tree(temp_dir);

	(void)state;
	free(temp_dir);
	temp_dir = NULL;
	return ret;
}

/*
 * A folder of its own for each test: the cmocka set-up and tear-down that
 * keep its path in *state.
 */
static inline int temp_dir_setup(void **state)
{
	*state = temp_dir_new("test");
	return *state ? 0 : -1;
}

static inline int temp_dir_teardown(void **state)
{
	int ret = remove_tree(*state);

	free(*state);
	return ret;
}

/* Write `text` to dir/rel, making its folders. Returns 0 or a negative code. */
static inline int temp_write_file(const char *dir, const char *rel, const char *text)
{
	char *path = fs_path_join(dir, rel);
	char *parent = fs_dirname(path);
	int ret = fs_mkdir_p(parent);

	if (ret == 0)
		ret = fs_write_atomic(path, text, strlen(text), -1);
	free(parent);
	free(path);
	return ret;
}

/* A test that gets a folder of its own, as its *state. */
#define TEMP_DIR_TEST(fn) cmocka_unit_test_setup_teardown(fn, temp_dir_setup, temp_dir_teardown)

#endif
