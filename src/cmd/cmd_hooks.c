/* cmd_hooks.c - install or remove the git hooks in a user's repository. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/hooks.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *repo_dir;

static const struct opt options[] = {
	OPT_STRING(0, "repo", &repo_dir, "DIR",
		   "the git repository (default: the one holding the current folder)"),
	OPT_END(),
};

static const char *const usage[] = { "hooks install [--repo DIR]",
				     "hooks uninstall [--repo DIR]", NULL };

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	char tool[PATH_MAX];
	char *hooks_dir = NULL;
	const char *dir = repo_dir ? repo_dir : ".";
	ssize_t len;
	int ret;

	(void)argc;
	if (!strcmp(argv[0], "install")) {
		len = readlink("/proc/self/exe", tool, sizeof(tool) - 1);
		if (len < 0) {
			ret = dfc_error(DFC_EINTERNAL, "cannot find this program's path");
			goto out;
		}
		tool[len] = '\0';
		if ((ret = hooks_install(&hooks_dir, dir, tool)) == 0)
			cmd_note(ctx, "installed pre-commit and post-commit in %s", hooks_dir);
	} else if (!strcmp(argv[0], "uninstall")) {
		if ((ret = hooks_uninstall(&hooks_dir, dir)) == 0)
			cmd_note(ctx, "removed the hooks from %s", hooks_dir);
	} else {
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "unknown hooks action '%s'", argv[0]),
			       "use 'hooks install' or 'hooks uninstall'");
	}
out:
	free(hooks_dir);
	return ret;
}

const struct command cmd_hooks = {
	.name = "hooks",
	.summary = "install or remove the git hooks in a repository",
	.usage = usage,
	.options = options,
	.needs = NEEDS_GIT,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
