/**
 * hooks.h - install the git hooks of hooks/ into a user's repository
 * (SPEC §8).
 *
 * The hooks folder is `core.hooksPath` when set (relative to the work
 * tree), else $GIT_DIR/hooks. A hook already there is kept: renamed to
 * `<name>.dfc-chained` (bytes and mode unchanged), and ours runs it first.
 */
#ifndef DFC_HOOKS_H
#define DFC_HOOKS_H

#include "dfc/buf.h"

#include <stddef.h>

/** The line that marks a hook file as ours. */
#define HOOKS_MARKER "# data-factory-cli-hook"

/**
 * Install pre-commit and post-commit into the repository found from `dir`
 * (searching upward), with `tool` (absolute path) as the binary the hooks
 * fall back to. Installing twice changes nothing. `*hooks_dir` (new,
 * caller frees) is set to the folder used. DFC_ENOTFOUND when there is no
 * repository, DFC_ECONFLICT when a `.dfc-chained` file is in the way.
 * Also registers the diff driver: `diff.datafactory.textconv = '<tool>'
 * textconv` in the repository's own config and `<datafactory.pattern,
 * default *.json> diff=datafactory` in $GIT_DIR/info/attributes.
 */
int hooks_install(char **hooks_dir, const char *dir, const char *tool);

/**
 * Remove our hooks from the repository found from `dir` and put back what
 * was there before, byte for byte and mode. Hooks that are not ours are
 * left alone; the diff driver's config entry and attributes line are
 * removed. `*hooks_dir` as for hooks_install().
 */
int hooks_uninstall(char **hooks_dir, const char *dir);

/**
 * Append to `out` the review form of a file for `git diff` (the diff
 * driver's textconv): for a pipeline (a JSON object with `nodes` and
 * `edges`), one line per other top-level key (`key: value`, keys sorted),
 * then `node ID: {...}` per node sorted by id, then `edge FROM -> TO:
 * {...}` per edge sorted, values in compact JSON with sorted keys; any
 * other data unchanged. git shows it on a terminal: keys and ids are
 * quoted (printable_quote()) and the JSON holds no DEL or C1 control
 * (printable_json()).
 */
void hooks_textconv(struct buf *out, const char *data, size_t len);

#endif
