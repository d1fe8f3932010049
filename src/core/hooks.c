/* hooks.c - install and uninstall the git hooks (SPEC §8). */
#include "dfc/hooks.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include "post_commit.h"
#include "post_merge.h"
#include "post_rewrite.h"
#include "pre_commit.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHAINED ".dfc-chained"
#define PLACEHOLDER "@DFC_INSTALLED_BIN@"

struct hook_text {
	const char *name;
	const char *text;
};

static const struct hook_text hook_texts[] = {
	{ "pre-commit", dfc_hook_pre_commit },
	{ "post-commit", dfc_hook_post_commit },
	{ "post-merge", dfc_hook_post_merge },
	{ "post-rewrite", dfc_hook_post_rewrite },
};

#define NR_HOOKS (sizeof(hook_texts) / sizeof(hook_texts[0]))

/* The hooks folder of the repository found from `dir`. */
static int find_hooks_dir(char **out, const char *dir)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int ret = 0;

	*out = NULL;
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		ret = dfc_error(DFC_ENOTFOUND, "no git repository at '%s'", dir);
		goto out;
	}
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot read the git configuration: %s",
				git_error_last() ? git_error_last()->message : "?");
		goto out;
	}
	if (git_config_get_path(&value, cfg, "core.hooksPath") == 0 && value.size) {
		const char *base = git_repository_workdir(repo);

		if (value.ptr[0] == '/' || !base)
			*out = xstrdup(value.ptr);
		else
			*out = fs_path_join(base, value.ptr);
	} else {
		*out = fs_path_join(git_repository_commondir(repo), "hooks");
	}
out:
	git_buf_dispose(&value);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

static bool is_ours(const char *path)
{
	struct buf b = BUF_INIT;
	bool ours = false;

	if (fs_read_file(&b, path, 1 << 20) == 0)
		ours = strstr(buf_cstr(&b), HOOKS_MARKER) != NULL;
	buf_release(&b);
	return ours;
}

/* Whether `path` exists, links included (even dangling ones). */
static bool present(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static char *chained_path(const char *path)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s" CHAINED, path);
	return buf_detach(&b, NULL);
}

/* The hook text with the tool's path put in, shell-quoted. */
static void hook_body(struct buf *out, const char *text, const char *tool)
{
	const char *at = strstr(text, PLACEHOLDER);

	if (!at) {
		buf_adds(out, text);
		return;
	}
	buf_add(out, text, (size_t)(at - text));
	for (const char *c = tool; *c; c++) {
		if (*c == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addch(out, *c);
	}
	buf_adds(out, at + strlen(PLACEHOLDER));
}

/* Shell-quote `s` into `out` with single quotes. */
static void add_quoted(struct buf *out, const char *s)
{
	buf_addch(out, '\'');
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addch(out, *c);
	}
	buf_addch(out, '\'');
}

/* Set (value != NULL) or delete `key` in the repository's own config. */
static int set_local(git_config *local, const char *key, const char *value)
{
	if (!value) {
		git_config_delete_entry(local, key);
		git_error_clear();
		return 0;
	}
	if (git_config_set_string(local, key, value) < 0)
		return dfc_error(DFC_EUSAGE, "cannot set %s: %s", key,
				 git_error_last() ? git_error_last()->message : "?");
	return 0;
}

/* Remove the line `line` of `text` (at the start of a line); true if found. */
static bool remove_line(struct buf *text, const char *line)
{
	size_t len = strlen(line);
	const char *at;

	for (at = strstr(buf_cstr(text), line); at && at != text->data && at[-1] != '\n';
	     at = strstr(at + 1, line))
		;
	if (!at)
		return false;
	memmove(text->data + (at - text->data), at + len, text->len - (size_t)(at - text->data) - len);
	buf_truncate(text, text->len - len);
	return true;
}

/*
 * Register (tool != NULL) or remove the diff and merge drivers: config
 * diff.datafactory.textconv and merge.data-factory-cli.{name,driver} in
 * the repository's own config, and "<pattern> diff=datafactory
 * merge=data-factory-cli" in $GIT_DIR/info/attributes (replacing the line
 * of the diff driver alone that older versions wrote).
 */
static int drivers(const char *dir, const char *tool)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL, *local = NULL;
	git_buf pattern = GIT_BUF_INIT;
	struct buf line = BUF_INIT, old_line = BUF_INIT, text = BUF_INIT;
	struct buf textconv = BUF_INIT, merge = BUF_INIT;
	char *info = NULL, *attributes = NULL;
	bool changed;
	int ret = 0;

	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0 ||
	    git_repository_config(&cfg, repo) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot open the git configuration: %s",
				git_error_last() ? git_error_last()->message : "?");
		goto out;
	}
	if (git_config_get_string_buf(&pattern, cfg, "datafactory.pattern") < 0 ||
	    !pattern.size) {
		git_error_clear();
		git_buf_dispose(&pattern);
	}
	buf_addf(&old_line, "%s diff=datafactory\n", pattern.size ? pattern.ptr : "*.json");
	buf_addf(&line, "%s diff=datafactory merge=data-factory-cli\n",
		 pattern.size ? pattern.ptr : "*.json");
	if (tool) {
		add_quoted(&textconv, tool);
		buf_adds(&textconv, " textconv");
		add_quoted(&merge, tool);
		buf_adds(&merge, " merge-file --name %P %A %O %B");
	}
	if ((ret = set_local(local, "diff.datafactory.textconv", tool ? buf_cstr(&textconv) : NULL)) < 0 ||
	    (ret = set_local(local, "merge.data-factory-cli.name",
			     tool ? "data-factory-cli structural merge of pipeline files" : NULL)) < 0 ||
	    (ret = set_local(local, "merge.data-factory-cli.driver", tool ? buf_cstr(&merge) : NULL)) < 0)
		goto out;
	info = fs_path_join(git_repository_commondir(repo), "info");
	attributes = fs_path_join(info, "attributes");
	if ((ret = fs_mkdir_p(info)) < 0)
		goto out;
	ret = fs_read_file(&text, attributes, 1 << 20);
	if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		ret = 0;
	}
	if (ret < 0)
		goto out;
	changed = remove_line(&text, buf_cstr(&old_line));
	changed = remove_line(&text, buf_cstr(&line)) || changed;
	if (tool) {
		if (text.len && text.data[text.len - 1] != '\n')
			buf_addch(&text, '\n');
		buf_add(&text, line.data, line.len);
		changed = true;
	}
	if (changed)
		ret = fs_write_atomic(attributes, text.data ? text.data : "", text.len, 0644);
out:
	git_buf_dispose(&pattern);
	buf_release(&line);
	buf_release(&old_line);
	buf_release(&text);
	buf_release(&textconv);
	buf_release(&merge);
	free(info);
	free(attributes);
	git_config_free(local);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

/* The paths of hook i in `hooks_dir` and of its chained copy, replacing the last ones. */
static void hook_paths(char **path, char **chained, const char *hooks_dir, size_t i)
{
	free(*path);
	free(*chained);
	*path = fs_path_join(hooks_dir, hook_texts[i].name);
	*chained = chained_path(*path);
}

int hooks_install(char **hooks_dir, const char *dir, const char *tool)
{
	struct buf body = BUF_INIT;
	char *path = NULL, *chained = NULL;
	int ret;

	if ((ret = find_hooks_dir(hooks_dir, dir)) < 0)
		goto out;
	if ((ret = fs_mkdir_p(*hooks_dir)) < 0)
		goto out;
	for (size_t i = 0; i < NR_HOOKS; i++) {
		hook_paths(&path, &chained, *hooks_dir, i);
		if (present(path) && !is_ours(path)) {
			if (present(chained)) {
				ret = dfc_error(DFC_ECONFLICT, "'%s' is in the way", chained);
				goto out;
			}
			if (rename(path, chained) < 0) {
				ret = dfc_error(DFC_EINTERNAL, "cannot rename '%s': %s", path,
						strerror(errno));
				goto out;
			}
		}
		buf_reset(&body);
		hook_body(&body, hook_texts[i].text, tool);
		if ((ret = fs_write_atomic(path, body.data, body.len, 0755)) < 0)
			goto out;
	}
	ret = drivers(dir, tool);
out:
	buf_release(&body);
	free(path);
	free(chained);
	return ret;
}

int hooks_uninstall(char **hooks_dir, const char *dir)
{
	char *path = NULL, *chained = NULL;
	int ret;

	if ((ret = find_hooks_dir(hooks_dir, dir)) < 0)
		goto out;
	for (size_t i = 0; i < NR_HOOKS; i++) {
		hook_paths(&path, &chained, *hooks_dir, i);
		if (!present(path) || !is_ours(path))
			continue;
		if (present(chained)) {
			if (rename(chained, path) < 0) {
				ret = dfc_error(DFC_EINTERNAL, "cannot rename '%s': %s",
						chained, strerror(errno));
				goto out;
			}
		} else if (unlink(path) < 0) {
			ret = dfc_error(DFC_EINTERNAL, "cannot remove '%s': %s", path,
					strerror(errno));
			goto out;
		}
	}
	ret = drivers(dir, NULL);
out:
	free(path);
	free(chained);
	return ret;
}
