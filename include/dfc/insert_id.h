/**
 * insert_id.h - add `"id": "<id>"` to a pipeline file, or replace the id it
 * has, without touching anything else in it (SPEC §4 create, §8
 * `create --new-id`).
 */
#ifndef DFC_INSERT_ID_H
#define DFC_INSERT_ID_H

#include "dfc/buf.h"

#include <stddef.h>

/**
 * Append to `out` the bytes of `src` with `"id": "<id>"` inserted as the
 * first member of the top-level object. Every other byte stays as it was.
 * The new member copies the layout of the existing first member: the
 * white space before it (its indentation, or none on a one-line file) and
 * the spacing around its colon. `src` must hold a valid JSON object with at
 * least one member and no "id" member; `id` must be a safe pipeline id.
 * Returns 0 or DFC_EINVALID.
 */
int insert_id(struct buf *out, const char *src, size_t len, const char *id);

/**
 * Append to `out` the bytes of `src` with the value of the top-level "id"
 * member (a string) replaced by `"<id>"`. Every other byte stays as it was:
 * the key, the spacing around the colon, the member's place. `src` must
 * hold a valid JSON object (duplicate keys refused) whose "id" (however its
 * key is escaped) is a string; `id` must be a safe pipeline id. Returns 0,
 * or DFC_EINVALID with nothing appended when there is no such member.
 */
int replace_id(struct buf *out, const char *src, size_t len, const char *id);

#endif
