/**
 * config_edit.h - write one setting into DATA_FACTORY_HOME's config file
 * (`config set`, `config unset`; SPEC §7).
 *
 * The file written is the one config_load() reads: config.json when it
 * exists, else config.ini when it exists, else a new config.json. A json
 * file is rewritten whole (2-space indent, keys in their order); an ini
 * file is edited line by line, so comments, blank lines and order stay,
 * and a key new to it goes after the last key of its section (or into a
 * new section at the end).
 *
 * Nothing is written unless all of this holds: the file as it is parses
 * (else DFC_EUSAGE with its line, file untouched); the value is valid
 * (not empty, UTF-8 without control characters, digits for sizes); and the
 * edited text parses again and reads back exactly the value asked for (a
 * value config.ini cannot hold, such as one with leading blanks or " ;",
 * is refused). The file is replaced atomically (fs_write_atomic), writers
 * of one home are serialised by an flock on the home folder, and a file
 * that holds a token is written with mode 0600; otherwise its mode stays.
 */
#ifndef DFC_CONFIG_EDIT_H
#define DFC_CONFIG_EDIT_H

#include "dfc/config.h"

#include <stdbool.h>

/**
 * Set config_keys[`key`] to `value` in the config file of `home`,
 * creating the home folder and the file when needed. `*path` (owned by
 * the caller) names the file written.
 */
int config_edit_set(const char *home, enum config_key_index key, const char *value,
		    char **path);

/**
 * Remove config_keys[`key`] from the config file of `home`. `*was_set`
 * tells whether the file held it; when it did not, nothing is written (and
 * no home is created). `*path` (owned, may be NULL) names the file.
 */
int config_edit_unset(const char *home, enum config_key_index key, bool *was_set,
		      char **path);

#endif
