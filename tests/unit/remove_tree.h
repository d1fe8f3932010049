/*
 * remove_tree.h - how the unit tests remove their temporary folders: the
 * folder and everything in it, without a shell (links are removed, never
 * followed). Header-only; a test program includes it once.
 */
#ifndef DFC_TEST_REMOVE_TREE_H
#define DFC_TEST_REMOVE_TREE_H

#include "dfc/fs.h"

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

#endif
