/**
 * validate.h - the structural rules of a pipeline (SPEC §2).
 */
#ifndef DFC_VALIDATE_H
#define DFC_VALIDATE_H

#include "dfc/problems.h"

#include <jansson.h>

/**
 * Check every rule of SPEC §2 on `root` (borrowed) and append every
 * problem found, each with its JSON pointer: top level an object with
 * `nodes` and `edges` arrays; node ids present, well-formed and unique;
 * node types; script and dataset fields; edges between existing, distinct
 * nodes and not dataset to dataset; arguments (strings, numbers, booleans,
 * or `{"ref": <node id>}` naming an existing node); an acyclic graph, a
 * cycle being reported as `a -> b -> c -> a`; a pipeline id, when present,
 * that is safe (ids.h; a DFC_ESECURITY problem otherwise).
 *
 * Returns problems_code() of what was added: 0, DFC_EINVALID or
 * DFC_ESECURITY.
 */
int pipeline_validate(const json_t *root, struct problems *problems);

#endif
