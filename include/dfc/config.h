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
 * `shadowed` (the ini file's path). Precedence (SPEC §7): flags beat the
 * environment, which beats the file, which beats the defaults; the loader
 * reads the file, config_apply_environment() and config_apply_flag() lay
 * the stronger layers on top, and each value remembers its origin.
 * config_edit.h writes the file.
 */
#ifndef DFC_CONFIG_H
#define DFC_CONFIG_H

#include "dfc/buf.h"

#include <stdbool.h>
#include <stddef.h>

/** Default for catalog.max_dataset_bytes: 10 MiB. */
#define CONFIG_DEFAULT_MAX_DATASET_BYTES (10LL << 20)

/** The settings, by their index in config_keys[]. */
enum config_key_index {
	CONFIG_CATALOG_URL,
	CONFIG_MAX_DATASET_BYTES,
	CONFIG_TOKEN,
	CONFIG_USER_NAME,
	CONFIG_USER_EMAIL,
	CONFIG_NR_KEYS
};

/** Where a setting's value came from, weakest first. */
enum config_origin {
	CONFIG_ORIGIN_DEFAULT,
	CONFIG_ORIGIN_FILE,
	CONFIG_ORIGIN_ENV,
	CONFIG_ORIGIN_FLAG,
};

enum config_type { CONFIG_TYPE_STRING, CONFIG_TYPE_SIZE };

/** One setting: its name, where it sits in each form, what overrides it. */
struct config_key {
	/** The dotted name users type: "catalog.url". */
	const char *name;
	/** Object holding it in config.json; NULL for the top level. */
	const char *json_section;
	/** `[section]` holding it in config.ini. */
	const char *ini_section;
	/** Its name inside the section. */
	const char *field;
	enum config_type type;
	/** Environment variable that beats the file, or NULL. */
	const char *env;
	/** Option that beats the environment, or NULL. */
	const char *flag;
	/** Never printed: the value is a secret. */
	bool secret;
	/** Where struct config keeps the value. */
	size_t offset;
};

/** Every setting, in the order `config list` shows them. */
extern const struct config_key config_keys[CONFIG_NR_KEYS];

struct config {
	/** The file read (owned), or NULL when there is none. */
	char *path;
	/** The other file, ignored because `path` wins (owned), or NULL. */
	char *shadowed;
	/** Values (owned); NULL when not set. */
	char *catalog_url;
	char *token;
	char *user_name;
	char *user_email;
	/** catalog.max_dataset_bytes, or the default. */
	long long max_dataset_bytes;
	/** Where each value of config_keys[] came from. */
	enum config_origin origin[CONFIG_NR_KEYS];
	/** The config.ini line that set each key; 0 when none did. */
	int line[CONFIG_NR_KEYS];
};

#define CONFIG_INIT { .max_dataset_bytes = CONFIG_DEFAULT_MAX_DATASET_BYTES }

/**
 * The index in config_keys[] of the dotted `name`, or DFC_EUSAGE ("unknown
 * key", with the known ones as a hint).
 */
int config_key_find(const char *name);

/**
 * Read a size setting: digits only (no sign, no unit), within range.
 * Returns false when `text` is not one.
 */
bool config_parse_size(const char *text, long long *out);

/**
 * Append the value of config_keys[`i`] to `out` as text (decimal for
 * sizes). Returns false, appending nothing, when it is not set.
 */
bool config_value(const struct config *cfg, int i, struct buf *out);

/**
 * Let the environment beat the file (SPEC §7): every key's variable
 * (config_keys[].env) that is set and not empty replaces its value.
 */
void config_apply_environment(struct config *cfg);

/**
 * Let an option beat everything: set config_keys[`i`] to `value` (copied),
 * origin CONFIG_ORIGIN_FLAG. NULL or "" changes nothing.
 */
void config_apply_flag(struct config *cfg, enum config_key_index i, const char *value);

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

/**
 * Append the text of the config file `path` to `out`, with config_load()'s
 * checks (a regular file, at most 1 MiB). DFC_ENOTFOUND when there is none,
 * DFC_EUSAGE when it cannot be read.
 */
int config_read_text(struct buf *out, const char *path);

void config_release(struct config *cfg);

#endif
