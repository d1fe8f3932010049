/**
 * id_resolve.h - what a user gives after -i, turned into a pipeline id
 * (SPEC §5).
 *
 * A pipeline of the local store is named by its full id, by a prefix of
 * its id at least ID_PREFIX_MIN characters long that no other id has, or
 * by the top-level "name" of its latest version when no other pipeline has
 * that name. A full id always wins over a name equal to it. Every command
 * that takes -i resolves it here, once, before it touches any file or ref.
 */
#ifndef DFC_ID_RESOLVE_H
#define DFC_ID_RESOLVE_H

#include "dfc/store.h"
#include "dfc/strvec.h"

/** Shortest prefix of an id that names a pipeline. */
#define ID_PREFIX_MIN 4

/** Most candidates an ambiguous -i lists (then "and N more"). */
#define ID_CANDIDATES_SHOWN 10

/**
 * Resolve `given` among the pipelines of `store` into `*out` (new string,
 * freed by the caller; NULL on error):
 * - a full id of a local pipeline: that id;
 * - else the one pipeline whose id starts with `given` (ID_PREFIX_MIN
 *   characters or more) or whose latest version's name is `given`;
 * - two or more such pipelines: DFC_EUSAGE, "'GIVEN' matches N pipelines",
 *   with a hint per candidate (`ID  NAME`, the name made printable and
 *   cut; at most ID_CANDIDATES_SHOWN, then "and N more") and one on what
 *   to give instead;
 * - nothing: a shorter prefix of a local id is DFC_ENOTFOUND with a hint
 *   on the length; an unsafe id is pipeline_id_check()'s DFC_ESECURITY;
 *   a safe one is `given` as it is, for the caller to find missing (or in
 *   the catalog).
 */
int pipeline_id_resolve(struct store *store, const char *given, char **out);

/**
 * The words that name a pipeline after -i, for completion, appended to
 * `out`: every local id, then every name that pipeline_id_resolve()
 * resolves to its pipeline and that is printable as it is (no control
 * character, valid UTF-8).
 */
int pipeline_id_words(struct store *store, struct strvec *out);

#endif
