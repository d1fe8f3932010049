/**
 * shell.h - text as bash reads it back: one word, never expanded.
 *
 * For the arguments a generated script embeds, and the command lines the
 * tool prints for the user to copy (hints, "Regenerate it with:").
 */
#ifndef DFC_SHELL_H
#define DFC_SHELL_H

#include "dfc/buf.h"

#include <stddef.h>

/**
 * Append `len` bytes of `s` as one single-quoted shell word: a quote inside
 * written as '\'', control characters (other than tab and newline) as
 * $'\ooo' pieces so that the text stays printable. "" becomes ''.
 */
void shell_quote(struct buf *out, const char *s, size_t len);

/**
 * Append `s` as it is when bash would read it back unchanged (letters,
 * digits and `_-.,/:=@+%`, not empty), else shell_quote()d: the form for a
 * command line printed for people.
 */
void shell_word(struct buf *out, const char *s);

#endif
