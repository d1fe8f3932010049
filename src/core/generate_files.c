/* generate_files.c - the embedded files of a script: each content once, as text or base64. */
#include "generate_internal.h"

#include "dfc/xalloc.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* One embedded file, to write each distinct content once. */
struct gen_file {
	const char *blob;
	size_t pos;
	size_t node;
};

/* Plain text a quoted heredoc can hold and shellcheck can read. */
static bool is_plain_text(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return false;
	}
	return gen_utf8_valid((const unsigned char *)data, len);
}

/* True when a line of `data` is exactly `delim`. */
static bool has_line(const char *data, size_t len, const char *delim)
{
	size_t dlen = strlen(delim);
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n == dlen && !memcmp(p, delim, dlen))
			return true;
		p += n + 1;
	}
	return false;
}

static void add_base64(struct buf *out, const char *data, size_t len)
{
	unsigned char line[80];

	for (size_t i = 0; i < len; i += 57) {
		size_t n = len - i < 57 ? len - i : 57;
		int w = EVP_EncodeBlock(line, (const unsigned char *)data + i, (int)n);

		buf_add(out, line, (size_t)w);
		buf_addch(out, '\n');
	}
}

static void add_file(struct buf *out, const char *what, const char *id, const char *name,
		     const char *blob, const char *data, size_t len)
{
	bool text = is_plain_text(data, len);
	struct buf delim = BUF_INIT;

	buf_addf(out, "\n# %s %s: ", what, id);
	gen_add_comment_text(out, name);
	buf_addf(out, " (%zu bytes%s)\n", len, text ? "" : ", base64");
	buf_addf(&delim, "DFC_%s_EOF", blob);
	while (text && has_line(data, len, delim.data))
		buf_addch(&delim, 'X');
	buf_addf(out, "dfc_file_%s() {\n\t%s <<'%s'\n", blob, text ? "cat" : "base64 -d",
		 delim.data);
	if (text) {
		buf_add(out, data, len);
		/* The runtime cuts what the heredoc adds to `len` bytes. */
		if (len && data[len - 1] != '\n')
			buf_addch(out, '\n');
	} else {
		add_base64(out, data, len);
	}
	buf_addf(out, "%s\n}\n", delim.data);
	buf_release(&delim);
}

static int cmp_file_blob(const void *a, const void *b)
{
	const struct gen_file *x = a, *y = b;
	int c = strcmp(x->blob, y->blob);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_file_pos(const void *a, const void *b)
{
	const struct gen_file *x = a, *y = b;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Every distinct embedded content once, in the order first used. */
void gen_add_files(struct buf *out, const struct gen *g)
{
	struct gen_file *files = xcalloc(g->dag.nr_nodes + 1, sizeof(*files));
	size_t nr = 0, kept = 0;

	for (size_t k = 0; k < g->dag.nr_nodes; k++) {
		size_t v = g->order[k];

		if (g->nodes[v].script || g->nodes[v].data)
			files[nr++] = (struct gen_file){g->nodes[v].blob, k, v};
	}
	qsort(files, nr, sizeof(*files), cmp_file_blob);
	for (size_t k = 0; k < nr; k++)
		if (!kept || strcmp(files[kept - 1].blob, files[k].blob))
			files[kept++] = files[k];
	qsort(files, kept, sizeof(*files), cmp_file_pos);
	if (kept)
		buf_adds(out, "\n# --- Embedded files, each named by its git blob id -----------"
			      "------------\n");
	for (size_t k = 0; k < kept; k++) {
		const struct gen_node *n = &g->nodes[files[k].node];
		const char *id = g->dag.ids[files[k].node];

		if (n->script)
			add_file(out, "script", id, n->file->name, n->blob, n->file->content.data,
				 n->file->content.len);
		else
			add_file(out, "dataset", id, n->data->name ? n->data->name : "data",
				 n->blob, n->data->data, n->data->len);
	}
	free(files);
}
