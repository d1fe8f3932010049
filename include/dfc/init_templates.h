/**
 * init_templates.h - the example projects `init --template` writes
 * (SPEC §9).
 *
 * The templates are the folders under templates/ in the source tree,
 * compiled in by cmake/embed_templates.cmake: each file with its path
 * relative to its template's folder, its bytes, and whether it is
 * executable (it starts with `#!`). A template's description is the
 * `description` of its pipeline.json.
 */
#ifndef DFC_INIT_TEMPLATES_H
#define DFC_INIT_TEMPLATES_H

#include "dfc/buf.h"

#include <stdbool.h>
#include <stddef.h>

/** Number of templates, and template `i`'s name and one-line description. */
size_t init_template_count(void);
const char *init_template_name(size_t i);
const char *init_template_description(size_t i);

/**
 * Whether `name` is a template: 0, or DFC_EUSAGE naming it with a hint
 * pointing to `init --list-templates`.
 */
int init_template_check(const char *name);

/**
 * Write template `name` into `dir` (created with its parents). Every file
 * is checked first: when one exists and `force` is false, nothing is
 * written and DFC_ECONFLICT names it; a folder in the way is DFC_ECONFLICT
 * even with `force`. A template's .gitignore is the exception: one that
 * exists is kept, with or without `force`, and is not in `written`. Files are written atomically (fs.h), executable ones
 * with mode 0777 less umask, others 0666 less umask. The paths written
 * (`dir` joined with each file) are appended to `written`, one a line.
 */
int init_template_write(const char *name, const char *dir, bool force, struct buf *written);

/**
 * Write `dir`/.gitignore ignoring `.dfc/` (the tool's work files) when
 * `dir` has no .gitignore; an existing one is left as it is. Sets
 * `*written` to whether it wrote one. Returns 0 or a negative error code.
 */
int init_gitignore_write(const char *dir, bool *written);

#endif
