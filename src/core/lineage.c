/* lineage.c - where a file came from, through the recorded runs (lineage.h). */
#include "dfc/lineage.h"

#include "dfc/error.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a content was written: a step of a recorded run. */
struct writer {
	const struct run_entry *run;
	const json_t *step;
	const json_t *file; /* the output line: path, size */
};

void lineage_release(struct lineage *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->files[i].path);
		free(l->files[i].inputs);
		free(l->files[i].changed);
	}
	free(l->files);
	memset(l, 0, sizeof(*l));
}

/*
 * Index every output of every step by its sha256: `by_sha` maps it to a
 * position in `*writers`. The runs come newest first, so the first writer
 * of a content kept is the newest one.
 */
static void index_writers(const struct run_list *runs, json_t *by_sha, struct writer **writers,
			  size_t *nr)
{
	size_t alloc = 0;

	for (size_t r = 0; r < runs->nr; r++) {
		const struct run_entry *e = &runs->items[r];
		size_t i, k;
		json_t *step, *file;

		json_array_foreach (e->rec.steps, i, step) {
			const char *outcome = json_string_value(json_object_get(step, "outcome"));

			if (!outcome || strcmp(outcome, "ran"))
				continue; /* a failed step's outputs are not its work */
			json_array_foreach (json_object_get(step, "outputs"), k, file) {
				const char *sha = json_string_value(json_object_get(file, "sha256"));

				if (!sha || json_object_get(by_sha, sha))
					continue;
				XGROW(*writers, alloc, *nr + 1);
				(*writers)[*nr] = (struct writer){ e, step, file };
				json_object_set_new(by_sha, sha, json_integer((json_int_t)(*nr)++));
			}
		}
	}
}

/* The position of a new file in `l`. */
static size_t add_file(struct lineage *l, const char *path, const char *sha, long long size)
{
	struct lineage_file *f;

	XGROW(l->files, l->alloc, l->nr + 1);
	f = &l->files[l->nr];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path ? path : "");
	snprintf(f->sha256, sizeof(f->sha256), "%s", sha ? sha : "");
	f->size = size;
	f->current = true;
	return l->nr++;
}

void lineage_trace(struct lineage *out, const struct run_list *runs, const char *path,
		   const char sha256[SHA256_HEX_SIZE], long long size)
{
	json_t *by_sha = json_object(), *seen = json_object();
	struct writer *writers = NULL;
	size_t nr_writers = 0;

	index_writers(runs, by_sha, &writers, &nr_writers);
	json_object_set_new(seen, sha256, json_integer((json_int_t)add_file(out, path, sha256, size)));
	/* Files are traced in the order they were added: each once, by content. */
	for (size_t i = 0; i < out->nr; i++) {
		const json_t *pos = json_object_get(by_sha, out->files[i].sha256);
		const struct writer *w;
		size_t k;
		json_t *input;

		if (!pos)
			continue; /* a source: no recorded run wrote it */
		w = &writers[json_integer_value(pos)];
		out->files[i].run = w->run;
		out->files[i].step = w->step;
		json_array_foreach (json_object_get(w->step, "inputs"), k, input) {
			const char *sha = json_string_value(json_object_get(input, "sha256"));
			const char *ipath = json_string_value(json_object_get(input, "path"));
			const json_t *isize = json_object_get(input, "size");
			const json_t *known;
			size_t at;

			if (!sha)
				continue; /* missing when the step ran: nothing to trace */
			if ((known = json_object_get(seen, sha))) {
				at = (size_t)json_integer_value(known);
			} else {
				at = add_file(out, ipath, sha,
					      json_is_integer(isize) ? json_integer_value(isize) : -1);
				json_object_set_new(seen, sha, json_integer((json_int_t)at));
			}
			/* add_file() may have moved `out->files`: index it again. */
			out->files[i].inputs = xrealloc(out->files[i].inputs,
							(out->files[i].nr_inputs + 1) * sizeof(size_t));
			out->files[i].inputs[out->files[i].nr_inputs++] = at;
		}
	}
	free(writers);
	json_decref(by_sha);
	json_decref(seen);
}
