/* printable.c - control characters and bad UTF-8 escaped for terminals. */
#include "dfc/printable.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at `s` (of `n` bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Whether the character at `p` (of `len` bytes, 0: invalid) is shown as \xNN. */
static bool escaped(const unsigned char *p, size_t len, bool lines)
{
	if (!len)
		return true;
	if (lines && p[0] == '\n')
		return false;
	/* C0, DEL and C1 controls can drive a terminal. */
	return p[0] < 0x20 || p[0] == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0);
}

static void quote(struct buf *out, const char *s, size_t n, size_t max, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_len(p + i, n - i);

		if (i + (len ? len : 1) > max) {
			buf_adds(out, "...");
			return;
		}
		if (escaped(p + i, len, lines)) {
			size_t k = len ? len : 1;

			for (size_t j = 0; j < k; j++)
				buf_addf(out, "\\x%02x", p[i + j]);
			i += k;
			continue;
		}
		buf_add(out, p + i, len);
		i += len;
	}
}

void printable_quote(struct buf *out, const char *s, size_t max)
{
	quote(out, s, strlen(s), max, false);
}

bool printable_as_is(const char *s)
{
	struct buf quoted = BUF_INIT;
	bool same;

	printable_quote(&quoted, s, SIZE_MAX);
	same = !strcmp(buf_cstr(&quoted), s);
	buf_release(&quoted);
	return same;
}

void printable_lines(struct buf *out, const char *s, size_t len)
{
	quote(out, s, len, SIZE_MAX, true);
}

void printable_json(struct buf *json)
{
	struct buf safe = BUF_INIT;
	const unsigned char *p = (const unsigned char *)json->data;
	size_t start = 0;

	for (size_t i = 0; i < json->len; i++) {
		bool del = p[i] == 0x7f;
		bool c1 = p[i] == 0xc2 && i + 1 < json->len && p[i + 1] >= 0x80 && p[i + 1] < 0xa0;

		if (!del && !c1)
			continue;
		buf_add(&safe, p + start, i - start);
		buf_addf(&safe, "\\u%04x", del ? 0x7f : p[i + 1]);
		i += c1;
		start = i + 1;
	}
	if (!safe.len)
		return;
	buf_add(&safe, p + start, json->len - start);
	buf_release(json);
	*json = safe;
}
