/* init_guess.c - init's best guess from what the scripts say (init_plan.h). */
#include "dfc/init_plan.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_output(const struct init_arg *a)
{
	return a->dir == INIT_ARG_OUTPUT && !a->not_file;
}

/* An input, or a value that may be one given some evidence (`*weak`). */
static bool is_input(const struct init_arg *a, bool *weak)
{
	*weak = false;
	if (a->not_file || a->dir == INIT_ARG_OUTPUT)
		return false;
	if (a->dir == INIT_ARG_INPUT || a->position || a->required || a->file)
		return true;
	/* `--left` alone says nothing; a same-named dataset or a default may. */
	*weak = true;
	return true;
}

/* The plan, and who writes and how many read each node, kept up to date. */
struct guess {
	struct init_plan *plan;
	long *writer;
	size_t *readers;
};

static bool links_script(const struct init_plan *plan, size_t dataset, size_t script)
{
	return init_plan_has_link(plan, dataset, script, false) ||
	       init_plan_has_link(plan, dataset, script, true);
}

static int link_arg(struct guess *g, size_t dataset, size_t script, bool write,
		    const struct init_arg *a)
{
	if (links_script(g->plan, dataset, script))
		return -1;
	if (init_plan_link_at(g->plan, dataset, script, write, a->option ? a->option : "",
			      a->position) < 0) {
		dfc_error_clear();
		return -1;
	}
	if (g->writer && write)
		g->writer[dataset] = (long)script;
	else if (g->readers)
		g->readers[dataset]++;
	return 0;
}

/* The dataset a default names: at `<prefix><def>`, or by its file name. */
static long dataset_of_default(const struct init_plan *plan, const char *def, const char *prefix)
{
	char *path = xasprintf("%s%s", prefix, def);
	long d = init_plan_find_path(plan, path);

	free(path);
	for (size_t i = 0; d < 0 && i < plan->nr_nodes; i++)
		if (plan->nodes[i].kind == INIT_DATASET &&
		    init_mention_find(def, strlen(def), plan->nodes[i].path) != INIT_MENTION_NONE)
			d = (long)i;
	return d;
}

/*
 * A default that can be a new dataset: a usable path to a data file,
 * without `./` in front, and no shell or template expansion (`$`, `{`, `~`).
 */
static const char *new_path(const char *def)
{
	while (!strncmp(def, "./", 2))
		def += 2;
	if (!init_path_usable(def) || strpbrk(def, "\\$`{}~*?") ||
	    init_scan_classify(def) != INIT_DATASET)
		return NULL;
	return def;
}

static enum init_mention *mentions(const struct init_plan *plan, const char *text, size_t len)
{
	enum init_mention *m = xcalloc(plan->nr_nodes + 1, sizeof(*m));

	for (size_t d = 0; d < plan->nr_nodes; d++)
		if (plan->nodes[d].kind == INIT_DATASET)
			m[d] = init_mention_find(text, len, plan->nodes[d].path);
	return m;
}

static void guess_outputs(struct init_plan *plan, size_t script, const char *text, size_t len,
			  const char *prefix)
{
	struct guess g = { plan, NULL, NULL };
	enum init_mention *m = mentions(plan, text, len);
	size_t nr = plan->nr_nodes;

	for (size_t i = 0; i < plan->nodes[script].args.nr; i++) {
		const struct init_arg *a = &plan->nodes[script].args.items[i];
		long d = -1;

		if (!is_output(a))
			continue;
		if (a->def && (d = dataset_of_default(plan, a->def, prefix)) < 0 &&
		    new_path(a->def)) {
			char *path = xasprintf("%s%s", prefix, new_path(a->def));

			d = (long)init_plan_add_dataset(plan, path, true);
			free(path);
		}
		if (d >= 0 && link_arg(&g, (size_t)d, script, true, a) == 0)
			continue;
		for (size_t k = 0; k < nr && d != -2; k++)
			if (m[k] == INIT_MENTION_WRITE && link_arg(&g, k, script, true, a) == 0)
				d = -2;
		if (d != -2)
			link_arg(&g, init_plan_proposed_output(plan, script, a->label, prefix),
				 script, true, a);
	}
	free(m);
}

/* Whether the dataset's id or file name is the label (`--lookup`, lookup.csv). */
static bool named_like(const struct init_node *n, const char *label)
{
	char *stem = init_id_from_name(n->path);
	bool same = label && (!strcasecmp(n->id, label) || !strcasecmp(stem, label));

	free(stem);
	return same;
}

/* Try the datasets `pick` accepts, in node order; true once one linked. */
static bool try_each(struct guess *g, size_t script, const struct init_arg *a,
		     bool (*pick)(const struct guess *, size_t, const void *), const void *data)
{
	for (size_t d = 0; d < g->plan->nr_nodes; d++)
		if (g->plan->nodes[d].kind == INIT_DATASET && pick(g, d, data) &&
		    link_arg(g, d, script, false, a) == 0)
			return true;
	return false;
}

static bool pick_named(const struct guess *g, size_t d, const void *label)
{
	return named_like(&g->plan->nodes[d], label);
}

static bool pick_mentioned(const struct guess *g, size_t d, const void *m)
{
	(void)g;
	return ((const enum init_mention *)m)[d] == INIT_MENTION_READ;
}

static bool pick_unused(const struct guess *g, size_t d, const void *data)
{
	(void)data;
	return !g->plan->nodes[d].is_new && !g->readers[d] && g->writer[d] < 0;
}

static bool pick_source(const struct guess *g, size_t d, const void *data)
{
	(void)data;
	return !g->plan->nodes[d].is_new && g->writer[d] < 0;
}

/* An output of the nearest script before `script` that no one reads yet. */
static bool chain(struct guess *g, size_t script, const struct init_arg *a)
{
	size_t n = g->plan->nr_nodes;
	bool *tried = xcalloc(n + 1, sizeof(*tried)), linked = false;

	for (;;) {
		long best = -1;

		for (size_t d = 0; d < n; d++)
			if (!tried[d] && g->writer[d] >= 0 && g->writer[d] < (long)script &&
			    !g->readers[d] && (best < 0 || g->writer[d] > g->writer[best]))
				best = (long)d;
		if (best < 0 || (linked = link_arg(g, (size_t)best, script, false, a) == 0))
			break;
		tried[best] = true;
	}
	free(tried);
	return linked;
}

static void guess_inputs(struct guess *g, size_t script, const char *text, size_t len,
			 const char *prefix)
{
	struct init_plan *plan = g->plan;
	enum init_mention *m = mentions(plan, text, len);
	const struct init_arg none = { 0 };

	for (size_t i = 0; i < plan->nodes[script].args.nr; i++) {
		const struct init_arg *a = &plan->nodes[script].args.items[i];
		bool weak;
		long d;

		if (!is_input(a, &weak))
			continue;
		if (a->def && (d = dataset_of_default(plan, a->def, prefix)) >= 0 &&
		    link_arg(g, (size_t)d, script, false, a) == 0)
			continue;
		if (try_each(g, script, a, pick_named, a->label) || weak)
			continue;
		if (try_each(g, script, a, pick_mentioned, m) || chain(g, script, a) ||
		    try_each(g, script, a, pick_unused, NULL))
			continue;
		try_each(g, script, a, pick_source, NULL);
	}
	/* What the script names itself: a dependency, with no argument. */
	for (size_t d = 0; d < plan->nr_nodes; d++)
		if (m[d] != INIT_MENTION_NONE)
			link_arg(g, d, script, m[d] == INIT_MENTION_WRITE, &none);
	free(m);
}

/* The script's text, or false when it cannot be read or is too large. */
static bool read_script(const struct init_plan *plan, size_t s, const char *base_dir,
			struct buf *text)
{
	const char *path = plan->nodes[s].path;
	char *full = path[0] == '/' ? xstrdup(path) : fs_path_join(base_dir, path);
	bool ok = fs_read_file(text, full, INIT_MAX_SCRIPT_BYTES) == 0;

	if (!ok)
		dfc_error_clear();
	free(full);
	return ok;
}

/* Script, then reads before writes, then the order made (qsort is not stable). */
static int by_script(const void *a, const void *b)
{
	const struct init_link *x = a, *y = b;

	if (x->script != y->script)
		return x->script < y->script ? -1 : 1;
	if (x->write != y->write)
		return x->write ? 1 : -1;
	return (x->made > y->made) - (x->made < y->made);
}

void init_plan_guess(struct init_plan *plan, const char *base_dir, const char *prefix)
{
	/* Scripts are scanned nodes; new datasets only come after them. */
	size_t nr = plan->nr_nodes;
	struct buf text = BUF_INIT;
	struct guess g = { plan, NULL, NULL };

	/* Outputs first, so that any script can read any other's. */
	for (size_t s = 0; s < nr; s++) {
		if (plan->nodes[s].kind != INIT_SCRIPT)
			continue;
		buf_reset(&text);
		if (!read_script(plan, s, base_dir, &text))
			continue;
		init_args_release(&plan->nodes[s].args);
		init_args_parse(&plan->nodes[s].args, plan->nodes[s].path, buf_cstr(&text),
				text.len);
		if (plan->nodes[s].args.nr)
			guess_outputs(plan, s, buf_cstr(&text), text.len, prefix);
		else
			init_plan_guess_script(plan, s, buf_cstr(&text), text.len);
	}
	g.writer = xcalloc(plan->nr_nodes + 1, sizeof(*g.writer));
	g.readers = xcalloc(plan->nr_nodes + 1, sizeof(*g.readers));
	for (size_t d = 0; d < plan->nr_nodes; d++)
		g.writer[d] = -1;
	for (size_t i = 0; i < plan->nr_links; i++) {
		const struct init_link *l = &plan->links[i];

		if (l->write)
			g.writer[l->dataset] = (long)l->script;
		else
			g.readers[l->dataset]++;
	}
	for (size_t s = 0; s < nr; s++) {
		if (plan->nodes[s].kind != INIT_SCRIPT || !plan->nodes[s].args.nr)
			continue;
		buf_reset(&text);
		if (read_script(plan, s, base_dir, &text))
			guess_inputs(&g, s, buf_cstr(&text), text.len, prefix);
	}
	free(g.writer);
	free(g.readers);
	buf_release(&text);
	/* The file reads script by script, each one's reads first. */
	for (size_t i = 0; i < plan->nr_links; i++)
		plan->links[i].made = i;
	if (plan->nr_links > 1)
		qsort(plan->links, plan->nr_links, sizeof(*plan->links), by_script);
}
