/* config.c - settings from config.json or config.ini in DATA_FACTORY_HOME. */
#include "dfc/config.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Far above any real configuration; a larger file is a mistake. */
#define CONFIG_MAX_BYTES ((size_t)1 << 20)
/* Longest key name quoted back in a message. */
#define KEY_QUOTE_MAX 64
/* read_file() found no file. */
#define NO_FILE 1

#define KEY(name, json, ini, field, type, env, flag, secret, member)                     \
	{ name, json, ini, field, type, env, flag, secret, offsetof(struct config, member) }

const struct config_key config_keys[CONFIG_NR_KEYS] = {
	[CONFIG_CATALOG_URL] = KEY("catalog.url", "catalog", "catalog", "url", CONFIG_TYPE_STRING,
	    "DATA_FACTORY_CATALOG", "--catalog", false, catalog_url),
	[CONFIG_MAX_DATASET_BYTES] = KEY("catalog.max_dataset_bytes", "catalog", "catalog", "max_dataset_bytes",
	    CONFIG_TYPE_SIZE, NULL, NULL, false, max_dataset_bytes),
	[CONFIG_TOKEN] = KEY("token", NULL, "auth", "token", CONFIG_TYPE_STRING, "DATA_FACTORY_TOKEN", "--token",
	    true, token),
	/* git's own variables: the tool records as git would commit. */
	[CONFIG_USER_NAME] = KEY("user.name", "user", "user", "name", CONFIG_TYPE_STRING, "GIT_AUTHOR_NAME", NULL,
	    false, user_name),
	[CONFIG_USER_EMAIL] = KEY("user.email", "user", "user", "email", CONFIG_TYPE_STRING, "GIT_AUTHOR_EMAIL", NULL,
	    false, user_email),
};

#define JSON_KEY_LIST "catalog.url, catalog.max_dataset_bytes, token, user.name, user.email"
#define INI_KEY_LIST  "[catalog] url, max_dataset_bytes; [auth] token; [user] name, email"

/* Index of `k` in config_keys[]. */
#define KEY_INDEX(k) ((int)((k) - config_keys))

static char **string_slot(struct config *cfg, const struct config_key *k)
{
	return (char **)((char *)cfg + k->offset);
}

static long long *size_slot(struct config *cfg, const struct config_key *k)
{
	return (long long *)((char *)cfg + k->offset);
}

static void set_string(struct config *cfg, const struct config_key *k, const char *value,
		       enum config_origin origin)
{
	char **slot = string_slot(cfg, k);

	free(*slot);
	*slot = xstrdup(value);
	cfg->origin[KEY_INDEX(k)] = origin;
}

static void set_size(struct config *cfg, const struct config_key *k, long long value,
		     enum config_origin origin)
{
	*size_slot(cfg, k) = value;
	cfg->origin[KEY_INDEX(k)] = origin;
}

bool config_parse_size(const char *text, long long *out)
{
	char *end;

	if (!*text || text[strspn(text, "0123456789")])
		return false;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return !errno && !*end;
}

int config_key_find(const char *name)
{
	for (int i = 0; i < CONFIG_NR_KEYS; i++)
		if (!strcmp(config_keys[i].name, name))
			return i;
	return dfc_hint(dfc_error(DFC_EUSAGE, "unknown key '%s'", name),
			"known keys: " JSON_KEY_LIST);
}

bool config_value(const struct config *cfg, int i, struct buf *out)
{
	const struct config_key *k = &config_keys[i];
	const char *value;

	if (k->type == CONFIG_TYPE_SIZE) {
		buf_addf(out, "%lld", *size_slot((struct config *)cfg, k));
		return true;
	}
	value = *string_slot((struct config *)cfg, k);
	if (!value)
		return false;
	buf_adds(out, value);
	return true;
}

void config_apply_environment(struct config *cfg)
{
	for (int i = 0; i < CONFIG_NR_KEYS; i++) {
		const char *value = config_keys[i].env ? getenv(config_keys[i].env) : NULL;

		if (value && *value)
			set_string(cfg, &config_keys[i], value, CONFIG_ORIGIN_ENV);
	}
}

void config_apply_flag(struct config *cfg, enum config_key_index i, const char *value)
{
	if (value && *value)
		set_string(cfg, &config_keys[i], value, CONFIG_ORIGIN_FLAG);
}

/* `section.name` (or `name`) made safe to print, into `out`. */
static void quote_key(struct buf *out, const char *section, const char *name)
{
	if (section && *section) {
		printable_quote(out, section, KEY_QUOTE_MAX);
		buf_addch(out, '.');
	}
	printable_quote(out, name, KEY_QUOTE_MAX);
}

/*
 * Read the regular file `path` into `out` and its mode into `*mode`.
 * Returns 0, NO_FILE when there is none, or a negative code.
 */
static int read_file(struct buf *out, mode_t *mode, const char *path)
{
	struct stat st;
	int fd, ret = 0;

	/* O_NONBLOCK: a FIFO in place of the file must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return NO_FILE;
		return dfc_hint(dfc_error(DFC_EUSAGE, "cannot read config file '%s': %s", path,
					  strerror(errno)),
				"fix its permissions, or remove it to use the defaults");
	}
	if (fstat(fd, &st) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot read config file '%s': %s", path,
				strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = dfc_error(DFC_EUSAGE, "config file '%s' is a folder", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = dfc_error(DFC_EUSAGE, "config file '%s' is not a regular file", path);
		goto out;
	}
	*mode = st.st_mode;
	buf_add(out, "", 0);
	for (;;) {
		ssize_t n;

		buf_grow(out, 4096);
		n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = dfc_error(DFC_EUSAGE, "cannot read config file '%s': %s", path,
					strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > CONFIG_MAX_BYTES) {
			ret = dfc_error(DFC_EUSAGE, "config file '%s' is larger than %zu MiB", path,
					CONFIG_MAX_BYTES >> 20);
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

/*
 * Set `k` from a JSON value. Messages name the key, never the value: it
 * may be the token.
 */
static int set_json(struct config *cfg, const struct config_key *k, json_t *value, const char *path)
{
	struct buf name = BUF_INIT;
	int ret = 0;

	if (k->type == CONFIG_TYPE_STRING && json_is_string(value)) {
		set_string(cfg, k, json_string_value(value), CONFIG_ORIGIN_FILE);
		return 0;
	}
	if (k->type == CONFIG_TYPE_SIZE && json_is_integer(value) && json_integer_value(value) >= 0) {
		set_size(cfg, k, json_integer_value(value), CONFIG_ORIGIN_FILE);
		return 0;
	}
	quote_key(&name, k->json_section, k->field);
	ret = dfc_error(DFC_EUSAGE, "'%s' in config file '%s' must be %s", buf_cstr(&name), path,
			k->type == CONFIG_TYPE_STRING ? "a string" : "a non-negative integer");
	buf_release(&name);
	return ret;
}

static int unknown_json_key(const char *section, const char *name, const char *path)
{
	struct buf key = BUF_INIT;
	int ret;

	quote_key(&key, section, name);
	ret = dfc_hint(
		dfc_error(DFC_EUSAGE, "unknown key '%s' in config file '%s'", buf_cstr(&key), path),
		"known keys: " JSON_KEY_LIST);
	buf_release(&key);
	return ret;
}

static int parse_json_section(struct config *cfg, const char *section, json_t *object,
			      const char *path)
{
	const char *name;
	json_t *value;
	int ret;

	if (!json_is_object(object)) {
		struct buf key = BUF_INIT;

		quote_key(&key, NULL, section);
		ret = dfc_error(DFC_EUSAGE, "'%s' in config file '%s' must be an object",
				buf_cstr(&key), path);
		buf_release(&key);
		return ret;
	}
	json_object_foreach(object, name, value)
	{
		const struct config_key *k = NULL;

		for (size_t i = 0; i < CONFIG_NR_KEYS && !k; i++)
			if (config_keys[i].json_section && !strcmp(config_keys[i].json_section, section) &&
			    !strcmp(config_keys[i].field, name))
				k = &config_keys[i];
		if (!k)
			return unknown_json_key(section, name, path);
		if ((ret = set_json(cfg, k, value, path)) < 0)
			return ret;
	}
	return 0;
}

/* jansson quotes the text it stopped at ("near '...'"): it may be the token. */
static void strip_context(char *text)
{
	char *near = strstr(text, " near '");

	if (near)
		*near = '\0';
}

static int parse_json(struct config *cfg, const struct buf *text, const char *path)
{
	json_error_t jerr;
	json_t *root, *value;
	const char *name;
	int ret = 0;

	root = json_loadb(buf_cstr(text), text->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		strip_context(jerr.text);
		return dfc_error(DFC_EUSAGE,
				 "config file '%s' is not valid JSON: line %d, column %d: %s", path,
				 jerr.line, jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		ret = dfc_error(DFC_EUSAGE, "config file '%s' must hold a JSON object", path);
		goto out;
	}
	json_object_foreach(root, name, value)
	{
		const struct config_key *k = NULL;
		bool section = false;

		for (size_t i = 0; i < CONFIG_NR_KEYS && !k; i++) {
			if (config_keys[i].json_section && !strcmp(config_keys[i].json_section, name))
				section = true;
			else if (!config_keys[i].json_section && !strcmp(config_keys[i].field, name))
				k = &config_keys[i];
		}
		if (k)
			ret = set_json(cfg, k, value, path);
		else if (section)
			ret = parse_json_section(cfg, name, value, path);
		else
			ret = unknown_json_key(NULL, name, path);
		if (ret < 0)
			goto out;
	}
out:
	json_decref(root);
	return ret;
}

/* What the ini reader and handler share. */
struct ini_state {
	struct config *cfg;
	const char *path;
	const char *next, *end; /* the text not yet handed to inih */
	int line;		/* number of the line inih is parsing */
	char *long_value;	/* value of that line when too long for inih */
	int error_line; /* first line the handler refused, 0 when none */
	int error_code;
};

/* The value part of `key = value ; comment`, as inih would see it. */
static char *ini_value(const char *p, const char *end)
{
	const char *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (q = p; q < end; q++)
		if (*q == ';' && q > p && (q[-1] == ' ' || q[-1] == '\t'))
			break;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
		q--;
	return xstrndup(p, (size_t)(q - p));
}

/*
 * Hand inih one line. Leading blanks are dropped: inih would take an
 * indented line for the continuation of the previous value, so an indented
 * key would silently vanish into it. inih also cuts lines at its buffer
 * size (INI_MAX_LINE); a longer `key = value` (a JWT token easily is) goes
 * to it as `key =` while the handler takes the value from `long_value`.
 */
static char *ini_read_line(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	const char *line = st->next, *eol, *delim;
	size_t len, max = (size_t)num - 2;

	free(st->long_value);
	st->long_value = NULL;
	if (line >= st->end)
		return NULL;
	eol = memchr(line, '\n', (size_t)(st->end - line));
	st->next = eol ? eol + 1 : st->end;
	if (!eol)
		eol = st->end;
	st->line++;
	while (line < eol && (*line == ' ' || *line == '\t'))
		line++;
	len = (size_t)(eol - line);
	if (len > max) {
		delim = line + strcspn(line, "=:\n");
		if (delim < eol && (size_t)(delim - line) < max) {
			st->long_value = ini_value(delim + 1, eol);
			len = (size_t)(delim - line) + 1;
		} else {
			len = max;
		}
	}
	memcpy(str, line, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

/* Record the handler's first error; inih goes on and reports the first bad line. */
static int ini_refuse(struct ini_state *st, int code)
{
	st->error_line = st->line;
	st->error_code = code;
	return 0;
}

static int handle_ini_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *st = user;
	const struct config_key *k = NULL;
	struct buf key = BUF_INIT;
	size_t i;
	int ret = 1;

	if (st->error_line)
		return 1;
	if (st->long_value)
		value = st->long_value;
	for (i = 0; i < CONFIG_NR_KEYS && !k; i++)
		if (!strcmp(config_keys[i].ini_section, section) && !strcmp(config_keys[i].field, name))
			k = &config_keys[i];
	quote_key(&key, section, name);
	if (!k) {
		ret = ini_refuse(st,
				 dfc_hint(dfc_error(DFC_EUSAGE,
						    "unknown key '%s' in config file '%s' line %d",
						    buf_cstr(&key), st->path, st->line),
					  "known keys: " INI_KEY_LIST));
		goto out;
	}
	i = (size_t)KEY_INDEX(k);
	if (st->cfg->line[i]) {
		ret = ini_refuse(st, dfc_error(DFC_EUSAGE,
					       "'%s' is set twice in config file '%s' (line %d)",
					       buf_cstr(&key), st->path, st->line));
		goto out;
	}
	st->cfg->line[i] = st->line;
	if (k->type == CONFIG_TYPE_STRING) {
		set_string(st->cfg, k, value, CONFIG_ORIGIN_FILE);
	} else {
		long long n;

		if (config_parse_size(value, &n))
			set_size(st->cfg, k, n, CONFIG_ORIGIN_FILE);
		else
			ret = ini_refuse(st, dfc_error(DFC_EUSAGE,
						       "'%s' in config file '%s' line %d must be a "
						       "non-negative integer (digits only)",
						       buf_cstr(&key), st->path, st->line));
	}
out:
	buf_release(&key);
	return ret;
}

static int parse_ini(struct config *cfg, const struct buf *text, const char *path)
{
	struct ini_state st = {0};
	int line;

	st.cfg = cfg;
	st.path = path;
	st.next = buf_cstr(text);
	st.end = st.next + text->len;
	line = ini_parse_stream(ini_read_line, &st, handle_ini_key, &st);
	free(st.long_value);
	if (line == 0)
		return 0;
	if (line > 0 && line == st.error_line)
		return st.error_code;
	if (line > 0)
		return dfc_hint(
			dfc_error(DFC_EUSAGE, "config file '%s' line %d: syntax error", path, line),
			"lines are '[section]', 'key = value' or comments starting with ';' "
			"or '#'");
	return dfc_error(DFC_EINTERNAL, "cannot parse config file '%s'", path);
}

int config_parse(struct config *cfg, enum config_format format, const char *path,
		 const char *text, size_t len)
{
	struct config init = CONFIG_INIT;
	struct buf copy = BUF_INIT;
	int ret;

	*cfg = init;
	/* Both parsers want a terminated string; the text may hold a NUL. */
	buf_add(&copy, text, len);
	if (memchr(buf_cstr(&copy), '\0', copy.len))
		ret = dfc_error(DFC_EUSAGE, "config file '%s' holds a NUL byte", path);
	else if (format == CONFIG_FORMAT_JSON)
		ret = parse_json(cfg, &copy, path);
	else
		ret = parse_ini(cfg, &copy, path);
	if (ret < 0)
		config_release(cfg);
	buf_release(&copy);
	return ret;
}

int config_load(struct config *cfg, const char *home)
{
	struct config init = CONFIG_INIT;
	char *json_path = fs_path_join(home, "config.json");
	char *ini_path = fs_path_join(home, "config.ini");
	enum config_format format = CONFIG_FORMAT_JSON;
	struct buf text = BUF_INIT;
	char *path = json_path, *shadowed = NULL;
	mode_t mode = 0;
	int ret;

	*cfg = init;
	ret = read_file(&text, &mode, json_path);
	if (ret == 0 && fs_exists(ini_path))
		shadowed = ini_path;
	if (ret == NO_FILE) {
		format = CONFIG_FORMAT_INI;
		path = ini_path;
		ret = read_file(&text, &mode, ini_path);
	}
	if (ret == NO_FILE) {
		ret = 0;
		goto out;
	}
	if (ret < 0 || (ret = config_parse(cfg, format, path, text.data, text.len)) < 0)
		goto out;
	cfg->path = xstrdup(path);
	cfg->shadowed = shadowed ? xstrdup(shadowed) : NULL;
	/* Like ssh with keys: a secret others can read is no secret. */
	if (cfg->token && *cfg->token && (mode & 077))
		ret = dfc_hint(dfc_error(DFC_ESECURITY,
					 "config file '%s' holds a token and is readable by others",
					 cfg->path),
			       "chmod 600 %s", cfg->path);
out:
	if (ret < 0)
		config_release(cfg);
	buf_release(&text);
	free(json_path);
	free(ini_path);
	return ret;
}

int config_read_text(struct buf *out, const char *path)
{
	mode_t mode;
	int ret = read_file(out, &mode, path);

	return ret == NO_FILE ? DFC_ENOTFOUND : ret;
}

void config_release(struct config *cfg)
{
	struct config init = CONFIG_INIT;

	free(cfg->path);
	free(cfg->shadowed);
	free(cfg->catalog_url);
	free_secret(cfg->token);
	free(cfg->user_name);
	free(cfg->user_email);
	*cfg = init;
}
