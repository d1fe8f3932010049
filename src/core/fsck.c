/* fsck.c - run the checks of the store and the view, then the repair, and report. */
#include "fsck_internal.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <git2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *fsck_kind_name(enum fsck_kind kind)
{
	switch (kind) {
#define FSCK_KIND_NAME(name, word, text)                                                           \
	case name:                                                                                 \
		return word;
		FSCK_KINDS(FSCK_KIND_NAME)
#undef FSCK_KIND_NAME
	}
	return "unknown";
}

static void list_release(struct fsck_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].pipeline);
		free(list->items[i].message);
		free(list->items[i].subject);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void fsck_report_release(struct fsck_report *report)
{
	list_release(&report->problems);
	list_release(&report->repaired);
	report->pipelines = report->versions = report->runs = 0;
}

void fsck_add_finding(struct fsck_list *list, enum fsck_kind kind, const char *pipeline,
		      int version, bool repairable, const char *subject, const char *fmt, ...)
{
	struct fsck_finding *f;
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	XGROW(list->items, list->alloc, list->nr + 1);
	f = &list->items[list->nr++];
	f->kind = kind;
	f->pipeline = pipeline ? xstrdup(pipeline) : NULL;
	f->version = version;
	f->message = buf_detach(&msg, NULL);
	f->repairable = repairable;
	f->subject = xstrdup(subject ? subject : "");
}

static void check_release(struct check *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->branches[i].id);
		free(c->branches[i].versions);
	}
	free(c->branches);
	strvec_release(&c->tags);
	strvec_release(&c->remotes);
	strvec_release(&c->run_refs);
	fsck_oid_set_release(&c->seen);
	fsck_oid_set_release(&c->bad);
	git_odb_free(c->odb);
	c->branches = NULL;
	c->nr = c->alloc = 0;
	c->odb = NULL;
}

const char *fsck_git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* Every check, findings into c->out. */
static int check_store(struct check *c)
{
	int ret;

	if (git_repository_odb(&c->odb, c->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read repo.git's objects");
	if ((ret = fsck_check_refs(c)) < 0)
		return ret;
	fsck_check_runs(c);
	return fsck_check_view(c);
}

static int check_once(struct fsck_report *report, struct store *store)
{
	struct check c = { 0 };
	int ret;

	c.store = store;
	c.out = &report->problems;
	ret = check_store(&c);
	report->pipelines = (int)c.nr;
	report->versions = c.versions;
	report->runs = c.runs;
	check_release(&c);
	return ret;
}

int fsck_run(struct fsck_report *report, const char *home, bool repair_too)
{
	struct store store = STORE_INIT;
	struct fsck_list found = { NULL, 0, 0 };
	int ret;

	/* A repair may need the view and lock folders; a check writes nothing. */
	ret = repair_too ? store_open(&store, home, false) : store_open_readonly(&store, home);
	if (ret == DFC_ENOTFOUND)
		goto out;
	if (ret < 0) {
		fsck_add_finding(&report->problems, FSCK_BAD_REPO, NULL, 0, false, "repo.git", "%s",
				 dfc_error_message());
		dfc_error_clear();
		ret = 0;
		goto out;
	}
	if ((ret = check_once(report, &store)) < 0 || !repair_too)
		goto out;
	found = report->problems;
	memset(&report->problems, 0, sizeof(report->problems));
	fsck_repair(&store, &found, &report->repaired);
	if ((ret = check_once(report, &store)) < 0)
		goto out;
	fsck_keep_real_repairs(&report->repaired, &report->problems);
out:
	list_release(&found);
	store_close(&store);
	return ret;
}
