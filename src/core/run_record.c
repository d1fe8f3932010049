/* run_record.c - read and check a run record (JSON Lines, docs/run-record.md). */
#include "dfc/run_record.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest name or id from a record shown in a message. */
#define QUOTE_MAX 80

/* The state of one parse: the file's name, quoted once, and the line. */
struct parse {
	struct run_record *rec;
	char *name;
	size_t line;
	/* The run line says Slurm: lines that are not JSON are skipped. */
	bool slurm;
};

static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

bool run_id_is_valid(const char *id)
{
	static const char digits[] = "0123456789";
	size_t len, pid;

	if (!id || (len = strlen(id)) >= RUN_ID_SIZE || len < 8 + 1 + 6 + 2 + 1 + 1 + 4)
		return false;
	if (!all_in(id, 8, digits) || id[8] != 'T' || !all_in(id + 9, 6, digits) || id[15] != 'Z' ||
	    id[16] != '-')
		return false;
	pid = strspn(id + 17, digits);
	if (!pid || id[17 + pid] != '-')
		return false;
	return len == 17 + pid + 1 + 4 && all_in(id + 17 + pid + 1, 4, "0123456789abcdef");
}

static char *quoted(const char *s)
{
	struct buf b = BUF_INIT;

	printable_quote(&b, s ? s : "", QUOTE_MAX);
	return buf_detach(&b, NULL);
}

static int fail(struct parse *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set the error "'NAME' line N: what" with the hint every refusal has. */
static int fail(struct parse *p, int code, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (p->line)
		dfc_error(code, "'%s' line %zu: %s", p->name, p->line, buf_cstr(&msg));
	else
		dfc_error(code, "'%s': %s", p->name, buf_cstr(&msg));
	buf_release(&msg);
	return dfc_hint(code, "a run record is what a generated script writes in "
			      ".dfc/runs/ of its work folder (docs/run-record.md); this one "
			      "was not recorded");
}

/* An id, quoted for a message (new). */
static int unsafe(struct parse *p, const char *what, const char *id)
{
	char *q = quoted(id);
	int ret = fail(p, DFC_ESECURITY, "%s '%s' is not a valid id", what, q);

	free(q);
	return ret;
}

/* Member `key` of `obj`: a string, or (with `null_ok`) null or absent. */
static int get_string(struct parse *p, const json_t *obj, const char *key, bool null_ok,
		      const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = json_string_value(v);
	if (*out || (null_ok && (!v || json_is_null(v))))
		return 0;
	return fail(p, DFC_EINVALID, "\"%s\" is %s, not a string", key,
		    v ? "of another type" : "missing");
}

static int check_files(struct parse *p, const json_t *step, const char *key)
{
	const json_t *list = json_object_get(step, key), *f;
	const char *s;
	size_t i;
	int ret;

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return fail(p, DFC_EINVALID, "\"%s\" is not an array", key);
	json_array_foreach (list, i, f) {
		const json_t *size = json_object_get(f, "size");

		if (!json_is_object(f))
			return fail(p, DFC_EINVALID, "an entry of \"%s\" is not an object", key);
		if ((ret = get_string(p, f, "id", false, &s)) < 0)
			return ret;
		if (!node_id_is_valid(s))
			return unsafe(p, "dataset", s);
		if ((ret = get_string(p, f, "path", true, &s)) < 0 ||
		    (ret = get_string(p, f, "sha256", true, &s)) < 0)
			return ret;
		if (size && !json_is_null(size) &&
		    (!json_is_integer(size) || json_integer_value(size) < 0))
			return fail(p, DFC_EINVALID, "a \"size\" of \"%s\" is not a size", key);
	}
	return 0;
}

static int check_step(struct parse *p, const json_t *line)
{
	const char *s;
	int ret;

	if ((ret = get_string(p, line, "step", false, &s)) < 0)
		return ret;
	if (!node_id_is_valid(s))
		return unsafe(p, "step", s);
	if ((ret = get_string(p, line, "outcome", false, &s)) < 0 ||
	    (ret = get_string(p, line, "reason", true, &s)) < 0 ||
	    (ret = get_string(p, line, "start", true, &s)) < 0 ||
	    (ret = get_string(p, line, "end", true, &s)) < 0 ||
	    (ret = check_files(p, line, "inputs")) < 0 ||
	    (ret = check_files(p, line, "outputs")) < 0)
		return ret;
	json_array_append(p->rec->steps, (json_t *)line);
	return 0;
}

static int check_skipped(struct parse *p, const json_t *line)
{
	const json_t *steps = json_object_get(line, "steps"), *s;
	size_t i;

	if (!json_is_array(steps))
		return fail(p, DFC_EINVALID, "\"steps\" is not an array");
	json_array_foreach (steps, i, s) {
		if (!json_is_string(s))
			return fail(p, DFC_EINVALID, "a skipped step is not a string");
		if (!node_id_is_valid(json_string_value(s)))
			return unsafe(p, "step", json_string_value(s));
		json_array_append(p->rec->skipped, (json_t *)s);
	}
	return 0;
}

static int check_end(struct parse *p, json_t *line)
{
	static const char *const statuses[] = { "done", "failed", "interrupted" };
	const char *s;
	int ret;

	if (p->rec->end)
		return fail(p, DFC_EINVALID, "a second \"end\" line");
	if ((ret = get_string(p, line, "status", false, &s)) < 0)
		return ret;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		if (!strcmp(s, statuses[i]))
			p->rec->status = statuses[i];
	if (!p->rec->status)
		return fail(p, DFC_EINVALID,
			    "the run's status is none of done, failed, interrupted");
	p->rec->end = json_incref(line);
	return 0;
}

static int check_pipeline(struct parse *p, const json_t *pipeline)
{
	struct run_record *rec = p->rec;
	const json_t *version = json_object_get(pipeline, "version");
	const char *fp;
	int ret;

	if (!json_is_object(pipeline))
		return fail(p, DFC_EINVALID, "\"pipeline\" is not an object");
	if ((ret = get_string(p, pipeline, "id", true, &rec->pipeline_id)) < 0)
		return ret;
	if (rec->pipeline_id && !pipeline_id_is_safe(rec->pipeline_id))
		return unsafe(p, "pipeline", rec->pipeline_id);
	if (version && !json_is_null(version)) {
		if (!json_is_integer(version) || json_integer_value(version) < 1 ||
		    json_integer_value(version) > 1000000000)
			return fail(p, DFC_EINVALID, "\"version\" is not a version number");
		rec->version = (int)json_integer_value(version);
	}
	if ((ret = get_string(p, pipeline, "fingerprint", true, &fp)) < 0)
		return ret;
	if (fp && strlen(fp) == FINGERPRINT_SIZE - 1 &&
	    all_in(fp, FINGERPRINT_SIZE - 1, "0123456789abcdef"))
		memcpy(rec->fingerprint, fp, FINGERPRINT_SIZE);
	else if (fp)
		return fail(p, DFC_EINVALID, "\"fingerprint\" is not 40 hex digits");
	return 0;
}

static int check_run(struct parse *p, json_t *line, const char *expected_id)
{
	struct run_record *rec = p->rec;
	const json_t *format = json_object_get(line, "format");
	const char *target;
	int ret;

	if (!json_is_integer(format) || json_integer_value(format) < 1)
		return fail(p, DFC_EINVALID, "\"format\" is not a format number");
	if (json_integer_value(format) > RUN_RECORD_FORMAT)
		return dfc_hint(fail(p, DFC_EINVALID,
				     "format %lld is newer than this tool reads (%d)",
				     (long long)json_integer_value(format), RUN_RECORD_FORMAT),
				"upgrade data-factory-cli to read it");
	if ((ret = get_string(p, line, "run", false, &rec->id)) < 0)
		return ret;
	if (!run_id_is_valid(rec->id))
		return unsafe(p, "run", rec->id);
	if (expected_id && strcmp(rec->id, expected_id)) {
		char *q = quoted(expected_id);

		ret = fail(p, DFC_EINVALID, "the run id %s is not the file's name (%s.json)",
			   rec->id, q);
		free(q);
		return ret;
	}
	if ((ret = get_string(p, line, "start", true, &rec->start)) < 0 ||
	    (ret = check_pipeline(p, json_object_get(line, "pipeline"))) < 0)
		return ret;
	rec->run = json_incref(line);
	target = json_string_value(json_object_get(json_object_get(line, "script"), "target"));
	p->slurm = target && !strcmp(target, "slurm");
	return 0;
}

static int parse_line(struct parse *p, const char *text, size_t len, const char *expected_id)
{
	json_error_t err;
	json_t *line;
	const char *kind;
	int ret;

	if (len > RUN_RECORD_MAX_LINE)
		return fail(p, DFC_EINVALID, "the line is longer than %zu MiB",
			    RUN_RECORD_MAX_LINE >> 20);
	line = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	/*
	 * Slurm jobs append from several nodes: on a file system without an
	 * atomic append two lines can mix, and readers skip what is garbled
	 * (docs/run-record.md). A run on one machine appends alone.
	 */
	if (!line && p->slurm) {
		p->rec->garbled++;
		return 0;
	}
	if (!line) {
		char *q = quoted(err.text);

		ret = fail(p, DFC_EINVALID, "not JSON: %s", q);
		free(q);
		return ret;
	}
	if (!json_is_object(line)) {
		json_decref(line);
		return fail(p, DFC_EINVALID, "not a JSON object");
	}
	kind = json_string_value(json_object_get(line, "record"));
	if (!p->rec->run && (!kind || strcmp(kind, "run")))
		ret = fail(p, DFC_EINVALID, "the first line is not the \"run\" line");
	else if (!kind)
		ret = fail(p, DFC_EINVALID, "\"record\" is not a string");
	else if (!strcmp(kind, "run"))
		ret = p->rec->run ? fail(p, DFC_EINVALID, "a second \"run\" line")
				  : check_run(p, line, expected_id);
	else if (p->rec->end)
		ret = fail(p, DFC_EINVALID, "a line after the \"end\" line");
	else if (!strcmp(kind, "step"))
		ret = check_step(p, line);
	else if (!strcmp(kind, "skipped"))
		ret = check_skipped(p, line);
	else if (!strcmp(kind, "end"))
		ret = check_end(p, line);
	else
		ret = 0; /* A kind of line added later: fields are added, never changed. */
	json_decref(line);
	return ret;
}

int run_record_parse(struct run_record *rec, const char *name, const char *data, size_t len,
		     const char *expected_id)
{
	struct parse p = { rec, quoted(name), 0, false };
	const char *pos = data, *end = data + len;
	int ret = 0;

	*rec = (struct run_record)RUN_RECORD_INIT;
	rec->steps = json_array();
	rec->skipped = json_array();
	if (len > RUN_RECORD_MAX_BYTES) {
		ret = fail(&p, DFC_EINVALID, "larger than %zu MiB", RUN_RECORD_MAX_BYTES >> 20);
		goto out;
	}
	while (pos < end) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n;

		p.line++;
		/* A last line without its newline was cut short: ignored. */
		if (!nl)
			break;
		n = (size_t)(nl - pos);
		if (n && !all_in(pos, n, " \t\r") &&
		    (ret = parse_line(&p, pos, n, expected_id)) < 0)
			goto out;
		pos = nl + 1;
	}
	p.line = 0;
	if (!rec->run) {
		ret = fail(&p, DFC_EINVALID, "no \"run\" line");
		goto out;
	}
	if (!rec->status)
		rec->status = "unfinished";
out:
	if (ret < 0)
		run_record_release(rec);
	free(p.name);
	return ret;
}

void run_record_release(struct run_record *rec)
{
	json_decref(rec->run);
	json_decref(rec->steps);
	json_decref(rec->skipped);
	json_decref(rec->end);
	*rec = (struct run_record)RUN_RECORD_INIT;
}

json_t *run_record_json(const struct run_record *rec)
{
	return json_pack("{s:O, s:O, s:O, s:O}", "run", rec->run, "steps", rec->steps, "skipped",
			 rec->skipped, "end", rec->end ? rec->end : json_null());
}

bool run_record_time(const char *s, double *out)
{
	int y, mo, d, h, mi, n = 0;
	double sec;
	long long days;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    s[n] != 'Z' || s[n + 1] || mo < 1 || mo > 12)
		return false;
	/* Days from civil (H. Hinnant), so no time zone is involved. */
	y -= mo <= 2;
	{
		long long era = (y >= 0 ? y : y - 399) / 400;
		long long yoe = y - era * 400;
		long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + doe - 719468;
	}
	*out = (double)days * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}

bool run_record_seconds(const char *start, const char *end, double *out)
{
	double a, b;

	if (!run_record_time(start, &a) || !run_record_time(end, &b))
		return false;
	*out = b - a;
	return true;
}
