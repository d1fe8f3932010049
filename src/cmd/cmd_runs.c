/* cmd_runs.c - the recorded runs of a pipeline: list them, show one, import a work folder's. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/runs.h"
#include "dfc/table.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *id, *file;
static bool json_output;

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "the pipeline"),
	OPT_STRING('f', "file", &file, "FILE", "the pipeline of FILE (also given as FILE alone)"),
	OPT_BOOL(0, "json", &json_output, "print the runs (or the run) as JSON"),
	OPT_END(),
};

static const char *const usage[] = {
	"runs [-i ID | -f FILE | FILE] [--json]",
	"runs show RUN [-i ID] [--json]",
	"runs import DIR",
	NULL,
};

/* `iso` (UTC, from a record) as local time "2026-12-06 12:20:00", or "-". */
static void local_time(char out[32], const char *iso)
{
	double t;
	time_t secs;
	struct tm tm;

	if (!run_record_time(iso, &t)) {
		snprintf(out, 32, "-");
		return;
	}
	secs = (time_t)t;
	localtime_r(&secs, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Seconds as "0.4s", "2m03s", "1h02m", or "-" when unknown. */
static void duration(char out[32], bool known, double s)
{
	long long whole = (long long)s;

	if (!known || s < 0)
		snprintf(out, 32, "-");
	else if (s < 60)
		snprintf(out, 32, "%.1fs", s);
	else if (whole < 3600)
		snprintf(out, 32, "%lldm%02llds", whole / 60, whole % 60);
	else
		snprintf(out, 32, "%lldh%02lldm", whole / 3600, whole / 60 % 60);
}

/* How long a run took: to its end, or to the end of its last step. */
static bool run_seconds(const struct run_record *rec, double *out)
{
	const char *end = json_string_value(json_object_get(rec->end, "end"));
	size_t n = json_array_size(rec->steps);

	if (!end && n)
		end = json_string_value(json_object_get(json_array_get(rec->steps, n - 1), "end"));
	return run_record_seconds(rec->start, end, out);
}

static size_t count_outcome(const struct run_record *rec, const char *outcome)
{
	size_t i, n = 0;
	const json_t *s;

	json_array_foreach (rec->steps, i, s) {
		n += !strcmp(json_string_value(json_object_get(s, "outcome")), outcome);
	}
	return n;
}

static json_t *entry_json(const struct run_entry *e)
{
	double secs;
	bool known = run_seconds(&e->rec, &secs);

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:s, s:s}", "run",
			 e->rec.id, "pipeline", e->pipeline_id, "start",
			 e->rec.start ? json_string(e->rec.start) : json_null(), "version",
			 e->version ? json_integer(e->version) : json_null(), "version_commit",
			 e->version ? json_string(e->version_commit) : json_null(), "fingerprint",
			 e->rec.fingerprint[0] ? json_string(e->rec.fingerprint) : json_null(),
			 "recorded_version",
			 e->rec.version ? json_integer(e->rec.version) : json_null(), "ran",
			 (json_int_t)count_outcome(&e->rec, "ran"), "skipped",
			 (json_int_t)json_array_size(e->rec.skipped), "failed",
			 (json_int_t)count_outcome(&e->rec, "failed"), "seconds",
			 known ? json_real(secs) : json_null(), "status", e->rec.status, "commit",
			 e->commit);
}

static void version_cell(char out[64], const struct run_entry *e)
{
	if (e->version)
		snprintf(out, 64, "v%d", e->version);
	else if (e->rec.fingerprint[0])
		snprintf(out, 64, "file %.8s", e->rec.fingerprint);
	else
		snprintf(out, 64, "file");
}

static int list(struct cmd_ctx *ctx, const char *path)
{
	static const char *const names[] = { "RUN",	"WHEN",	  "VERSION", "RAN",
					     "SKIPPED", "FAILED", "TIME",    "STATUS" };
	struct working_file wf = WORKING_FILE_INIT;
	struct run_list runs = RUN_LIST_INIT;
	struct table table;
	int ret;

	if (path && id) {
		ret = dfc_error(DFC_EUSAGE, "give either -i ID or a pipeline file, not both");
		goto out;
	}
	if (path)
		ret = cmd_id_from_file(&wf, path, &id);
	else if (id)
		ret = cmd_resolve_id(ctx, &id);
	else
		ret = 0;
	if (ret < 0 || (ret = cmd_open_store(ctx, false)) < 0)
		goto out;
	if ((ret = runs_list_of(&ctx->store, id, &runs)) < 0)
		goto out;
	if (json_output) {
		json_t *out = json_array();

		for (size_t i = 0; i < runs.nr; i++)
			json_array_append_new(out, entry_json(&runs.items[i]));
		cmd_print_json(out);
		goto out;
	}
	if (!runs.nr) {
		cmd_note(ctx, "no runs recorded%s%s", id ? " of " : "", id ? id : "");
		goto out;
	}
	table_init(&table, 8, names);
	for (size_t i = 0; i < runs.nr; i++) {
		const struct run_entry *e = &runs.items[i];
		char when[32], version[64], ran[24], skipped[24], failed[24], took[32];
		const char *cells[8] = { e->rec.id, when,   version, ran,
					 skipped,   failed, took,    e->rec.status };
		double secs;
		bool known = run_seconds(&e->rec, &secs);

		local_time(when, e->rec.start);
		version_cell(version, e);
		snprintf(ran, sizeof(ran), "%zu", count_outcome(&e->rec, "ran"));
		snprintf(skipped, sizeof(skipped), "%zu", json_array_size(e->rec.skipped));
		snprintf(failed, sizeof(failed), "%zu", count_outcome(&e->rec, "failed"));
		duration(took, known, secs);
		table_add(&table, cells);
	}
	table_print(&table, stdout, isatty(STDOUT_FILENO));
	table_release(&table);
out:
	run_list_release(&runs);
	working_file_release(&wf);
	return ret;
}

/* One input or output of a step: path, size, short sha256. */
static void print_file(const char *dir, const json_t *f)
{
	const char *sha = json_string_value(json_object_get(f, "sha256"));
	const json_t *size = json_object_get(f, "size");
	const char *path = json_string_value(json_object_get(f, "path"));

	if (json_is_integer(size))
		cmd_print_line(stdout, "    %s %s  %lld bytes  sha256 %.12s", dir,
			       path ? path : "-", (long long)json_integer_value(size),
			       sha ? sha : "-");
	else
		cmd_print_line(stdout, "    %s %s  (missing)", dir, path ? path : "-");
}

static void print_run(const struct run_entry *e)
{
	const json_t *pipeline = json_object_get(e->rec.run, "pipeline"), *step, *f;
	const char *name = json_string_value(json_object_get(pipeline, "name"));
	const char *host = json_string_value(json_object_get(e->rec.run, "host"));
	const char *user = json_string_value(json_object_get(e->rec.run, "user"));
	const char *workdir = json_string_value(json_object_get(e->rec.run, "workdir"));
	char when[32], version[64], took[32];
	double secs;
	bool known = run_seconds(&e->rec, &secs);
	size_t i, k;

	local_time(when, e->rec.start);
	version_cell(version, e);
	duration(took, known, secs);
	cmd_print_line(stdout, "run %s  %s", e->rec.id, e->rec.status);
	cmd_print_line(stdout, "pipeline %s%s%s%s  %s", e->pipeline_id, name ? " (" : "",
		       name ? name : "", name ? ")" : "", version);
	cmd_print_line(stdout, "started %s on %s by %s, took %s", when, host ? host : "-",
		       user ? user : "-", took);
	if (workdir)
		cmd_print_line(stdout, "in %s", workdir);
	if (e->rec.garbled)
		cmd_print_line(stdout, "(%u garbled line%s of the record skipped)", e->rec.garbled,
			       e->rec.garbled == 1 ? "" : "s");
	json_array_foreach (e->rec.steps, i, step) {
		const char *start = json_string_value(json_object_get(step, "start"));
		const char *end = json_string_value(json_object_get(step, "end"));
		const char *reason = json_string_value(json_object_get(step, "reason"));
		const json_t *exit_status = json_object_get(step, "exit");

		known = run_record_seconds(start, end, &secs);
		duration(took, known, secs);
		cmd_print_line(stdout, "step %s  %s (%s)  %s  exit %lld",
			       json_string_value(json_object_get(step, "step")),
			       json_string_value(json_object_get(step, "outcome")),
			       reason ? reason : "-", took,
			       (long long)json_integer_value(exit_status));
		json_array_foreach (json_object_get(step, "inputs"), k, f) {
			print_file("in ", f);
		}
		json_array_foreach (json_object_get(step, "outputs"), k, f) {
			print_file("out", f);
		}
	}
	json_array_foreach (e->rec.skipped, i, step) {
		cmd_print_line(stdout, "step %s  skipped (up to date)", json_string_value(step));
	}
}

static int show(struct cmd_ctx *ctx, const char *given)
{
	struct run_list found = RUN_LIST_INIT;
	int ret;

	if ((id && (ret = cmd_resolve_id(ctx, &id)) < 0) ||
	    (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = runs_find(&ctx->store, id, given, &found)) < 0)
		goto out;
	if (json_output)
		cmd_print_json(run_record_json(&found.items[0].rec));
	else
		print_run(&found.items[0]);
out:
	run_list_release(&found);
	return ret;
}

/*
 * Record one file: 0 or an error code. With `warn` (after run), a run of a
 * file without an id is skipped, and one recorded already is not noted.
 */
static int import_one(struct cmd_ctx *ctx, const char *path, bool warn)
{
	struct run_record rec = RUN_RECORD_INIT;
	struct run_recorded res;
	struct buf data = BUF_INIT;
	char version[64];
	int ret;

	if ((ret = runs_read_file(&rec, &data, path)) < 0)
		goto out;
	if (warn && !rec.pipeline_id) {
		if (ctx->verbose)
			cmd_note(ctx, "run %s is of a file without a pipeline id: not recorded",
				 rec.id);
		goto out;
	}
	if ((ret = runs_check_recordable(&rec, path)) < 0 ||
	    (ret = cmd_open_store(ctx, true)) < 0 ||
	    (ret = runs_record(&ctx->store, &rec, data.data, data.len, path, &res)) < 0)
		goto out;
	if (res.version)
		snprintf(version, sizeof(version), "version %d", res.version);
	else
		snprintf(version, sizeof(version), "no local version has its content");
	if (res.grown)
		cmd_note(ctx, "recorded more of run %s of %s (%s, %s)", rec.id, rec.pipeline_id,
			 version, rec.status);
	else if (res.recorded)
		cmd_note(ctx, "recorded run %s of %s (%s)", rec.id, rec.pipeline_id, version);
	else if (!warn) /* After run: an earlier run of the same second, said before. */
		cmd_note(ctx, "run %s of %s (%s) already recorded", rec.id, rec.pipeline_id,
			 version);
out:
	run_record_release(&rec);
	buf_release(&data);
	return ret;
}

int cmd_runs_import(struct cmd_ctx *ctx, const char *dir, time_t since, bool warn)
{
	struct strvec files = STRVEC_INIT;
	int ret, first = 0;

	if ((ret = runs_find_files(dir, since, &files)) < 0) {
		if (warn && ret == DFC_ENOTFOUND) {
			dfc_error_clear();
			ret = 0;
		}
		goto out;
	}
	for (size_t i = 0; i < files.nr; i++) {
		if ((ret = import_one(ctx, files.items[i], warn)) == 0)
			continue;
		if (!first)
			first = ret;
		if (warn) {
			/* Recording never changes how the run went. */
			cmd_print_line(stderr, PROG ": warning: the run was not recorded: %s",
				       dfc_error_message());
			dfc_error_clear();
		} else {
			cmd_print_error(ret);
		}
	}
	ret = first && !warn ? dfc_exit_status(first) : 0;
out:
	if (warn && ret < 0) {
		cmd_print_line(stderr, PROG ": warning: the run was not recorded: %s",
			       dfc_error_message());
		dfc_error_clear();
		ret = 0;
	}
	strvec_release(&files);
	return ret;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc && !strcmp(argv[0], "import")) {
		if (argc != 2 || id || file || json_output)
			return dfc_hint(dfc_error(DFC_EUSAGE, "runs import takes one work folder"),
					"usage: " PROG " runs import DIR");
		return cmd_runs_import(ctx, argv[1], 0, false);
	}
	if (argc && !strcmp(argv[0], "show")) {
		if (argc != 2 || file)
			return dfc_hint(dfc_error(DFC_EUSAGE, "runs show takes one run id"),
					"usage: " PROG " runs show RUN [-i ID] [--json]");
		return show(ctx, argv[1]);
	}
	/* -f FILE as every other command takes a pipeline file, or FILE alone. */
	if (argc > 1 || (argc && file))
		return dfc_hint(dfc_error(DFC_EUSAGE, "too many arguments"),
				"usage: " PROG " runs [-i ID | -f FILE | FILE] [--json]");
	return list(ctx, file ? file : argc ? argv[0] : NULL);
}

const struct command cmd_runs = {
	.name = "runs",
	.summary = "list the recorded runs of a pipeline, show one, import a work folder's",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 2,
	.run = run,
};
