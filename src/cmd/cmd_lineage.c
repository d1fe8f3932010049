/* cmd_lineage.c - where a file came from: the run, step and version that wrote it. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/lineage.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *id;
static const char *format = "text";

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "look among the runs of this pipeline only"),
	OPT_STRING(0, "format", &format, "FORMAT", "text (default), json, mermaid or dot"),
	OPT_END(),
};

static const char *const usage[] = {
	"lineage PATH [-i ID] [--format text|json|mermaid|dot]",
	NULL,
};

static const char *step_id(const struct lineage_file *f)
{
	const char *s = json_string_value(json_object_get(f->step, "step"));

	return s ? s : "";
}

/* Member `key` of the run line of the run that wrote `f`, or JSON null. */
static json_t *run_member(const struct lineage_file *f, const char *key)
{
	json_t *v = json_object_get(f->run->rec.run, key);

	return v ? v : json_null();
}

static void print_text(const struct lineage *l, size_t i, int depth, unsigned char *shown)
{
	const struct lineage_file *f = &l->files[i];
	char size[32] = "";

	if (f->size >= 0)
		snprintf(size, sizeof(size), "  %lld bytes", f->size);
	if (!f->run) {
		cmd_print_line(stdout, "%*s%s  sha256 %.12s%s  source: no recorded run wrote it",
			       depth * 4, "", f->path, f->sha256, size);
		return;
	}
	cmd_print_line(stdout, "%*s%s  sha256 %.12s%s", depth * 4, "", f->path, f->sha256, size);
	if (shown[i]) {
		cmd_print_line(stdout, "%*s  (traced above)", depth * 4, "");
		return;
	}
	shown[i] = 1;
	cmd_print_line(stdout, "%*s  written by step %s of run %s", depth * 4, "", step_id(f),
		       f->run->rec.id);
	if (f->run->version)
		cmd_print_line(stdout, "%*s  pipeline %s version %d (commit %.12s), on %s", depth * 4,
			       "", f->run->pipeline_id, f->run->version, f->run->version_commit,
			       json_is_string(run_member(f, "host"))
				       ? json_string_value(run_member(f, "host"))
				       : "an unnamed host");
	else
		cmd_print_line(stdout, "%*s  pipeline %s, content %.12s (no local version has it)",
			       depth * 4, "", f->run->pipeline_id, f->run->rec.fingerprint);
	if (f->current)
		cmd_print_line(stdout, "%*s  current: the latest version would make it the same way",
			       depth * 4, "");
	else
		cmd_print_line(stdout, "%*s  not current: %s", depth * 4, "", f->changed);
	for (size_t k = 0; k < f->nr_inputs; k++) {
		if (k == 0)
			cmd_print_line(stdout, "%*s  from:", depth * 4, "");
		print_text(l, f->inputs[k], depth + 1, shown);
	}
}

static json_t *file_json(const struct lineage *l, size_t i)
{
	const struct lineage_file *f = &l->files[i];
	json_t *o = json_pack("{s:s,s:s}", "path", f->path, "sha256", f->sha256);
	json_t *inputs = json_array();

	json_object_set_new(o, "size", f->size >= 0 ? json_integer(f->size) : json_null());
	if (!f->run) {
		json_object_set_new(o, "source", json_true());
		json_decref(inputs);
		return o;
	}
	json_object_set_new(o, "source", json_false());
	json_object_set_new(o, "run", json_string(f->run->rec.id));
	json_object_set_new(o, "step", json_string(step_id(f)));
	json_object_set_new(o, "pipeline", json_string(f->run->pipeline_id));
	json_object_set_new(o, "version",
			    f->run->version ? json_integer(f->run->version) : json_null());
	json_object_set_new(o, "commit", f->run->version ? json_string(f->run->version_commit)
							 : json_null());
	json_object_set(o, "host", run_member(f, "host"));
	json_object_set(o, "ended",
			json_object_get(f->step, "end") ? json_object_get(f->step, "end") : json_null());
	json_object_set_new(o, "current", json_boolean(f->current));
	json_object_set_new(o, "changed", f->changed ? json_string(f->changed) : json_null());
	for (size_t k = 0; k < f->nr_inputs; k++)
		json_array_append_new(inputs, json_string(l->files[f->inputs[k]].sha256));
	json_object_set_new(o, "inputs", inputs);
	return o;
}

/* The lineage as a mermaid flowchart or a graphviz graph: files, and the steps that wrote them. */
static void print_graph(const struct lineage *l, bool dot)
{
	printf(dot ? "digraph lineage {\n  rankdir=LR;\n" : "flowchart LR\n");
	for (size_t i = 0; i < l->nr; i++) {
		const struct lineage_file *f = &l->files[i];
		struct buf label = BUF_INIT;

		/* Paths and ids come from records: quoted, and without what ends a label. */
		for (const char *p = f->path; *p; p++)
			buf_addch(&label, strchr("\"\\[]{}<>|`#;", *p) || (unsigned char)*p < 0x20
						  ? '_'
						  : *p);
		if (dot)
			printf("  f%zu [shape=note, label=\"%s\\n%.12s\"];\n", i, buf_cstr(&label),
			       f->sha256);
		else
			printf("  f%zu[\"%s<br/>%.12s\"]\n", i, buf_cstr(&label), f->sha256);
		buf_release(&label);
		if (!f->run)
			continue;
		if (dot)
			printf("  s%zu [shape=box, label=\"%s\\nrun %s\"%s];\n  s%zu -> f%zu;\n", i,
			       step_id(f), f->run->rec.id, f->current ? "" : ", color=red", i, i);
		else
			printf("  s%zu{{\"%s<br/>run %s\"}} --> f%zu\n", i, step_id(f), f->run->rec.id,
			       i);
		for (size_t k = 0; k < f->nr_inputs; k++)
			printf(dot ? "  f%zu -> s%zu;\n" : "  f%zu --> s%zu\n", f->inputs[k], i);
	}
	if (dot)
		printf("}\n");
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run_list runs = RUN_LIST_INIT;
	struct lineage l = LINEAGE_INIT;
	char sha[SHA256_HEX_SIZE];
	unsigned long long size;
	int ret;

	(void)argc;
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "mermaid") &&
	    strcmp(format, "dot"))
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown format '%s'", format),
				"--format takes text, json, mermaid or dot");
	if ((ret = sha256_file(sha, &size, argv[0])) < 0)
		return ret;
	if ((id && (ret = cmd_resolve_id(ctx, &id)) < 0) ||
	    (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = runs_list_of(&ctx->store, id, &runs)) < 0)
		goto out;
	lineage_trace(&l, &runs, argv[0], sha, (long long)size);
	if (!l.files[0].run) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND,
					 "no recorded run wrote this content of %s (sha256 %.12s)",
					 argv[0], sha),
			       "'" PROG " run' records its runs; 'runs import DIR' those of a "
			       "script run elsewhere; 'sync' brings a teammate's shared runs");
		goto out;
	}
	lineage_check(&l, &ctx->store);
	if (!strcmp(format, "json")) {
		json_t *files = json_array();

		for (size_t i = 0; i < l.nr; i++)
			json_array_append_new(files, file_json(&l, i));
		cmd_print_json(json_pack("{s:s,s:o}", "file", l.files[0].sha256, "files", files));
	} else if (!strcmp(format, "text")) {
		unsigned char *shown = xcalloc(l.nr + 1, 1);

		print_text(&l, 0, 0, shown);
		free(shown);
	} else {
		print_graph(&l, !strcmp(format, "dot"));
	}
out:
	lineage_release(&l);
	run_list_release(&runs);
	return ret;
}

const struct command cmd_lineage = {
	.name = "lineage",
	.summary = "where a file came from: the run, step and version that wrote its content",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
