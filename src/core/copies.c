/* copies.c - is a pipeline file a copy of the file its pipeline was recorded from? */
#include "dfc/copies.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The same file under two names: links resolved, or one inode. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *real = NULL;
	bool same;

	if (fs_absolute(&real, b) < 0) {
		dfc_error_clear();
		return false;
	}
	same = !strcmp(a, real) ||
	       (stat(a, &sa) == 0 && stat(real, &sb) == 0 && sa.st_dev == sb.st_dev &&
		sa.st_ino == sb.st_ino);
	free(real);
	return same;
}

bool pipeline_file_is_copy(const char *source_file, const char *recorded_from, const char *id)
{
	struct problems problems = PROBLEMS_INIT;
	struct pipeline other = PIPELINE_INIT;
	struct buf content = BUF_INIT;
	const char *other_id;
	bool copy = false;

	if (!recorded_from || !strcmp(source_file, recorded_from))
		return false;
	if (fs_read_file(&content, recorded_from, DFC_MAX_FILE_BYTES) < 0) {
		/* Gone (moved, `git mv`), a folder now, or unreadable. */
		dfc_error_clear();
		goto out;
	}
	if (same_file(source_file, recorded_from))
		goto out;
	/* Parsed as any pipeline file is: a byte order mark, no duplicate key. */
	if (pipeline_parse(&other, recorded_from, content.data ? content.data : "", content.len,
			   &problems) == 0) {
		other_id = pipeline_id(&other);
		copy = other_id && !strcmp(other_id, id);
	}
out:
	pipeline_release(&other);
	problems_release(&problems);
	buf_release(&content);
	return copy;
}
