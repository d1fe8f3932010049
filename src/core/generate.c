/*
 * generate.c - write the self-contained bash script that runs a pipeline,
 * on this machine (SPEC §6) or as Slurm jobs (SPEC §13): its header, the
 * pipeline as data (datasets, steps, Slurm options), then the runtime.
 */
#include "generate_internal.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/ids.h"
#include "dfc/shell.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include "runtime_files_sh.h"
#include "runtime_launch_sh.h"
#include "runtime_local_sh.h"
#include "runtime_record_sh.h"
#include "runtime_state_sh.h"
#include "runtime_sh.h"
#include "runtime_slurm_sh.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Append one argument of edge `e` (its JSON value `arg`, position `k`). */
static int add_argument(struct buf *out, struct gen *g, const struct dag_edge *e, size_t k,
			const json_t *arg)
{
	struct buf text = BUF_INIT;
	const char *ref;
	long pos;

	switch (json_typeof(arg)) {
	case JSON_STRING:
		if (strlen(json_string_value(arg)) != json_string_length(arg))
			return dfc_error(DFC_EINVALID,
					 "argument %zu of edge %zu holds a NUL byte, which no "
					 "command line can carry",
					 k, e->index);
		buf_addch(out, ' ');
		shell_quote(out, json_string_value(arg), json_string_length(arg));
		return 0;
	case JSON_INTEGER:
	case JSON_REAL:
	case JSON_TRUE:
	case JSON_FALSE:
		steps_scalar_word(&text, arg);
		gen_add_word(out, buf_cstr(&text));
		buf_release(&text);
		return 0;
	case JSON_OBJECT:
		ref = json_string_value(json_object_get(arg, "ref"));
		if (ref && json_object_size(arg) == 1 && (pos = dag_find(&g->dag, ref)) >= 0) {
			gen_add_word(out, g->nodes[pos].run_path);
			return 0;
		}
		break;
	default:
		break;
	}
	return dfc_error(DFC_EINVALID,
			 "argument %zu of edge %zu is not a string, number, boolean "
			 "or {\"ref\": <node id>}",
			 k, e->index);
}

/*
 * Append `dfc_<what> 'id'...` for the nodes at the `from` (or `to`) end of
 * the edges in `edges`[start, end) whose type matches, each once.
 */
static void add_node_list(struct buf *out, struct gen *g, const char *what, const size_t *edges,
			  size_t start, size_t end, bool other_is_from, bool want_script)
{
	bool any = false;

	g->mark_gen++;
	for (size_t k = start; k < end; k++) {
		const struct dag_edge *e = &g->dag.edges[edges[k]];
		size_t other = other_is_from ? e->from : e->to;

		if (g->nodes[other].script != want_script || g->mark[other] == g->mark_gen)
			continue;
		g->mark[other] = g->mark_gen;
		if (!any)
			buf_addf(out, "\tdfc_%s", what);
		any = true;
		gen_add_word(out, g->dag.ids[other]);
	}
	if (any)
		buf_addch(out, '\n');
}

/*
 * Slurm: a node's "resources" (validated: plain numbers, sizes and names)
 * as the sbatch options they stand for, in a fixed order.
 */
static void add_resources(struct buf *out, const json_t *node)
{
	static const struct {
		const char *key, *option;
	} map[] = {
		{"cpus", "--cpus-per-task"}, {"mem", "--mem"},	       {"time", "--time"},
		{"partition", "--partition"}, {"gpus", "--gpus"},
	};
	const json_t *res = json_object_get(node, "resources");
	struct buf option = BUF_INIT;
	bool any = false;

	for (size_t k = 0; k < sizeof(map) / sizeof(*map); k++) {
		const json_t *v = json_object_get(res, map[k].key);

		buf_reset(&option);
		if (json_is_integer(v) && json_integer_value(v) > 0)
			buf_addf(&option, "%s=%" JSON_INTEGER_FORMAT, map[k].option,
				 json_integer_value(v));
		else if (json_is_string(v))
			buf_addf(&option, "%s=%s", map[k].option, json_string_value(v));
		else
			continue;
		if (!any)
			buf_adds(out, "\tdfc_resources");
		any = true;
		gen_add_word(out, buf_cstr(&option));
	}
	if (any)
		buf_addch(out, '\n');
	buf_release(&option);
}

static int add_step(struct buf *out, struct gen *g, size_t v, size_t number, size_t total)
{
	const struct gen_node *n = &g->nodes[v];
	const char *id = g->dag.ids[v];
	const char *path = json_string_value(json_object_get(n->json, "path"));
	int ret;

	buf_addf(out, "\n\t# Step %zu of %zu: %s (", number, total, id);
	gen_add_comment_text(out, path ? path : n->file->name);
	if (json_array_size(n->interp)) {
		buf_adds(out, ", run with ");
		gen_add_comment_text(out, json_string_value(json_array_get(n->interp, 0)));
	} else {
		buf_adds(out, ", executed directly");
	}
	buf_adds(out, ")\n\tdfc_step");
	gen_add_word(out, id);
	gen_add_word(out, n->blob);
	buf_addf(out, " %zu", n->file->content.len);
	gen_add_word(out, n->run_path);
	gen_add_word(out, json_array_size(n->interp) ? json_string_value(json_array_get(n->interp, 0))
						   : "");
	buf_addch(out, '\n');
	if (g->in->target == GENERATE_SLURM)
		add_resources(out, n->json);
	add_node_list(out, g, "after", g->in_edges, g->in_start[v], g->in_start[v + 1], true, true);
	add_node_list(out, g, "reads", g->in_edges, g->in_start[v], g->in_start[v + 1], true,
		      false);
	add_node_list(out, g, "writes", g->out_edges, g->out_start[v], g->out_start[v + 1], false,
		      false);
	buf_adds(out, "\tdfc_command");
	for (size_t w = 0; w < json_array_size(n->interp); w++)
		gen_add_word(out, json_string_value(json_array_get(n->interp, w)));
	gen_add_word(out, n->run_path);
	for (size_t k = g->arg_start[v]; k < g->arg_start[v + 1]; k++) {
		const struct dag_edge *e = &g->dag.edges[g->arg_edges[k]];
		const json_t *args =
			json_object_get(json_array_get(g->edges, e->index), "arguments");
		size_t i;
		json_t *arg;

		if (args && !json_is_array(args))
			return dfc_error(DFC_EINVALID,
					 "edge %zu has \"arguments\" that is not an array",
					 e->index);
		json_array_foreach (args, i, arg) {
			if ((ret = add_argument(out, g, e, i, arg)) < 0)
				return ret;
		}
	}
	buf_addch(out, '\n');
	return 0;
}

static void add_dataset(struct buf *out, struct gen *g, size_t v)
{
	const struct gen_node *n = &g->nodes[v];
	const char *url = json_string_value(json_object_get(n->json, "url"));
	const char *sha = json_string_value(json_object_get(n->json, "sha256"));

	buf_adds(out, "\tdfc_dataset");
	gen_add_word(out, g->dag.ids[v]);
	gen_add_word(out, n->run_path);
	if (n->data) {
		buf_adds(out, " --embedded");
		gen_add_word(out, n->blob);
		buf_addf(out, " %zu", n->data->len);
	} else if (url) {
		buf_adds(out, " --url");
		gen_add_word(out, url);
	}
	if (sha) {
		buf_adds(out, " --sha256");
		gen_add_word(out, sha);
	}
	buf_addch(out, '\n');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The header: where the script came from, how to get it again, what it needs. */
static void add_header(struct buf *out, struct gen *g, size_t nr_steps)
{
	const char *name = json_string_value(json_object_get(g->in->pipeline, "name"));
	const char **tools = xcalloc(g->dag.nr_nodes + 2, sizeof(*tools));
	size_t nr = 0;
	bool url = false;

	for (size_t v = 0; v < g->dag.nr_nodes; v++) {
		const char *interp = json_string_value(json_array_get(g->nodes[v].interp, 0));

		if (g->nodes[v].script && interp && strcmp(interp, "bash"))
			tools[nr++] = interp;
		if (!g->nodes[v].script && !g->nodes[v].data &&
		    json_is_string(json_object_get(g->nodes[v].json, "url")))
			url = true;
	}
	if (url)
		tools[nr++] = "curl";
	if (g->in->target == GENERATE_SLURM)
		tools[nr++] = "Slurm's sbatch";
	qsort(tools, nr, sizeof(*tools), cmp_str);
	/*
	 * Arguments are the user's text, single-quoted on purpose: `$(x)`, a
	 * backslash or a typographic quote in them is meant literally.
	 */
	buf_adds(out, "#!/usr/bin/env bash\n"
		      "# shellcheck disable=SC1003,SC1110,SC1111,SC1112,SC2016\n# ");
	gen_add_comment_text(out, name ? name : "pipeline");
	buf_addf(out, ": %zu step%s, generated by data-factory-cli " DFC_VERSION " from\n# ",
		 nr_steps, nr_steps == 1 ? "" : "s");
	gen_add_comment_text(out, g->in->origin ? g->in->origin : "a pipeline");
	buf_adds(out, ".\n# Regenerate it with: ");
	gen_add_comment_text(out, g->in->regenerate ? g->in->regenerate : "data-factory-cli generate");
	buf_adds(out, "\n#\n# Needs bash 4.3 or newer, coreutils");
	for (size_t k = 0; k < nr; k++)
		if (!k || strcmp(tools[k - 1], tools[k])) {
			buf_adds(out, ", ");
			gen_add_comment_text(out, tools[k]);
		}
	buf_adds(out, ". Run it with --help for its options.\n");
	if (g->in->target == GENERATE_SLURM)
		buf_adds(out, "# It submits one Slurm job per step; the run folder (--workdir) must be\n"
			      "# on a filesystem the compute nodes share.\n");
	buf_adds(out, "# Below: the pipeline as data (datasets, then one block per step in the\n"
		      "# order they run), the embedded files, then the runtime, which is the\n"
		      "# same in every generated script. Every argument is single-quoted: the\n"
		      "# shell never expands it.\n");
	free(tools);
}

int generate_target_parse(enum generate_target *out, const char *name)
{
	if (!name || !strcmp(name, "bash"))
		*out = GENERATE_BASH;
	else if (!strcmp(name, "slurm"))
		*out = GENERATE_SLURM;
	else
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown target '%s'", name),
				"use --target bash (the default) or --target slurm");
	return 0;
}

/*
 * Slurm: `dfc_slurm PREFIX ARG...`, the job names' prefix `dfc-<pipeline
 * name or id>` in characters any scheduler shows as they are, and the
 * options for every job.
 */
static void add_slurm(struct buf *out, const struct generate_input *in)
{
	const char *name = json_string_value(json_object_get(in->pipeline, "name"));
	struct buf prefix = BUF_INIT;

	if (!name || !*name)
		name = json_string_value(json_object_get(in->pipeline, "id"));
	buf_adds(&prefix, "dfc-");
	for (const char *p = name && *name ? name : "pipeline"; *p && prefix.len < 68; p++)
		buf_addch(&prefix, gen_plain_char(*p));
	buf_adds(out, "\tdfc_slurm");
	gen_add_word(out, buf_cstr(&prefix));
	for (size_t k = 0; k < in->nr_sbatch_args; k++)
		gen_add_word(out, in->sbatch_args[k]);
	buf_addch(out, '\n');
	buf_release(&prefix);
}

/*
 * The rest of dfc_info: the pipeline's id ('' for a file without one), the
 * version it was read from ('' for a file), and the content fingerprint
 * of what the script runs, which run records carry (docs/run-record.md).
 */
static void add_identity(struct buf *out, const struct gen *g)
{
	const json_t *root = g->in->pipeline;
	const char *id = json_string_value(json_object_get(root, "id"));
	char fingerprint[FINGERPRINT_SIZE];
	char version[16] = "";

	if (g->in->fingerprint && strlen(g->in->fingerprint) == FINGERPRINT_SIZE - 1) {
		memcpy(fingerprint, g->in->fingerprint, FINGERPRINT_SIZE);
	} else {
		json_t *blobs = json_object();

		for (size_t v = 0; v < g->dag.nr_nodes; v++)
			if (g->nodes[v].script)
				json_object_set_new(blobs, g->dag.ids[v],
						    json_string(g->nodes[v].blob));
		content_fingerprint(fingerprint, root, blobs);
		json_decref(blobs);
	}
	if (g->in->version > 0)
		snprintf(version, sizeof(version), "%d", g->in->version);
	gen_add_shown_word(out, id && pipeline_id_is_safe(id) ? id : "");
	gen_add_word(out, version);
	gen_add_word(out, fingerprint);
}

int generate_script(struct buf *out, const struct generate_input *in)
{
	struct gen g = GEN_INIT;
	struct buf body = BUF_INIT;
	const char *name;
	size_t nr_steps = 0, number = 0;
	int ret;

	g.in = in;
	if (!in || !in->pipeline) {
		ret = dfc_error(DFC_EINTERNAL, "generate: no pipeline");
		goto out;
	}
	if ((ret = gen_prepare(&g)) < 0)
		goto out;
	for (size_t v = 0; v < g.dag.nr_nodes; v++)
		nr_steps += g.nodes[v].script;

	name = json_string_value(json_object_get(in->pipeline, "name"));
	buf_adds(&body, "\ndfc_pipeline() {\n\tdfc_info");
	gen_add_shown_word(&body, name ? name : "");
	gen_add_shown_word(&body, in->origin ? in->origin : "");
	gen_add_shown_word(&body, in->regenerate ? in->regenerate : "");
	add_identity(&body, &g);
	buf_addch(&body, '\n');
	if (in->target == GENERATE_SLURM)
		add_slurm(&body, in);
	buf_adds(&body, "\n\t# Datasets: their path in the run folder, where they come from\n");
	for (size_t v = 0; v < g.dag.nr_nodes; v++)
		if (!g.nodes[v].script)
			add_dataset(&body, &g, v);
	for (size_t k = 0; k < g.dag.nr_nodes; k++) {
		size_t v = g.order[k];

		if (!g.nodes[v].script)
			continue;
		if ((ret = add_step(&body, &g, v, ++number, nr_steps)) < 0)
			goto out;
	}
	buf_adds(&body, "}\n");
	gen_add_files(&body, &g);

	add_header(out, &g, nr_steps);
	buf_add(out, body.data, body.len);
	buf_adds(out, "\n# --- Runtime ------------------------------------------------------"
		      "---------\n");
	buf_add(out, dfc_runtime_sh, (size_t)dfc_runtime_sh_len);
	buf_addch(out, '\n');
	buf_add(out, dfc_runtime_files_sh, (size_t)dfc_runtime_files_sh_len);
	buf_addch(out, '\n');
	buf_add(out, dfc_runtime_state_sh, (size_t)dfc_runtime_state_sh_len);
	buf_add(out, dfc_runtime_record_sh, (size_t)dfc_runtime_record_sh_len);
	buf_addch(out, '\n');
	if (in->target == GENERATE_SLURM)
		buf_add(out, dfc_runtime_slurm_sh, (size_t)dfc_runtime_slurm_sh_len);
	else {
		buf_add(out, dfc_runtime_launch_sh, (size_t)dfc_runtime_launch_sh_len);
		buf_add(out, dfc_runtime_local_sh, (size_t)dfc_runtime_local_sh_len);
	}
	buf_adds(out, "\ndfc_main \"$@\"\n");
out:
	buf_release(&body);
	gen_release(&g);
	return ret;
}
