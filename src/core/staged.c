/* staged.c - read the user's git index: the tree a commit made now would hold. */
#include "dfc/staged.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/script_check.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `path` with the folder `top` taken off the front, or NULL when not under it. */
static const char *under(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (!strcmp(top, "/"))
		return path + 1;
	if (strncmp(path, top, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path[n] ? path + n + 1 : path + n;
}

int staged_open(struct staged *s)
{
	const char *index_file = getenv("GIT_INDEX_FILE");
	char cwd[PATH_MAX];
	const char *workdir, *rest;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (!getcwd(cwd, sizeof(cwd)))
		return dfc_error(DFC_EINTERNAL, "cannot read the current folder: %s",
				 strerror(errno));
	if (git_repository_open_ext(&s->repo, ".", 0, NULL) < 0 ||
	    !(workdir = git_repository_workdir(s->repo))) {
		git_error_clear();
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "not in a git work tree: '%s'", cwd),
				"--staged checks the files staged in the git work tree "
				"you are in; run it there");
	}
	if ((ret = fs_absolute(&s->workdir, workdir)) < 0)
		return ret;
	/* Trailing '/' gone; '/' itself stays. */
	if (strlen(s->workdir) > 1 && s->workdir[strlen(s->workdir) - 1] == '/')
		s->workdir[strlen(s->workdir) - 1] = '\0';
	if (!(rest = under(cwd, s->workdir))) {
		/* A folder reached through a link: compare resolved paths. */
		char *real = NULL;

		if ((ret = fs_absolute(&real, cwd)) < 0)
			return ret;
		rest = under(real, s->workdir);
		s->prefix = rest ? xstrdup(rest) : NULL;
		free(real);
	} else {
		s->prefix = xstrdup(rest);
	}
	if (!s->prefix)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "not in a git work tree: '%s'", cwd),
				"run it inside the work tree '%s'", s->workdir);
	/* The index git itself would use, as `git commit -a` sets it for hooks. */
	if (index_file && *index_file)
		ret = git_index_open(&s->index, index_file);
	else
		ret = git_repository_index(&s->index, s->repo);
	if (ret < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the git index");
	return 0;
}

void staged_release(struct staged *s)
{
	git_index_free(s->index);
	git_repository_free(s->repo);
	free(s->workdir);
	free(s->prefix);
	memset(s, 0, sizeof(*s));
}

/*
 * `path` (absolute) in the repository, into `out`: compared as written,
 * then with its folder's links resolved. False when outside.
 */
static bool absolute_repo_path(const struct staged *s, const char *path, struct buf *out)
{
	struct buf normal = BUF_INIT;
	const char *rest = NULL;
	char *dir, *real = NULL;

	if (fs_path_normalize(&normal, path) && !(rest = under(buf_cstr(&normal), s->workdir))) {
		dir = fs_dirname(buf_cstr(&normal));
		if (fs_absolute(&real, dir) < 0)
			dfc_error_clear();
		free(dir);
		if (real) {
			buf_reset(&normal);
			buf_adds(&normal, real);
			buf_addch(&normal, '/');
			buf_adds(&normal, fs_basename(path));
			rest = under(buf_cstr(&normal), s->workdir);
		}
	}
	if (rest)
		buf_adds(out, rest);
	free(real);
	buf_release(&normal);
	return rest != NULL;
}

int staged_repo_path(const struct staged *s, const char *path, struct buf *out)
{
	struct buf joined = BUF_INIT;
	size_t start = out->len;
	bool inside;

	if (path[0] == '/') {
		inside = absolute_repo_path(s, path, out);
	} else {
		if (*s->prefix) {
			buf_adds(&joined, s->prefix);
			buf_addch(&joined, '/');
		}
		buf_adds(&joined, path);
		inside = fs_path_normalize(out, buf_cstr(&joined));
	}
	buf_release(&joined);
	if (!inside) {
		buf_truncate(out, start);
		return dfc_error(DFC_EUSAGE, "'%s' is outside the git work tree '%s'", path,
				 s->workdir);
	}
	if (out->len == start)
		return dfc_error(DFC_EUSAGE, "'%s' is the top of the work tree, not a file", path);
	return 0;
}

int staged_read(const struct staged *s, const char *repo_path, const char *display,
		struct buf *out)
{
	const git_index_entry *entry = git_index_get_bypath(s->index, repo_path, 0);
	git_blob *blob = NULL;
	git_object_size_t size;

	if (!entry || entry->mode == GIT_FILEMODE_COMMIT)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' is not staged", display),
				"stage it with 'git add %s'", display);
	if (git_blob_lookup(&blob, s->repo, &entry->id) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the staged file");
	size = git_blob_rawsize(blob);
	if (size > DFC_MAX_FILE_BYTES) {
		git_blob_free(blob);
		return dfc_error(DFC_EINVALID, "'%s' is larger than %zu MiB", display,
				 DFC_MAX_FILE_BYTES >> 20);
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)size);
	git_blob_free(blob);
	return 0;
}
