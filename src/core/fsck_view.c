/* fsck_view.c - check the view in pipelines/ against the versions in repo.git. */
#include "fsck_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The view files of one pipeline against its commits. */
static void check_view_files(struct check *c, struct pipeline_branch *p)
{
	const char *dir = c->store->view_dir;
	int state = 0;

	for (size_t i = 0; i < p->nr; i++) {
		const struct version_commit *vc = &p->versions[i];
		char *path = view_version_path(dir, p->id, vc->version);
		char *shown = xasprintf("pipelines/%s", fs_basename(path));
		struct buf have = BUF_INIT;
		git_blob *blob = NULL;
		int ret;

		if (!vc->has_json || git_blob_lookup(&blob, c->store->repo, &vc->json) < 0)
			goto next; /* nothing to compare with: reported already */
		ret = fs_read_file(&have, path, DFC_MAX_FILE_BYTES);
		if (ret == DFC_ENOTFOUND)
			fsck_add_finding(c->out, FSCK_MISSING_FILE, p->id, vc->version,
					 p->consistent, shown, "%s is missing", shown);
		else if (ret < 0)
			fsck_add_finding(c->out, FSCK_CHANGED_FILE, p->id, vc->version,
					 p->consistent, shown, "%s cannot be read: %s", shown,
					 dfc_error_message());
		else if (have.len != (size_t)git_blob_rawsize(blob) ||
			 memcmp(buf_cstr(&have), git_blob_rawcontent(blob), have.len))
			fsck_add_finding(
				c->out, FSCK_CHANGED_FILE, p->id, vc->version, p->consistent, shown,
				"%s differs from version %d in repo.git", shown, vc->version);
next:
		dfc_error_clear();
		git_error_clear();
		git_blob_free(blob);
		buf_release(&have);
		free(shown);
		free(path);
	}
	if (!p->consistent)
		return; /* no state file can be right */
	view_read_state(dir, p->id, &state);
	if (state != p->latest) {
		char *path = view_state_path(dir, p->id);
		char *shown = xasprintf("pipelines/%s", fs_basename(path));

		if (fs_exists(path))
			fsck_add_finding(c->out, FSCK_BAD_STATE, p->id, 0, true, shown,
					 "%s does not match repo.git (latest version %d)", shown,
					 p->latest);
		else
			fsck_add_finding(c->out, FSCK_BAD_STATE, p->id, 0, true, shown,
					 "%s is missing", shown);
		free(shown);
		free(path);
	}
}

/* fs_write_atomic()'s temporary files: `<name>.tmp-XXXXXX`. */
static bool is_temp_file(const char *name)
{
	const char *tmp = strstr(name, ".tmp-");

	return tmp && strlen(tmp + 5) == 6;
}

/*
 * Why `name` in pipelines/ is not explained by repo.git, or NULL when it
 * is. `*pipeline` and `*version` say what it seems to belong to.
 */
static const char *stray_reason(struct check *c, const char *name, bool regular,
				struct pipeline_branch **pipeline, int *version, char reason[128])
{
	/* Ids may hold '_'; the version or "state" after the last one cannot. */
	const char *underscore = strrchr(name, '_');
	char *id, *end;
	struct pipeline_branch *p;
	long v = 0;
	bool state;

	*pipeline = NULL;
	*version = 0;
	if (is_temp_file(name)) {
		/* Whose it is, so that its repair waits for that pipeline's writer. */
		char *base = xstrndup(name, (size_t)(strstr(name, ".tmp-") - name));

		stray_reason(c, base, regular, pipeline, version, reason);
		free(base);
		*version = 0;
		return "a temporary file left by an interrupted write";
	}
	if (!underscore)
		return "not a file of the view";
	state = !strcmp(underscore + 1, "state.json");
	if (!state) {
		if (underscore[1] < '1' || underscore[1] > '9')
			return "not a file of the view";
		errno = 0;
		v = strtol(underscore + 1, &end, 10);
		if (errno || strcmp(end, ".json") || v > 1000000000)
			return "not a file of the view";
	}
	id = xstrndup(name, (size_t)(underscore - name));
	p = pipeline_id_is_safe(id) ? fsck_find_branch(c, id) : NULL;
	free(id);
	if (!p)
		return "no pipeline of that id in repo.git";
	*pipeline = p;
	*version = (int)v;
	if (!regular)
		return "not a regular file";
	if (state || !p->walked || v <= p->latest)
		return NULL;
	snprintf(reason, 128, "version %ld is beyond the latest, %d", v, p->latest);
	return reason;
}

static int check_stray_files(struct check *c)
{
	struct strvec names = STRVEC_INIT;
	const char *dir = c->store->view_dir;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno == ENOENT)
			return 0; /* every file is missing: reported */
		return dfc_error(DFC_EUSAGE, "cannot read '%s': %s", dir, strerror(errno));
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.nr; i++) {
		char *path = fs_path_join(dir, names.items[i]);
		struct buf quoted = BUF_INIT;
		char reason_buf[128], *subject;
		const char *reason;
		struct stat st;
		struct pipeline_branch *p;
		int version;
		bool regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);

		free(path);
		if (!strcmp(names.items[i], FSCK_LOST_FOUND) && !regular)
			continue;
		reason = stray_reason(c, names.items[i], regular, &p, &version, reason_buf);
		if (!reason)
			continue;
		printable_quote(&quoted, names.items[i], FSCK_QUOTE_MAX);
		subject = xasprintf("pipelines/%s", names.items[i]);
		fsck_add_finding(c->out, FSCK_STRAY_FILE, p ? p->id : NULL, version, true, subject,
				 "pipelines/%s: %s", buf_cstr(&quoted), reason);
		free(subject);
		buf_release(&quoted);
	}
	strvec_release(&names);
	return 0;
}

int fsck_check_view(struct check *c)
{
	for (size_t i = 0; i < c->nr; i++)
		check_view_files(c, &c->branches[i]);
	return check_stray_files(c);
}
