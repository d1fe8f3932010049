/* insert_id.c - add or replace "id" in a pipeline file, keeping every other byte. */
#include "dfc/insert_id.h"

#include "dfc/error.h"
#include "dfc/ids.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_space(const char *src, size_t len, size_t i)
{
	while (i < len && is_space(src[i]))
		i++;
	return i;
}

/*
 * Check that `id` may be written, and find the '{' that opens the file's
 * top-level object (after a byte order mark and white space) into `*brace`.
 * `what` completes "cannot ... id" in messages.
 */
static int open_object(const char *src, size_t len, const char *id, const char *what,
		       size_t *brace)
{
	size_t i = 0;

	if (!pipeline_id_is_safe(id))
		return dfc_error(DFC_EINVALID, "cannot %s id: the new id is unsafe", what);
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		i = 3;
	i = skip_space(src, len, i);
	if (i == len || src[i] != '{')
		return dfc_error(DFC_EINVALID, "cannot %s id: the file is not a JSON object",
				 what);
	*brace = i;
	return 0;
}

/*
 * The first member's layout is copied: the white space before its key
 * and the bytes from the end of its key to the start of its value. When
 * that white space breaks the line, the new member goes on a line of its
 * own with the same line break and indentation, and whatever came before
 * the last line break stays right after the '{'.
 */
int insert_id(struct buf *out, const char *src, size_t len, const char *id)
{
	size_t i, brace, key, key_end, value, brk;
	int ret;

	if ((ret = open_object(src, len, id, "insert an", &brace)) < 0)
		return ret;
	key = skip_space(src, len, brace + 1);
	if (key == len || src[key] != '"')
		return dfc_error(DFC_EINVALID, "cannot insert an id: the top-level object "
					       "is empty or malformed");
	for (i = key + 1; i < len && src[i] != '"'; i++)
		if (src[i] == '\\')
			i++;
	if (i >= len)
		return dfc_error(DFC_EINVALID, "cannot insert an id: unterminated key");
	key_end = i + 1;
	i = skip_space(src, len, key_end);
	if (i == len || src[i] != ':')
		return dfc_error(DFC_EINVALID, "cannot insert an id: ':' expected after "
					       "the first key");
	value = skip_space(src, len, i + 1);

	/* Start of the line break (a "\r\n" counts whole) before the key. */
	brk = key;
	for (size_t k = key; k > brace + 1; k--) {
		if (src[k - 1] == '\n') {
			brk = k - 1;
			if (brk > brace + 1 && src[brk - 1] == '\r')
				brk--;
			break;
		}
	}

	buf_grow(out, len + strlen(id) + (value - key_end) + (key - brk) + 8);
	buf_add(out, src, key);
	buf_adds(out, "\"id\"");
	buf_add(out, src + key_end, value - key_end);
	buf_addch(out, '"');
	buf_adds(out, id);
	buf_add(out, "\",", 2);
	if (brk < key)
		buf_add(out, src + brk, key - brk);
	else
		buf_add(out, src + brace + 1, key - brace - 1);
	buf_add(out, src + key, len - key);
	return 0;
}

/* Index just past the string whose opening quote is at `i`, or `len`. */
static size_t skip_string(const char *src, size_t len, size_t i)
{
	for (i++; i < len && src[i] != '"'; i++)
		if (src[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

/*
 * Index just past the JSON value that starts at `i` in a valid document:
 * a string, an object or array with all it holds, or a number or literal.
 */
static size_t skip_value(const char *src, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		char c = src[i];

		if (c == '"') {
			i = skip_string(src, len, i);
			if (!depth)
				return i;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (!depth)
				return i;
			if (!--depth)
				return i + 1;
		} else if (!depth && (c == ',' || is_space(c))) {
			return i;
		}
		i++;
	}
	return len;
}

/* Whether the quoted key src[key, end) is "id", however it is escaped. */
static bool key_is_id(const char *src, size_t key, size_t end)
{
	json_t *decoded;
	bool is_id;

	if (end - key == 4)
		return !memcmp(src + key, "\"id\"", 4);
	if (!memchr(src + key, '\\', end - key))
		return false;
	decoded = json_loadb(src + key, end - key, JSON_DECODE_ANY, NULL);
	is_id = json_is_string(decoded) && json_string_length(decoded) == 2 &&
		!memcmp(json_string_value(decoded), "id", 2);
	json_decref(decoded);
	return is_id;
}

int replace_id(struct buf *out, const char *src, size_t len, const char *id)
{
	size_t i, key_end, value, value_end;
	int ret;

	if ((ret = open_object(src, len, id, "replace the", &i)) < 0)
		return ret;
	for (i++;;) {
		i = skip_space(src, len, i);
		if (i == len || src[i] != '"')
			break;
		key_end = skip_string(src, len, i);
		value = skip_space(src, len, key_end);
		if (value == len || src[value] != ':')
			break;
		value = skip_space(src, len, value + 1);
		value_end = skip_value(src, len, value);
		if (key_is_id(src, i, key_end)) {
			if (value == len || src[value] != '"')
				return dfc_error(DFC_EINVALID,
						 "cannot replace the id: \"id\" is not a string");
			buf_grow(out, len + strlen(id) + 2);
			buf_add(out, src, value);
			buf_addch(out, '"');
			buf_adds(out, id);
			buf_addch(out, '"');
			buf_add(out, src + value_end, len - value_end);
			return 0;
		}
		i = skip_space(src, len, value_end);
		if (i == len || src[i] != ',')
			break;
		i++;
	}
	return dfc_error(DFC_EINVALID, "cannot replace the id: the file has no top-level \"id\"");
}
