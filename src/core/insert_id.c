/* insert_id.c - add "id" to a pipeline file, keeping every other byte. */
#include "dfc/insert_id.h"

#include "dfc/error.h"
#include "dfc/ids.h"

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
 * The first member's layout is copied: the white space before its key
 * and the bytes from the end of its key to the start of its value. When
 * that white space breaks the line, the new member goes on a line of its
 * own with the same line break and indentation, and whatever came before
 * the last line break stays right after the '{'.
 */
int insert_id(struct buf *out, const char *src, size_t len, const char *id)
{
	size_t i = 0, brace, key, key_end, value, brk;

	if (!pipeline_id_is_safe(id))
		return dfc_error(DFC_EINVALID, "cannot insert unsafe pipeline id");
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		i = 3;
	i = skip_space(src, len, i);
	if (i == len || src[i] != '{')
		return dfc_error(DFC_EINVALID, "cannot insert an id: the file is not a JSON "
					       "object");
	brace = i;
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
