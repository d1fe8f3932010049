/**
 * canonical.h - the canonical form of a pipeline (SPEC §2).
 *
 * UTF-8, 2-space indent, keys in the file's order except that a top-level
 * "id" comes first, `"key": value` with one space after the colon, empty
 * arrays and objects as `[]` and `{}`, non-ASCII characters written as
 * themselves, numbers as their shortest text that reads back to the same
 * value, and one trailing newline. Two files that differ only in white
 * space have the same canonical form; canonical_dump() of a parsed
 * canonical form gives the same bytes again.
 */
#ifndef DFC_CANONICAL_H
#define DFC_CANONICAL_H

#include "dfc/buf.h"

#include <jansson.h>

/** Append the canonical form of `root` (borrowed) to `out`. */
void canonical_dump(struct buf *out, const json_t *root);

#endif
