/* home.c - resolve DATA_FACTORY_HOME. */
#include "dfc/home.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

static const char *user_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : NULL;
}

int home_resolve(char **out, const char *option)
{
	const char *env = getenv("DATA_FACTORY_HOME");
	const char *home;
	char *path;
	int ret;

	if (option && *option)
		return fs_absolute(out, option);
	if (env && *env)
		return fs_absolute(out, env);
	home = user_home();
	if (!home)
		return dfc_hint(dfc_error(DFC_EUSAGE,
					  "cannot tell where DATA_FACTORY_HOME is"),
				"set DATA_FACTORY_HOME or pass --home DIR");
	path = fs_path_join(home, "data-factory-home");
	ret = fs_absolute(out, path);
	free(path);
	return ret;
}
