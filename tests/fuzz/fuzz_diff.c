/*
 * fuzz_diff.c - diff_pipelines() and its text, json and mermaid formatters.
 *
 * An input without a NUL byte is one pipeline, diffed with itself (the same
 * tree, and a deep copy of it): for a valid pipeline there must be no
 * change at all, no text, and a json document with an empty "changes".
 * An input with a NUL byte is two pipelines, the bytes before the first
 * NUL and those after it (the parser refuses NUL bytes, so no pipeline is
 * lost), diffed one against the other to look for crashes and leaks; when
 * both are valid and hold the same value, the diff must be empty too.
 * A top-level "scripts" member of each, whatever it holds, is passed as
 * that side's map of script contents.
 */
#include "fuzz.h"

#include "dfc/buf.h"
#include "dfc/diff.h"
#include "dfc/error.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"
#include "dfc/validate.h"

#include <string.h>

/* Parse and validate; returns the root (borrowed from `p`) or NULL. */
static json_t *load(struct pipeline *p, const char *name, const char *data, size_t len, int *valid)
{
	struct problems problems = PROBLEMS_INIT;

	*valid = 0;
	if (!pipeline_parse(p, name, data, len, &problems))
		*valid = pipeline_validate(p->root, &problems) == 0;
	problems_release(&problems);
	return p->root;
}

/* Diff, format every way, and check what holds whatever the inputs. */
static size_t diff_and_format(const json_t *old_root, const json_t *new_root)
{
	struct diff d = DIFF_INIT;
	struct buf text = BUF_INIT, color = BUF_INIT, js = BUF_INIT, mermaid = BUF_INIT;
	json_t *doc, *changes;
	size_t nr, lines = 0;

	FUZZ_CHECK(diff_pipelines(&d, old_root, new_root, json_object_get(old_root, "scripts"),
				  json_object_get(new_root, "scripts")) == 0);
	nr = d.nr;
	for (size_t i = 0; i < d.nr; i++) {
		const struct diff_change *c = &d.changes[i];

		FUZZ_CHECK(c->path && (!*c->path || *c->path == '/'));
		FUZZ_CHECK(c->old_value || c->new_value);
		FUZZ_CHECK(diff_kind_name(c->kind) != NULL);
	}

	/* Text: one line per change, nothing when there is none. */
	diff_format_text(&text, &d, false);
	diff_format_text(&color, &d, true);
	for (char *line = text.data, *eol; line && *line; line = eol + 1) {
		/* Keys and values from the files cannot drive the terminal. */
		FUZZ_CHECK((eol = strchr(line, '\n')) != NULL);
		*eol = '\0';
		FUZZ_CHECK(fuzz_is_terminal_safe(line));
		lines++;
	}
	FUZZ_CHECK(lines == d.nr && (d.nr || color.len == 0));

	/* Json: a document the tool's own parser reads, one item per change. */
	diff_format_json(&js, &d, "old", "new");
	doc = json_loadb(js.data, js.len, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(doc);
	changes = json_object_get(doc, "changes");
	FUZZ_CHECK(json_is_array(changes) && json_array_size(changes) == d.nr);
	FUZZ_CHECK(!strcmp(json_string_value(json_object_get(doc, "from")), "old"));
	json_decref(doc);

	diff_format_mermaid(&mermaid, &d, old_root, new_root);
	FUZZ_CHECK(!strncmp(buf_cstr(&mermaid), "flowchart LR\n", 13));

	buf_release(&text);
	buf_release(&color);
	buf_release(&js);
	buf_release(&mermaid);
	diff_release(&d);
	return nr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	const char *nul = memchr(src, '\0', size);
	struct pipeline a = PIPELINE_INIT, b = PIPELINE_INIT;
	json_t *old_root, *new_root, *copy;
	int old_valid, new_valid;
	size_t nr;

	if (!nul) {
		old_root = load(&a, "fuzz.json", src, size, &old_valid);
		if (!old_root)
			goto out;
		copy = json_deep_copy(old_root);
		FUZZ_CHECK(copy);
		if (old_valid) {
			FUZZ_CHECK(diff_and_format(old_root, old_root) == 0);
			FUZZ_CHECK(diff_and_format(old_root, copy) == 0);
		} else {
			diff_and_format(old_root, copy);
		}
		json_decref(copy);
		goto out;
	}

	old_root = load(&a, "old.json", src, (size_t)(nul - src), &old_valid);
	new_root = load(&b, "new.json", nul + 1, size - (size_t)(nul - src) - 1, &new_valid);
	if (!old_root || !new_root)
		goto out;
	nr = diff_and_format(old_root, new_root);
	if (old_valid && new_valid && json_equal(old_root, new_root))
		FUZZ_CHECK(nr == 0);
	diff_and_format(new_root, old_root);
out:
	pipeline_release(&a);
	pipeline_release(&b);
	dfc_error_clear();
	return 0;
}
