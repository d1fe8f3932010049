/*
 * report.c - a recorded run as one self-contained HTML page, or as a
 * mermaid gantt chart (report.h).
 */
#include "dfc/report.h"

#include "report_internal.h"

#include <stdio.h>
#include <string.h>

/* Width of the timeline's bars at most, in SVG units. */
#define TIMELINE_W 640
#define BAR_H 22
#define LABEL_W 180

void report_escape(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(out, "\\x%02x", c); /* seen, never obeyed */
			else
				buf_addch(out, (char)c);
		}
	}
}

static const json_t *step_line(const struct run_record *rec, const char *id)
{
	size_t i;
	json_t *step;

	json_array_foreach (rec->steps, i, step) {
		const char *sid = json_string_value(json_object_get(step, "step"));

		if (sid && !strcmp(sid, id))
			return step;
	}
	return NULL;
}

const char *report_outcome(const struct run_record *rec, const char *id)
{
	const json_t *step = step_line(rec, id);
	size_t i;
	json_t *s;

	if (step) {
		const char *o = json_string_value(json_object_get(step, "outcome"));

		return o && !strcmp(o, "failed") ? "failed" : "ran";
	}
	json_array_foreach (rec->skipped, i, s)
		if (json_string_value(s) && !strcmp(json_string_value(s), id))
			return "skipped";
	return "not-run";
}

static const char *member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void add_row(struct buf *out, const char *name, const char *value)
{
	buf_adds(out, "<tr><th>");
	buf_adds(out, name);
	buf_adds(out, "</th><td>");
	report_escape(out, value ? value : "-");
	buf_adds(out, "</td></tr>\n");
}

static void add_seconds(struct buf *out, double s)
{
	int minutes = (int)(s / 60);

	if (s < 60)
		buf_addf(out, "%.2f s", s);
	else
		buf_addf(out, "%dm%02ds", minutes, (int)(s - minutes * 60));
}

static void add_summary(struct buf *out, const struct run_record *rec, int linked)
{
	const json_t *pipeline = json_object_get(rec->run, "pipeline");
	const char *end = rec->end ? member(rec->end, "end") : NULL;
	char version[64] = "-";
	double took;

	if (rec->version > 0)
		snprintf(version, sizeof(version), "%d", rec->version);
	else if (linked > 0)
		snprintf(version, sizeof(version), "a file with the content of version %d", linked);
	buf_adds(out, "<table class=\"summary\">\n");
	add_row(out, "pipeline", member(pipeline, "name"));
	add_row(out, "id", rec->pipeline_id);
	add_row(out, "version", rec->version > 0 || linked > 0 ? version : "a file (no version)");
	add_row(out, "content", rec->fingerprint[0] ? rec->fingerprint : NULL);
	add_row(out, "run", rec->id);
	add_row(out, "host", member(rec->run, "host"));
	add_row(out, "user", member(rec->run, "user"));
	add_row(out, "folder", member(rec->run, "workdir"));
	add_row(out, "started", rec->start);
	add_row(out, "ended", end);
	buf_adds(out, "<tr><th>outcome</th><td><span class=\"status ");
	report_escape(out, rec->status);
	buf_adds(out, "\">");
	report_escape(out, rec->status);
	buf_addf(out, "</span> %zu ran, %zu up to date, ", json_array_size(rec->steps),
		 json_array_size(rec->skipped));
	if (end && run_record_seconds(rec->start, end, &took)) {
		buf_adds(out, "in ");
		add_seconds(out, took);
	}
	buf_adds(out, "</td></tr>\n</table>\n");
}

/* The timeline: a bar per step that ran or failed, from the run's start. */
static void add_timeline(struct buf *out, const struct run_record *rec)
{
	size_t i, n = json_array_size(rec->steps);
	double total = 0, from, to;
	json_t *step;

	json_array_foreach (rec->steps, i, step)
		if (run_record_seconds(rec->start, member(step, "end"), &to) && to > total)
			total = to;
	if (total <= 0)
		total = 1;
	buf_addf(out,
		 "<svg class=\"timeline\" role=\"img\" aria-label=\"when each step ran\" "
		 "viewBox=\"0 0 %d %zu\" width=\"%d\">\n",
		 LABEL_W + TIMELINE_W + 90, n * (BAR_H + 6) + 6, LABEL_W + TIMELINE_W + 90);
	json_array_foreach (rec->steps, i, step) {
		const char *id = member(step, "step");
		long y = (long)(i * (BAR_H + 6) + 6);
		double x, w;

		if (!run_record_seconds(rec->start, member(step, "start"), &from) ||
		    !run_record_seconds(rec->start, member(step, "end"), &to) || to < from)
			from = to = 0;
		x = LABEL_W + from / total * TIMELINE_W;
		w = (to - from) / total * TIMELINE_W;
		buf_addf(out, "<g class=\"bar %s\" data-step=\"", report_outcome(rec, id ? id : ""));
		report_escape(out, id);
		buf_addf(out, "\"><text class=\"name\" x=\"%d\" y=\"%ld\">", LABEL_W - 8,
			 y + BAR_H - 7);
		report_escape(out, id);
		buf_addf(out, "</text><rect x=\"%.1f\" y=\"%ld\" width=\"%.1f\" height=\"%d\"/>",
			 x, y, w < 2 ? 2 : w, BAR_H);
		buf_addf(out, "<text class=\"took\" x=\"%.1f\" y=\"%ld\">", x + (w < 2 ? 2 : w) + 6,
			 y + BAR_H - 7);
		add_seconds(out, to - from);
		buf_adds(out, "</text></g>\n");
	}
	buf_adds(out, "</svg>\n");
}

static void add_files(struct buf *out, const json_t *files)
{
	size_t i;
	json_t *f;

	json_array_foreach (files, i, f) {
		const char *sha = member(f, "sha256");

		buf_adds(out, "<div>");
		report_escape(out, member(f, "path"));
		if (json_is_integer(json_object_get(f, "size")))
			buf_addf(out, " <span class=\"size\">%lld B</span>",
				 (long long)json_integer_value(json_object_get(f, "size")));
		if (sha) {
			buf_adds(out, " <code title=\"");
			report_escape(out, sha);
			buf_adds(out, "\">");
			buf_add(out, sha, strnlen(sha, 12));
			buf_adds(out, "</code>");
		} else {
			buf_adds(out, " <em>missing</em>");
		}
		buf_adds(out, "</div>");
	}
}

static void add_steps_table(struct buf *out, const struct run_record *rec)
{
	size_t i;
	json_t *step, *id;
	double took;

	buf_adds(out, "<div class=\"scroll\"><table class=\"steps\">\n<thead><tr><th>step</th>"
		      "<th>outcome</th><th>why</th><th>time</th><th>read</th><th>wrote</th>"
		      "</tr></thead><tbody>\n");
	json_array_foreach (rec->steps, i, step) {
		const char *sid = member(step, "step");

		buf_adds(out, "<tr data-step=\"");
		report_escape(out, sid);
		buf_adds(out, "\"><td>");
		report_escape(out, sid);
		buf_addf(out, "</td><td class=\"%s\">%s", report_outcome(rec, sid ? sid : ""),
			 report_outcome(rec, sid ? sid : ""));
		if (json_is_integer(json_object_get(step, "exit")) &&
		    json_integer_value(json_object_get(step, "exit")))
			buf_addf(out, " (exit %lld)",
				 (long long)json_integer_value(json_object_get(step, "exit")));
		buf_adds(out, "</td><td>");
		report_escape(out, member(step, "reason"));
		buf_adds(out, "</td><td>");
		if (run_record_seconds(member(step, "start"), member(step, "end"), &took))
			add_seconds(out, took);
		buf_adds(out, "</td><td>");
		add_files(out, json_object_get(step, "inputs"));
		buf_adds(out, "</td><td>");
		add_files(out, json_object_get(step, "outputs"));
		buf_adds(out, "</td></tr>\n");
	}
	json_array_foreach (rec->skipped, i, id) {
		buf_adds(out, "<tr data-step=\"");
		report_escape(out, json_string_value(id));
		buf_adds(out, "\"><td>");
		report_escape(out, json_string_value(id));
		buf_adds(out, "</td><td class=\"skipped\">skipped</td><td>up to date</td>"
			      "<td></td><td></td><td></td></tr>\n");
	}
	buf_adds(out, "</tbody></table></div>\n");
}

static const char style[] =
	":root{--ran:#2e7d32;--ran-bg:#e8f5e9;--failed:#c62828;--failed-bg:#ffebee;"
	"--skipped:#757575;--skipped-bg:#f5f5f5;--data:#1565c0;--data-bg:#e3f2fd}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
	"max-width:1100px;padding:12px;color:#212121}\n"
	"h1{font-size:1.35em;margin:.3em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}\n"
	"table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;"
	"padding:3px 8px;border-bottom:1px solid #e0e0e0}\n"
	".summary th{color:#616161;font-weight:normal}.summary td{word-break:break-all}\n"
	".scroll{overflow-x:auto}.steps{min-width:640px;width:100%}\n"
	"code{font-size:.9em}.size{color:#616161}\n"
	"svg{max-width:100%;height:auto;display:block}\n"
	".graph text,.timeline text{font-size:13px;fill:#212121}\n"
	".graph text{text-anchor:middle}.graph text.sub{font-size:11px;fill:#616161}\n"
	".graph .node rect{stroke-width:2}\n"
	".node.ran rect{fill:var(--ran-bg);stroke:var(--ran)}"
	".node.failed rect{fill:var(--failed-bg);stroke:var(--failed)}"
	".node.skipped rect{fill:var(--skipped-bg);stroke:var(--skipped)}"
	".node.not-run rect{fill:#fff;stroke:#9e9e9e;stroke-dasharray:4 3}"
	".node.data rect{fill:var(--data-bg);stroke:var(--data)}\n"
	".edge{fill:none;stroke:#9e9e9e;stroke-width:1.5}marker path{fill:#9e9e9e}\n"
	".timeline .name{text-anchor:end}.bar.ran rect{fill:var(--ran)}"
	".bar.failed rect{fill:var(--failed)}\n"
	"td.ran{color:var(--ran)}td.failed{color:var(--failed);font-weight:bold}"
	"td.skipped{color:var(--skipped)}\n"
	".status{padding:1px 6px;border-radius:3px;color:#fff;background:var(--skipped)}"
	".status.done{background:var(--ran)}.status.failed{background:var(--failed)}\n"
	".hl rect{stroke-width:4}tr.hl{background:#fff8e1}\n"
	"@media print{body{max-width:none}.scroll{overflow:visible}a{color:inherit}}\n";

/* Pointing at a step in the graph, the timeline or the table marks it in all three. */
static const char script[] =
	"(function(){var all=document.querySelectorAll('[data-step]');"
	"function mark(id,on){for(var i=0;i<all.length;i++)"
	"if(all[i].getAttribute('data-step')===id)all[i].classList.toggle('hl',on);}"
	"for(var i=0;i<all.length;i++){var e=all[i];"
	"e.addEventListener('mouseenter',function(){mark(this.getAttribute('data-step'),true);});"
	"e.addEventListener('mouseleave',function(){mark(this.getAttribute('data-step'),false);});}"
	"document.documentElement.setAttribute('data-ready',String(all.length));})();\n";

void report_html(struct buf *out, const struct run_record *rec, const json_t *pipeline,
		 int version)
{
	const char *name = member(json_object_get(rec->run, "pipeline"), "name");

	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		      "<title>run ");
	report_escape(out, rec->id);
	if (name && *name) {
		buf_adds(out, " of ");
		report_escape(out, name);
	}
	buf_adds(out, "</title>\n<style>\n");
	buf_adds(out, style);
	buf_adds(out, "</style></head><body>\n<h1>Run ");
	report_escape(out, rec->id);
	if (name && *name) {
		buf_adds(out, " of ");
		report_escape(out, name);
	}
	buf_adds(out, "</h1>\n");
	add_summary(out, rec, version);
	buf_adds(out, "<h2>Graph</h2>\n");
	report_graph_svg(out, rec, pipeline);
	buf_adds(out, "<h2>Timeline</h2>\n");
	add_timeline(out, rec);
	buf_adds(out, "<h2>Steps</h2>\n");
	add_steps_table(out, rec);
	buf_adds(out, "<script>\n");
	buf_adds(out, script);
	buf_adds(out, "</script>\n</body></html>\n");
}

/* A mermaid gantt task name: what its grammar takes (no ':', '#' or ';'). */
static void add_task_name(struct buf *out, const char *id)
{
	for (; id && *id; id++)
		buf_addch(out, strchr(":#;\n\r", *id) ? '_' : *id);
}

void report_mermaid(struct buf *out, const struct run_record *rec)
{
	static const char *const sections[] = { "ran", "failed" };
	size_t i;
	json_t *step;
	double from, to;

	buf_adds(out, "gantt\n    title run ");
	add_task_name(out, rec->id);
	buf_adds(out, "\n    dateFormat x\n    axisFormat %H:%M:%S\n");
	for (size_t s = 0; s < 2; s++) {
		bool header = false;

		json_array_foreach (rec->steps, i, step) {
			const char *id = member(step, "step");

			if (!id || strcmp(report_outcome(rec, id), sections[s]) ||
			    !run_record_time(member(step, "start"), &from) ||
			    !run_record_time(member(step, "end"), &to))
				continue;
			if (!header)
				buf_addf(out, "    section %s\n", sections[s]);
			header = true;
			buf_adds(out, "    ");
			add_task_name(out, id);
			buf_addf(out, " :%s, %.0f, %.0f\n", s ? "crit" : "done", from * 1000,
				 to * 1000 > from * 1000 ? to * 1000 : from * 1000 + 1);
		}
	}
}
