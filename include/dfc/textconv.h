/**
 * textconv.h - the review form of a pipeline file for `git diff` (the diff
 * driver's textconv, SPEC §8).
 *
 * Line-based, so that git's own diff of two review forms shows every
 * change a reviewer must see, one line per thing: what the file holds and,
 * since what is reviewed is what runs, each step's command line in the
 * order the steps start (steps.h).
 */
#ifndef DFC_TEXTCONV_H
#define DFC_TEXTCONV_H

#include "dfc/buf.h"

#include <stddef.h>

/**
 * Append to `out` the review form of `data`. For a pipeline (a JSON object
 * with `nodes` and `edges` arrays): one line per other top-level key
 * (`key: value`, keys sorted); `node ID: {...}` per node and `edge FROM ->
 * TO: {...}` per edge, in file order, so that a move shows as one; then
 * `step N ID: COMMAND ARGS...` per step in start order, each word as bash
 * would read it back. Values are compact JSON with sorted keys. Control
 * characters (C0, DEL, C1) and bytes that are not UTF-8 are written as
 * `\xNN`, so a hostile file cannot drive the terminal. Any other data is
 * appended unchanged.
 */
void textconv_review_form(struct buf *out, const char *data, size_t len);

#endif
