/* generate_text.c - the pipeline's text as it goes into a script: words, comments, names. */
#include "generate_internal.h"

#include "dfc/shell.h"

#include <string.h>

bool gen_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned int cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

void gen_add_word(struct buf *out, const char *s)
{
	buf_addch(out, ' ');
	shell_quote(out, s, strlen(s));
}

/*
 * Text for a comment or a message: one line, plain UTF-8, no control
 * character (C0, DEL, or C1: U+0080 to U+009F, c2 80 to c2 9f), each
 * shown as '?'.
 */
void gen_add_comment_text(struct buf *out, const char *s)
{
	size_t len = strlen(s);
	bool utf8 = gen_utf8_valid((const unsigned char *)s, len);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (utf8 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
			buf_addch(out, '?');
			i++;
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
			buf_addch(out, '?');
		} else {
			buf_addch(out, (char)c);
		}
	}
}

/* A string argument for dfc_info: shown only, so made printable. */
void gen_add_shown_word(struct buf *out, const char *s)
{
	struct buf text = BUF_INIT;

	gen_add_comment_text(&text, s);
	gen_add_word(out, buf_cstr(&text));
	buf_release(&text);
}

/* `c` when it is a letter, a digit, '.', '_' or '-'; '_' otherwise. */
char gen_plain_char(char c)
{
	return c && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", c)
		       ? c
		       : '_';
}
