/* fsck_repair.c - repair what the check found repairable, from repo.git. */
#include "fsck_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Move pipelines/<name> to pipelines/lost-found/, under a name not taken yet. */
static int move_aside(struct store *store, const char *name, char **shown)
{
	char *dir = fs_path_join(store->view_dir, FSCK_LOST_FOUND);
	char *from = fs_path_join(store->view_dir, name);
	char *to = NULL;
	struct stat st;
	/* Gone meanwhile (a writer finished it): nothing to move. */
	int ret = lstat(from, &st) < 0 ? dfc_error(DFC_ENOTFOUND, "'%s' is gone", from)
				       : fs_mkdir_p(dir);

	for (int n = 0; ret == 0; n++) {
		free(to);
		to = n ? xasprintf("%s/%s.%d", dir, name, n) : fs_path_join(dir, name);
		if (!fs_exists(to))
			break;
	}
	if (ret == 0 && rename(from, to) < 0)
		ret = dfc_error(DFC_EUSAGE, "cannot move '%s' aside: %s", from, strerror(errno));
	if (ret == 0)
		*shown = xasprintf("pipelines/" FSCK_LOST_FOUND "/%s", fs_basename(to));
	free(to);
	free(from);
	free(dir);
	return ret;
}

/*
 * Move the stray file of `f` aside. A file of a pipeline is moved under
 * that pipeline's writers' lock, so that an update running meanwhile never
 * loses its temporary file or its new version's file: once the lock is
 * held no writer is half-way, and a version file is moved only if it is
 * still beyond the branch's latest version.
 */
static void move_stray(struct store *store, const struct fsck_finding *f,
		       struct fsck_list *repaired)
{
	const char *name = f->subject + strlen("pipelines/");
	struct buf quoted = BUF_INIT;
	char *shown = NULL;
	int fd = -1, latest = 0;

	if (f->pipeline && store_lock_pipeline(store, f->pipeline, &fd) < 0)
		return;
	if (f->pipeline && f->version > 0 &&
	    (store_latest_version(store, f->pipeline, &latest) < 0 || f->version <= latest))
		goto out;
	if (move_aside(store, name, &shown) < 0)
		goto out;
	printable_quote(&quoted, name, FSCK_QUOTE_MAX);
	fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false, f->subject,
			 "moved pipelines/%s to %s", buf_cstr(&quoted), shown);
out:
	if (fd >= 0)
		store_unlock_pipeline(fd);
	buf_release(&quoted);
	free(shown);
}

static bool is_view_or_tag(enum fsck_kind kind)
{
	return kind == FSCK_MISSING_TAG || kind == FSCK_MISSING_FILE || kind == FSCK_CHANGED_FILE ||
	       kind == FSCK_BAD_STATE;
}

/* What store_repair() did about `f`. */
static void note_store_repair(struct fsck_list *repaired, const struct fsck_finding *f)
{
	const char *s = f->subject;

	switch (f->kind) {
	case FSCK_MISSING_TAG:
		fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
				 "restored %s from the branch", s);
		break;
	case FSCK_MISSING_FILE:
		fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
				 "wrote %s from version %d in repo.git", s, f->version);
		break;
	case FSCK_CHANGED_FILE:
		fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
				 "rewrote %s from version %d in repo.git", s, f->version);
		break;
	default:
		fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false, s, "rewrote %s",
				 s);
		break;
	}
}

void fsck_repair(struct store *store, const struct fsck_list *found, struct fsck_list *repaired)
{
	struct strvec done = STRVEC_INIT;

	for (size_t i = 0; i < found->nr; i++) {
		const struct fsck_finding *f = &found->items[i];
		bool seen = false;

		if (!f->repairable || !is_view_or_tag(f->kind) || !f->pipeline)
			continue;
		for (size_t j = 0; j < done.nr && !seen; j++)
			seen = !strcmp(done.items[j], f->pipeline);
		if (seen)
			continue;
		strvec_push(&done, f->pipeline);
		/* The branch is the truth: tags and view follow it. */
		if (store_repair(store, f->pipeline, true, NULL) < 0)
			dfc_error_clear(); /* the second check shows what is left */
		for (size_t j = i; j < found->nr; j++)
			if (found->items[j].repairable && is_view_or_tag(found->items[j].kind) &&
			    found->items[j].pipeline &&
			    !strcmp(found->items[j].pipeline, f->pipeline))
				note_store_repair(repaired, &found->items[j]);
	}
	strvec_release(&done);
	for (size_t i = 0; i < found->nr; i++) {
		const struct fsck_finding *f = &found->items[i];

		if (!f->repairable)
			continue;
		if (f->kind == FSCK_WRONG_TAG) {
			if (store_reset_tag(store, f->pipeline, f->version) == 0)
				fsck_add_finding(repaired, f->kind, f->pipeline, f->version, false,
						 f->subject, "moved %s back to version %d's commit",
						 f->subject, f->version);
		} else if (f->kind == FSCK_BAD_REF) {
			if (git_reference_remove(store->repo, f->subject) == 0)
				fsck_add_finding(
					repaired, f->kind, f->pipeline, 0, false, f->subject,
					"removed %s, which pointed at a missing object (the "
					"next share, sync or list --refresh sets it again)",
					f->subject);
		} else if (f->kind == FSCK_STRAY_FILE) {
			move_stray(store, f, repaired);
		}
		dfc_error_clear();
		git_error_clear();
	}
}

void fsck_keep_real_repairs(struct fsck_list *repaired, const struct fsck_list *left)
{
	size_t kept = 0;

	for (size_t i = 0; i < repaired->nr; i++) {
		struct fsck_finding *r = &repaired->items[i];
		bool still = false;

		for (size_t j = 0; j < left->nr && !still; j++)
			still = left->items[j].kind == r->kind &&
				!strcmp(left->items[j].subject, r->subject);
		if (still) {
			free(r->pipeline);
			free(r->message);
			free(r->subject);
		} else {
			repaired->items[kept++] = *r;
		}
	}
	repaired->nr = kept;
}
