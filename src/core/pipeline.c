/* pipeline.c - read a pipeline file and parse it strictly with jansson. */
#include "dfc/pipeline.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest piece of jansson's message kept (it quotes the input). */
#define TEXT_MAX 120

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * 1-based line and column of byte `off` in `data`, counting columns in
 * characters as jansson does (UTF-8 continuation bytes do not count).
 */
static void position_of(const char *data, size_t off, int *line, int *column)
{
	int l = 1, col = 1;

	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == '\n') {
			l++;
			col = 1;
		} else if ((ch & 0xc0) != 0x80) {
			col++;
		}
	}
	*line = l;
	*column = col;
}

/* Turn jansson's error into a problem with a message a user can act on. */
static void add_json_error(struct problems *problems, const json_error_t *err)
{
	struct buf text = BUF_INIT, key = BUF_INIT;
	const char *near, *end;
	unsigned int byte;
	int column;

	switch (json_error_code(err)) {
	case json_error_stack_overflow:
		problems_add_syntax(problems, err->line, err->column,
				    "nesting deeper than %d levels", JSON_PARSER_MAX_DEPTH);
		break;
	case json_error_invalid_utf8:
		/* jansson's column stops before the byte it rejects. */
		if (sscanf(err->text, "unable to decode byte 0x%x", &byte) == 1)
			problems_add_syntax(problems, err->line, err->column + 1,
					    "invalid UTF-8 (byte 0x%02x)", byte);
		else
			problems_add_syntax(problems, err->line, err->column + 1, "invalid UTF-8");
		break;
	case json_error_duplicate_key:
		near = strstr(err->text, "near '\"");
		end = strrchr(err->text, '\'');
		if (near && end && end > near + 7 && end[-1] == '"') {
			buf_add(&key, near + 7, (size_t)(end - 1 - (near + 7)));
			printable_quote(&text, buf_cstr(&key), TEXT_MAX);
			problems_add_syntax(problems, err->line, err->column, "duplicate key '%s'",
					    buf_cstr(&text));
		} else {
			problems_add_syntax(problems, err->line, err->column, "duplicate key");
		}
		break;
	case json_error_premature_end_of_input:
		problems_add_syntax(problems, err->line, err->column, "unexpected end of file");
		break;
	case json_error_null_character:
		problems_add_syntax(problems, err->line, err->column,
				    "\\u0000 in a string is not allowed");
		break;
	default:
		/* As above: jansson un-reads a raw control character. */
		column = err->column;
		if (!strncmp(err->text, "control character", 17) ||
		    !strncmp(err->text, "unexpected newline", 18))
			column++;
		printable_quote(&text, err->text, TEXT_MAX);
		problems_add_syntax(problems, err->line, column, "%s", buf_cstr(&text));
		break;
	}
	buf_release(&text);
	buf_release(&key);
}

/*
 * Parse `data` (owned, NUL-terminated) into `out`, which takes it. The
 * checks jansson does not make, or words badly, come first.
 */
static int parse_owned(struct pipeline *out, const char *path, char *data, size_t len,
		       struct problems *problems)
{
	size_t skip = 0, first;
	const char *nul;
	json_error_t err;
	int line, column, ret = DFC_EINVALID;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	out->source = data;
	out->source_len = len;

	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		skip = 3;
	nul = memchr(data + skip, '\0', len - skip);
	if (nul) {
		position_of(data + skip, (size_t)(nul - data) - skip, &line, &column);
		problems_add_syntax(problems, line, column, "NUL byte in file");
		goto out;
	}
	for (first = skip; first < len && is_space(data[first]); first++)
		;
	if (first == len) {
		problems_add_syntax(problems, 0, 0, "file is empty");
		goto out;
	}
	out->root =
		json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!out->root) {
		add_json_error(problems, &err);
		goto out;
	}
	if (!json_is_object(out->root)) {
		position_of(data + skip, first - skip, &line, &column);
		problems_add_syntax(problems, line, column, "top level must be an object");
		goto out;
	}
	ret = 0;
out:
	/* On failure the name and bytes stay, for messages; the tree goes. */
	if (ret) {
		json_decref(out->root);
		out->root = NULL;
	}
	return ret;
}

int pipeline_parse(struct pipeline *out, const char *path, const char *data, size_t len,
		   struct problems *problems)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, data, len);
	copy[len] = '\0';
	return parse_owned(out, path, copy, len, problems);
}

int pipeline_load(struct pipeline *out, const char *path, struct problems *problems)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct buf data = BUF_INIT;
	char *source;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = fs_read_file(&data, path, DFC_MAX_FILE_BYTES);
	if (ret) {
		buf_release(&data);
		out->path = xstrdup(name);
		return ret;
	}
	/* Give back the read's growth slack before jansson's tree is built. */
	source = buf_detach(&data, &len);
	source = xrealloc(source, len + 1);
	return parse_owned(out, name, source, len, problems);
}

void pipeline_release(struct pipeline *p)
{
	free(p->path);
	free(p->source);
	json_decref(p->root);
	memset(p, 0, sizeof(*p));
}

const char *pipeline_id(const struct pipeline *p)
{
	return json_string_value(json_object_get(p->root, "id"));
}

json_t *pipeline_node_paths(const json_t *root)
{
	json_t *paths = json_object(), *node;
	size_t i;

	json_array_foreach(json_object_get(root, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		json_t *path = json_object_get(node, "path");

		if (id && json_is_string(path) && !json_object_get(paths, id))
			json_object_set(paths, id, path);
	}
	return paths;
}

void pipeline_node_ids(const json_t *root, bool scripts_only, struct strvec *out)
{
	const json_t *node;
	size_t i;

	json_array_foreach(json_object_get(root, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		const char *type = json_string_value(json_object_get(node, "type"));

		if (id && type && (!scripts_only || !strcmp(type, "script")))
			strvec_push(out, id);
	}
}
