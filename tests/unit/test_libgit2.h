/*
 * test_libgit2.h - a test group that uses libgit2: its group set-up starts
 * libgit2 and its tear-down shuts it down, so that leak checks find
 * everything given back. Header-only; include it after <cmocka.h> (and
 * after temp_dir.h for the group with a temporary folder).
 */
#ifndef DFC_TEST_LIBGIT2_H
#define DFC_TEST_LIBGIT2_H

#include <git2.h>

static inline int libgit2_start(void **state)
{
	(void)state;
	return git_libgit2_init() < 0 ? -1 : 0;
}

static inline int libgit2_stop(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return 0;
}

#ifdef DFC_TEST_TEMP_DIR_H
/* libgit2 started, and the group's temporary folder made (temp_dir.h). */
static inline int libgit2_start_in_temp_dir(void **state)
{
	return libgit2_start(state) < 0 ? -1 : temp_dir_make(state);
}

static inline int libgit2_stop_in_temp_dir(void **state)
{
	int ret = temp_dir_remove(state);

	libgit2_stop(state);
	return ret;
}
#endif

#endif
