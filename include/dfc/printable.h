/**
 * printable.h - text from files, catalogs and commits made safe to print.
 *
 * Names, messages and paths come from pipeline files, commit messages and
 * catalogs that other people write. Sent raw to a terminal, a control
 * character in them could set its title, clear it, or start any escape
 * sequence (SPEC §8, terminal safety). Every human-readable output passes
 * such text through printable_quote() or printable_lines() on its way out;
 * every JSON output through printable_json().
 *
 * What is escaped: C0 controls (0x00-0x1f, ESC and BEL among them), DEL
 * (0x7f), C1 controls (U+0080 to U+009F, in UTF-8 0xc2 0x80 to 0xc2 0x9f;
 * U+009B is a CSI) and every byte that is not part of valid UTF-8, each
 * byte written as the four characters `\xNN`. A backslash is not escaped,
 * so quoting text that was quoted already changes nothing.
 */
#ifndef DFC_PRINTABLE_H
#define DFC_PRINTABLE_H

#include "dfc/buf.h"

#include <stdbool.h>
#include <stddef.h>

/**
 * Append `s` to `out` as one line: every control character (line breaks
 * and tabs too) and byte that is not UTF-8 as `\xNN`. A string longer than
 * `max` bytes is cut on a character boundary and ends in "..." (SIZE_MAX:
 * never cut).
 */
void printable_quote(struct buf *out, const char *s, size_t max);

/**
 * True when printable_quote() would leave `s` as it is: no control
 * character, valid UTF-8. For words offered as they are (completion).
 */
bool printable_as_is(const char *s);

/**
 * Append the `len` bytes of `s` to `out` as printable_quote() does, except
 * that a line break (`\n`) is kept: for text of several lines, each of
 * them made safe.
 */
void printable_lines(struct buf *out, const char *s, size_t len);

/**
 * Rewrite the JSON text in `json` so that it holds no DEL or C1 control:
 * each is written `\u007f` or `\u0080`..`\u009f`, which JSON reads back as
 * the same character. JSON encoders escape C0 controls already (RFC 8259
 * asks for no more), but a JSON document is often read on a terminal.
 * `json` must be valid JSON in UTF-8: these bytes then occur only inside
 * strings.
 */
void printable_json(struct buf *json);

#endif
