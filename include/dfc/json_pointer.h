/**
 * json_pointer.h - JSON pointers (RFC 6901) built one token at a time.
 *
 * Validation, diff and merge say where in a pipeline document something is
 * with a pointer such as `/nodes/3/path`. A key may hold '/' or '~', so each
 * token is escaped: '~' as "~0", '/' as "~1".
 */
#ifndef DFC_JSON_POINTER_H
#define DFC_JSON_POINTER_H

#include "dfc/buf.h"

/** Append '/' and `token`, escaped, to the pointer in `ptr`. */
void json_pointer_add(struct buf *ptr, const char *token);

#endif
