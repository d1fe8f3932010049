/* config_edit.c - set or unset one key in config.json or config.ini. */
#include "dfc/config_edit.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The file being edited. */
struct target {
	char *path;
	enum config_format format;
	struct buf text; /* empty for a new file */
	struct config old;
};

#define TARGET_INIT                                                                                \
	{                                                                                          \
		NULL, CONFIG_FORMAT_JSON, BUF_INIT, CONFIG_INIT                                    \
	}

static void target_release(struct target *t)
{
	free(t->path);
	buf_release(&t->text);
	config_release(&t->old);
}

/* Pick the file config_load() would read, read and parse it. */
static int target_open(struct target *t, const char *home)
{
	char *json = fs_path_join(home, "config.json");
	char *ini = fs_path_join(home, "config.ini");
	int ret;

	if (!fs_exists(json) && fs_exists(ini)) {
		t->path = ini;
		t->format = CONFIG_FORMAT_INI;
		free(json);
	} else {
		t->path = json;
		free(ini);
	}
	ret = config_read_text(&t->text, t->path);
	if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		return 0;
	}
	if (ret < 0)
		return ret;
	ret = config_parse(&t->old, t->format, t->path, t->text.data, t->text.len);
	if (ret < 0)
		dfc_hint(ret, "fix the file by hand first");
	return ret;
}

/* Refuse what no config file should hold, before anything is written. */
static int check_value(const struct config_key *k, const char *value)
{
	json_t *utf8;
	long long size;

	if (!*value)
		return dfc_hint(
			dfc_error(DFC_EUSAGE, "'%s' cannot be set to an empty value", k->name),
			"remove it with 'data-factory-cli config unset %s'", k->name);
	if (k->type == CONFIG_TYPE_SIZE && !config_parse_size(value, &size))
		return dfc_error(DFC_EUSAGE, "'%s' must be a non-negative integer (digits only)",
				 k->name);
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return dfc_error(DFC_EUSAGE, "the value of '%s' holds a control character",
					 k->name);
	/* jansson's string constructor is the UTF-8 check the tool uses elsewhere. */
	utf8 = json_string(value);
	if (!utf8)
		return dfc_error(DFC_EUSAGE, "the value of '%s' is not valid UTF-8", k->name);
	json_decref(utf8);
	return 0;
}

/* The edited config.json: `value` set, or the key removed when NULL. */
static void edit_json(struct buf *out, const struct target *t, const struct config_key *k,
		      const char *value)
{
	json_t *root = t->text.len ? json_loadb(t->text.data, t->text.len, 0, NULL) : NULL;
	json_t *object;

	/* The text parsed in target_open(); only a new file has no root. */
	if (!root)
		root = json_object();
	object = k->json_section ? json_object_get(root, k->json_section) : root;
	if (value) {
		long long size = 0;

		if (!object) {
			object = json_object();
			json_object_set_new(root, k->json_section, object);
		}
		if (k->type == CONFIG_TYPE_SIZE && config_parse_size(value, &size))
			json_object_set_new(object, k->field, json_integer(size));
		else
			json_object_set_new(object, k->field, json_string(value));
	} else if (object) {
		json_object_del(object, k->field);
		if (object != root && json_object_size(object) == 0)
			json_object_del(root, k->json_section);
	}
	canonical_dump(out, root);
	json_decref(root);
}

/*
 * The edited config.ini: the key's own line replaced (or dropped), else the
 * new line after the last key of its section, else a new section at the end.
 */
static void edit_ini(struct buf *out, const struct target *t, const struct config_key *k,
		     const char *value)
{
	int own = t->old.line[k - config_keys], after = 0, number = 0;
	const char *p = buf_cstr(&t->text), *end = p + t->text.len;
	/* The key's new line; NULL when it goes. */
	char *line = value ? xasprintf("%s = %s\n", k->field, value) : NULL;

	for (int i = 0; !own && value && i < CONFIG_NR_KEYS; i++)
		if (!strcmp(config_keys[i].ini_section, k->ini_section) && t->old.line[i] > after)
			after = t->old.line[i];
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;

		number++;
		if (number == own) {
			if (line)
				buf_adds(out, line);
		} else {
			buf_add(out, p, (size_t)(next - p));
			if (!eol && number == after)
				buf_addch(out, '\n');
		}
		if (line && number == after)
			buf_adds(out, line);
		p = next;
	}
	if (line && !own && !after) {
		if (out->len && out->data[out->len - 1] != '\n')
			buf_addch(out, '\n');
		if (out->len)
			buf_addch(out, '\n');
		buf_addf(out, "[%s]\n%s", k->ini_section, line);
	}
	free_secret(line);
}

/* True when `cfg` read from the file holds exactly `value` for key `i`. */
static bool reads_back(const struct config *cfg, int i, const char *value)
{
	struct buf have = BUF_INIT;
	bool same;

	if (cfg->origin[i] != CONFIG_ORIGIN_FILE)
		return !value;
	if (!value)
		return false;
	config_value(cfg, i, &have);
	if (config_keys[i].type == CONFIG_TYPE_SIZE) {
		long long want = 0, got = 0;

		same = config_parse_size(value, &want) &&
		       config_parse_size(buf_cstr(&have), &got) && want == got;
	} else {
		same = !strcmp(buf_cstr(&have), value);
	}
	buf_release(&have);
	return same;
}

/* Edit under the home's lock; the caller made sure the home exists. */
static int edit_locked(const char *home, enum config_key_index key, const char *value,
		       bool *was_set, char **path)
{
	const struct config_key *k = &config_keys[key];
	struct target t = TARGET_INIT;
	struct config edited = CONFIG_INIT;
	struct buf text = BUF_INIT;
	int ret;

	if ((ret = target_open(&t, home)) < 0)
		goto out;
	*path = xstrdup(t.path);
	*was_set = t.old.origin[key] == CONFIG_ORIGIN_FILE;
	if (!value && !*was_set)
		goto out;
	if (t.format == CONFIG_FORMAT_JSON)
		edit_json(&text, &t, k, value);
	else
		edit_ini(&text, &t, k, value);
	if (config_parse(&edited, t.format, t.path, text.data, text.len) < 0 ||
	    !reads_back(&edited, key, value)) {
		ret = dfc_hint(dfc_error(DFC_EUSAGE,
					 "config file '%s' cannot hold that value of '%s'", t.path,
					 k->name),
			       "config.ini drops leading and trailing blanks and anything after "
			       "' ;'; config.json holds any value");
		goto out;
	}
	/* Like ssh with keys: a file holding a secret is readable by its owner only. */
	ret = fs_write_atomic(t.path, text.data, text.len, edited.token ? 0600 : -1);
out:
	if (text.data)
		memset(text.data, 0, text.len);
	buf_release(&text);
	config_release(&edited);
	target_release(&t);
	return ret;
}

static int edit(const char *home, enum config_key_index key, const char *value, bool *was_set,
		char **path)
{
	int fd = -1, ret;

	*path = NULL;
	*was_set = false;
	if (value && (ret = check_value(&config_keys[key], value)) < 0)
		return ret;
	if (!value && !fs_exists(home))
		return 0;
	if ((value && (ret = fs_mkdir_p(home)) < 0) || (ret = fs_lock_dir(&fd, home)) < 0)
		return ret;
	ret = edit_locked(home, key, value, was_set, path);
	fs_unlock(fd);
	return ret;
}

int config_edit_set(const char *home, enum config_key_index key, const char *value, char **path)
{
	bool was_set;

	return edit(home, key, value, &was_set, path);
}

int config_edit_unset(const char *home, enum config_key_index key, bool *was_set, char **path)
{
	return edit(home, key, NULL, was_set, path);
}
