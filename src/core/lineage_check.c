/*
 * lineage_check.c - whether each content of a lineage is still what the
 * latest version of its pipeline would make (lineage.h).
 */
#include "dfc/lineage.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A version's steps (from its pipeline.json), for comparing one. */
struct version_steps {
	json_t *root;
	struct steps steps;
	json_t *scripts; /* scripts.json: node id -> blob id, or NULL */
};

static int load_steps(struct version_steps *vs, struct store *store, const char *id, int version)
{
	struct buf text = BUF_INIT;
	int ret;

	memset(vs, 0, sizeof(*vs));
	if ((ret = store_read_file(store, id, version, "pipeline.json", &text)) < 0)
		goto out;
	vs->root = json_loadb(text.data, text.len, 0, NULL);
	if (!vs->root || !steps_plan(&vs->steps, vs->root)) {
		ret = dfc_error(DFC_EINTERNAL, "version %d of '%s' has no steps to compare", version,
				id);
		goto out;
	}
	buf_reset(&text);
	if (store_read_file(store, id, version, "scripts.json", &text) == 0)
		vs->scripts = json_loadb(text.data, text.len, 0, NULL);
	dfc_error_clear();
out:
	buf_release(&text);
	return ret;
}

static void release_steps(struct version_steps *vs)
{
	steps_release(&vs->steps);
	json_decref(vs->root);
	json_decref(vs->scripts);
}

static const struct step *find_step(const struct version_steps *vs, const char *id)
{
	for (size_t i = 0; i < vs->steps.nr; i++)
		if (!strcmp(vs->steps.items[i].id, id))
			return &vs->steps.items[i];
	return NULL;
}

static void add_reason(struct buf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_reason(struct buf *why, const char *fmt, ...)
{
	va_list ap;

	if (why->len)
		buf_adds(why, "; ");
	va_start(ap, fmt);
	buf_vaddf(why, fmt, ap);
	va_end(ap);
}

/* What changed in step `sid` between version `ran` and `latest` of `id`. */
static void compare_versions(struct buf *why, struct store *store, const char *id,
			     const char *sid, int ran, int latest)
{
	struct version_steps a = { 0 }, b = { 0 };
	const struct step *sa, *sb;

	if (load_steps(&a, store, id, ran) < 0 || load_steps(&b, store, id, latest) < 0) {
		dfc_error_clear();
		add_reason(why, "version %d cannot be compared with the one that ran", latest);
	} else if (!(sa = find_step(&a, sid)) || !(sb = find_step(&b, sid))) {
		add_reason(why, "step %s is not in version %d", sid, latest);
	} else {
		const json_t *ba = json_object_get(a.scripts, sid);
		const json_t *bb = json_object_get(b.scripts, sid);

		if (!json_equal(sa->command, sb->command))
			add_reason(why, "%s's command changed by version %d", sid, latest);
		if (!json_equal(sa->arguments, sb->arguments))
			add_reason(why, "%s's arguments changed by version %d", sid, latest);
		if ((ba || bb) && !json_equal(ba, bb))
			add_reason(why, "%s's script changed by version %d", sid, latest);
	}
	release_steps(&a);
	release_steps(&b);
}

/* Whether source `f`, read by a run in `workdir`, still has that content here. */
static void compare_source(struct buf *why, const struct lineage_file *f, const char *workdir)
{
	char sha[SHA256_HEX_SIZE], *full;
	unsigned long long size;

	if (!workdir || f->path[0] == '/')
		return;
	full = xasprintf("%s/%s", workdir, f->path);
	if (sha256_file(sha, &size, full) == 0 && strcmp(sha, f->sha256))
		add_reason(why, "input %s changed since", f->path);
	dfc_error_clear();
	free(full);
}

/* Check file `i` once its inputs are checked (`state`: 0 new, 1 on the way, 2 done). */
static void check(struct lineage *l, size_t i, struct store *store, unsigned char *state)
{
	struct lineage_file *f = &l->files[i];
	const char *sid, *workdir;
	struct buf why = BUF_INIT;
	int latest = 0;

	if (state[i])
		return; /* done, or a cycle of contents (a step that rewrote its input) */
	state[i] = 1;
	for (size_t k = 0; k < f->nr_inputs; k++)
		check(l, f->inputs[k], store, state);
	f = &l->files[i];
	state[i] = 2;
	if (!f->run)
		return; /* a source: checked against its reader's folder below */
	sid = json_string_value(json_object_get(f->step, "step"));
	workdir = json_string_value(json_object_get(f->run->rec.run, "workdir"));
	if (!f->run->version) {
		add_reason(&why, "no local version has the content of the run that wrote it");
	} else if (store_latest_version(store, f->run->pipeline_id, &latest) < 0) {
		dfc_error_clear();
		add_reason(&why, "its pipeline is not in this store");
	} else if (latest != f->run->version) {
		compare_versions(&why, store, f->run->pipeline_id, sid ? sid : "",
				 f->run->version, latest);
	}
	for (size_t k = 0; k < f->nr_inputs; k++) {
		const struct lineage_file *in = &l->files[f->inputs[k]];

		if (in->run && !in->current)
			add_reason(&why, "input %s is not current", in->path);
		else if (!in->run)
			compare_source(&why, in, workdir);
	}
	f->current = why.len == 0;
	f->changed = why.len ? buf_detach(&why, NULL) : NULL;
	buf_release(&why);
}

void lineage_check(struct lineage *l, struct store *store)
{
	unsigned char *state = xcalloc(l->nr + 1, 1);

	for (size_t i = 0; i < l->nr; i++)
		check(l, i, store, state);
	free(state);
}
