/* common.c - what several commands print or load the same way. */
#include "cmd/cmd.h"

#include "dfc/canonical.h"
#include "dfc/copies.h"
#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/fs.h"
#include "dfc/id_resolve.h"
#include "dfc/ids.h"
#include "dfc/merge.h"
#include "dfc/printable.h"
#include "dfc/shell.h"
#include "dfc/validate.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* `prefix` and `fmt` formatted, as one line safe for a terminal. */
static void print_vline(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
	struct buf text = BUF_INIT, line = BUF_INIT;

	buf_adds(&text, prefix);
	buf_vaddf(&text, fmt, ap);
	printable_quote(&line, buf_cstr(&text), SIZE_MAX);
	buf_addch(&line, '\n');
	fwrite(line.data, 1, line.len, out);
	buf_release(&text);
	buf_release(&line);
}

void cmd_print_line(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_vline(out, "", fmt, ap);
	va_end(ap);
}

void cmd_print_error(int code)
{
	const char *msg = dfc_error_message();

	/* Messages name files, ids and keys; they are one line each. */
	cmd_print_line(stderr, PROG ": error: %s", *msg ? msg : dfc_code_text(code));
	for (int i = 0; i < dfc_error_hint_count(); i++)
		cmd_print_line(stderr, "hint: %s", dfc_error_hint(i));
	dfc_error_clear();
}

int cmd_report_problems(const char *path, const struct problems *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		const struct problem *p = &list->items[i];

		if (!p->pointer)
			cmd_print_line(stderr, PROG ": error: %s:%d:%d: %s", path, p->line,
				       p->column, p->message);
		else
			/* The pointer holds the file's keys as they are: quoted here. */
			cmd_print_line(stderr, PROG ": error: %s: %s: %s", path,
				       *p->pointer ? p->pointer : "/", p->message);
	}
	return problems_code(list);
}

/* A value of a conflict, shown: compact ASCII JSON, or "(absent)". */
static char *conflict_value(const json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) : NULL;

	return text ? text : xstrdup("(absent)");
}

void cmd_report_merge_conflicts(const char *path, const struct merge_result *res)
{
	for (size_t i = 0; i < res->nr_conflicts; i++) {
		const struct merge_conflict *c = &res->conflicts[i];
		char *ours = conflict_value(c->ours), *theirs = conflict_value(c->theirs);
		char *base = conflict_value(c->base);

		cmd_print_line(stderr, PROG ": conflict: %s: %s: ours %s, theirs %s (base %s)", path,
			       c->pointer, ours, theirs, base);
		free(ours);
		free(theirs);
		free(base);
	}
}

void cmd_note(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	print_vline(stderr, PROG ": ", fmt, ap);
	va_end(ap);
}

int cmd_check_id_option(const char *id)
{
	if (!id)
		return dfc_hint(dfc_error(DFC_EUSAGE, "no pipeline id given"),
				"pass one with -i ID");
	return pipeline_id_check(id);
}

int cmd_resolve_id(struct cmd_ctx *ctx, const char **id)
{
	int ret;

	if (!*id)
		return cmd_check_id_option(*id);
	if ((ret = cmd_open_store(ctx, false)) < 0) {
		/* No store to hold a name: what is unsafe is refused as before. */
		if (!pipeline_id_is_safe(*id)) {
			dfc_error_clear();
			return pipeline_id_check(*id);
		}
		return ret;
	}
	free(ctx->resolved_id);
	if ((ret = pipeline_id_resolve(&ctx->store, *id, &ctx->resolved_id)) < 0)
		return ret;
	*id = ctx->resolved_id;
	return 0;
}

int cmd_id_from_file(struct working_file *wf, const char *path, const char **id)
{
	int ret = working_file_load(wf, path, false);

	if (ret < 0)
		return ret;
	*id = pipeline_id(&wf->pipeline);
	if (!*id)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", path),
				"record its first version with '" PROG " create %s'", path);
	return cmd_check_id_option(*id);
}

void cmd_print_json(json_t *value)
{
	struct buf out = BUF_INIT;

	canonical_dump(&out, value);
	printable_json(&out);
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	json_decref(value);
}

void cmd_format_time(char out[CMD_TIME_SIZE], long long time, int offset)
{
	time_t local = (time_t)(time + (long long)offset * 60);
	struct tm tm;
	int off = offset < 0 ? -offset : offset;

	gmtime_r(&local, &tm);
	snprintf(out, CMD_TIME_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+', off / 60,
		 off % 60);
}

json_t *cmd_version_json(const char *pipeline_id, const struct version_info *info)
{
	json_t *out = json_object();
	char date[CMD_TIME_SIZE];

	cmd_format_time(date, info->time, info->offset);
	json_object_set_new(out, "id", json_string(pipeline_id));
	json_object_set_new(out, "version", json_integer(info->version));
	json_object_set_new(out, "commit", json_string(info->commit));
	json_object_set_new(out, "date", json_string(date));
	json_object_set_new(out, "author",
			    json_pack("{s:s, s:s}", "name", info->author_name,
				      "email", info->author_email));
	json_object_set_new(out, "message", json_string(info->message));
	json_object_set_new(out, "source_file",
			    info->source_file ? json_string(info->source_file) : json_null());
	json_object_set_new(out, "source_commit",
			    info->source_commit ? json_string(info->source_commit)
						: json_null());
	return out;
}

int working_file_load(struct working_file *wf, const char *path, bool scripts)
{
	struct problems problems = PROBLEMS_INIT;
	char *dir = NULL;
	int ret;

	/* Scripts are found next to the file, and some commands write it. */
	if (!strcmp(path, "-"))
		return dfc_hint(dfc_error(DFC_EUSAGE, "'-' (standard input) is no pipeline file here"),
				"give the file's path; '" PROG " validate -' reads standard input");
	ret = pipeline_load(&wf->pipeline, path, &problems);
	if (ret == 0)
		pipeline_validate(wf->pipeline.root, &problems);
	if (problems.nr) {
		ret = cmd_report_problems(wf->pipeline.path ? wf->pipeline.path : path,
					  &problems);
		dfc_error(ret, "'%s' is not a valid pipeline (%zu problem%s)", path,
			  problems.nr, problems.nr == 1 ? "" : "s");
		if (ret == DFC_EINVALID)
			dfc_hint(ret, "fix the problems above; "
				      "'" PROG " validate %s' checks again", path);
		goto out;
	}
	if (ret < 0)
		goto out;
	if ((ret = fs_absolute(&wf->path, path)) < 0)
		goto out;
	dir = fs_dirname(wf->path);
	if (scripts)
		ret = script_files_collect(&wf->scripts, wf->pipeline.root, dir);
out:
	free(dir);
	problems_release(&problems);
	return ret;
}

void working_file_canonical(struct working_file *wf)
{
	buf_reset(&wf->canonical);
	canonical_dump(&wf->canonical, wf->pipeline.root);
}

/* `path` (absolute) from the current folder when it is under it, else as it is. */
static char *display_path(const char *path)
{
	char *cwd = NULL, *out;
	size_t n;

	if (fs_absolute(&cwd, ".") < 0) {
		dfc_error_clear();
		return xstrdup(path);
	}
	n = strlen(cwd);
	if (!strcmp(cwd, "/"))
		n = 0;
	if (!strncmp(path, cwd, n) && path[n] == '/')
		out = xstrdup(path + n + 1);
	else
		out = xstrdup(path);
	free(cwd);
	return out;
}

int working_file_check_latest(const struct record_request *req, const char *recorded_from)
{
	const struct working_file *wf = req->check_payload;
	const char *file = wf->pipeline.path;
	struct buf word = BUF_INIT;
	char *other;
	int ret = 0;

	if (!recorded_from || !strcmp(recorded_from, req->source_file))
		return 0;
	other = display_path(recorded_from);
	shell_word(&word, file);
	if (pipeline_file_is_copy(req->source_file, recorded_from, req->id)) {
		ret = dfc_hint(dfc_error(DFC_ECONFLICT, "'%s' is a copy of '%s': both carry "
					 "pipeline id %s", file, other, req->id),
			       "give the copy an id of its own: " PROG " create --new-id %s",
			       buf_cstr(&word));
	} else if (req->create) {
		/* Moved here, or the other file now holds another id. */
		ret = dfc_error(DFC_ECONFLICT, "pipeline '%s' already exists in the local store "
			       "(recorded from '%s')", req->id, other);
		dfc_hint(ret, "record a new version with '" PROG " update %s'", buf_cstr(&word));
		dfc_hint(ret, "or make '%s' a pipeline of its own: " PROG " create --new-id %s",
			 file, buf_cstr(&word));
	}
	buf_release(&word);
	free(other);
	return ret;
}

void working_file_request(struct working_file *wf, struct record_request *req,
			  const char *id, const char *message)
{
	working_file_canonical(wf);
	memset(req, 0, sizeof(*req));
	req->id = id;
	req->pipeline_json = wf->canonical.data;
	req->pipeline_len = wf->canonical.len;
	req->scripts = &wf->scripts;
	req->message = message;
	req->source_file = wf->path;
	req->pipeline = wf->pipeline.root;
	req->check_latest = working_file_check_latest;
	req->check_payload = wf;
}

json_t *working_file_script_ids(const struct working_file *wf)
{
	return script_files_blob_ids(&wf->scripts);
}

void working_file_fingerprint(struct working_file *wf, char out[FINGERPRINT_SIZE])
{
	json_t *scripts = working_file_script_ids(wf);

	content_fingerprint(out, wf->pipeline.root, scripts);
	json_decref(scripts);
}

int working_file_find_version(struct cmd_ctx *ctx, struct working_file *wf, const char *id,
			      int latest, int oldest, int *out)
{
	char mine[FINGERPRINT_SIZE], theirs[FINGERPRINT_SIZE];
	int ret;

	*out = 0;
	working_file_fingerprint(wf, mine);
	for (int v = latest; v >= oldest && v > 0; v--) {
		if ((ret = store_fingerprint(&ctx->store, id, v, theirs)) < 0)
			return ret;
		if (!strcmp(mine, theirs)) {
			*out = v;
			break;
		}
	}
	return 0;
}

void working_file_release(struct working_file *wf)
{
	pipeline_release(&wf->pipeline);
	free(wf->path);
	buf_release(&wf->canonical);
	script_files_release(&wf->scripts);
	wf->path = NULL;
}

int cmd_write_output(const char *path, const struct buf *out, int mode)
{
	if (path && strcmp(path, "-"))
		return fs_write_atomic(path, out->data, out->len, mode);
	fwrite(out->data, 1, out->len, stdout);
	return 0;
}
