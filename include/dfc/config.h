/**
 * config.h - settings from DATA_FACTORY_HOME/config.json or config.ini
 * (SPEC §7).
 *
 * Both forms hold the same keys:
 *
 *   json: {"catalog": {"url": "...", "max_dataset_bytes": N},
 *          "token": "...", "user": {"name": "...", "email": "..."}}
 *   ini:  [catalog] url = ...  max_dataset_bytes = N
 *         [auth] token = ...   [user] name = ...  email = ...
 *
 * When both files exist, config.json wins and config_load() says so in
 * `shadowed` (the ini file's path). This module only reads the file;
 * the precedence of flags and environment over it is applied by callers
 * (catalog.h).
 */
#ifndef DFC_CONFIG_H
#define DFC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/** Default for catalog.max_dataset_bytes: 10 MiB. */
#define CONFIG_DEFAULT_MAX_DATASET_BYTES (10LL << 20)

struct config {
	/** The file read (owned), or NULL when there is none. */
	char *path;
	/** The other file, ignored because `path` wins (owned), or NULL. */
	char *shadowed;
	/** Values from the file (owned); NULL when not set. */
	char *catalog_url;
	char *token;
	char *user_name;
	char *user_email;
	/** catalog.max_dataset_bytes, or the default. */
	long long max_dataset_bytes;
};

#define CONFIG_INIT { NULL, NULL, NULL, NULL, NULL, NULL, CONFIG_DEFAULT_MAX_DATASET_BYTES }

enum config_format { CONFIG_FORMAT_JSON, CONFIG_FORMAT_INI };

/**
 * Parse `len` bytes of `text` (not necessarily terminated) as a config file
 * of `format`; `path` names it in messages. Fills `cfg` from defaults and
 * the text; cfg->path stays NULL. Returns 0 or DFC_EUSAGE with the line and
 * what is wrong (`cfg` is then back to defaults). Never checks file modes.
 */
int config_parse(struct config *cfg, enum config_format format, const char *path,
		 const char *text, size_t len);

/**
 * Read the configuration of `home`. No file is not an error (defaults).
 * A file that cannot be read or parsed is DFC_EUSAGE with the file, the line
 * and what is wrong; an unknown key or a value of the wrong type likewise.
 * A file that holds a token and can be read or written by group or others
 * is DFC_ESECURITY (as ssh does with keys), with a hint to chmod 600.
 */
int config_load(struct config *cfg, const char *home);

void config_release(struct config *cfg);

#endif
