/* shell.c - quoting text as one bash word. */
#include "dfc/shell.h"

#include <stdbool.h>
#include <string.h>

void shell_quote(struct buf *out, const char *s, size_t len)
{
	bool open = false;

	if (!len) {
		buf_add(out, "''", 2);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			if (open)
				buf_addch(out, '\'');
			open = false;
			buf_addf(out, "$'\\%03o'", c);
			continue;
		}
		if (!open)
			buf_addch(out, '\'');
		open = true;
		if (c == '\'')
			buf_add(out, "'\\''", 4);
		else
			buf_addch(out, (char)c);
	}
	if (open)
		buf_addch(out, '\'');
}

void shell_word(struct buf *out, const char *s)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_-.,/:=@+%";
	size_t len = strlen(s);

	/* A leading `=` or `~` would not come back as it is either. */
	if (len && strspn(s, plain) == len && s[0] != '=')
		buf_add(out, s, len);
	else
		shell_quote(out, s, len);
}
