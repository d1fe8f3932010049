/* identity.c - author and committer by git's identity rules. */
#define _DEFAULT_SOURCE
#include "dfc/identity.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The value of `key` in git's configuration, newly allocated, or NULL. */
static char *git_config_value(git_repository *repo, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	char *out = NULL;

	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		git_error_clear();
		return NULL;
	}
	if (git_config_get_string_buf(&value, cfg, key) == 0 && value.size)
		out = xstrdup(value.ptr);
	git_error_clear();
	git_buf_dispose(&value);
	git_config_free(cfg);
	return out;
}

static char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = env("USER");

	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	return xstrdup(user ? user : "unknown");
}

static char *default_email(void)
{
	char host[256] = "localhost";
	char *login = login_name();
	char *email;

	if (gethostname(host, sizeof(host) - 1) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	email = xasprintf("%s@%s", login, host);
	free(login);
	return email;
}

/* Local offset of `t` in minutes east of UTC. */
static int local_offset(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

/* Parse git's internal date form "[@]<seconds> [+-]hhmm". */
static int parse_date(const char *text, git_time_t *when, int *offset)
{
	char *end;
	long long secs;
	long tz;

	if (*text == '@')
		text++;
	errno = 0;
	secs = strtoll(text, &end, 10);
	if (errno || end == text)
		return -1;
	*when = secs;
	while (*end == ' ')
		end++;
	if (!*end) {
		*offset = local_offset((time_t)secs);
		return 0;
	}
	if ((*end != '+' && *end != '-') || strlen(end) != 5)
		return -1;
	tz = strtol(end + 1, NULL, 10);
	*offset = (int)((tz / 100) * 60 + tz % 100) * (*end == '-' ? -1 : 1);
	return 0;
}

static int make_signature(git_signature **out, const char *name,
			  const char *email, const char *date_var)
{
	const char *date = env(date_var);
	git_time_t when = (git_time_t)time(NULL);
	int offset = local_offset((time_t)when);

	if (date && parse_date(date, &when, &offset) < 0)
		return dfc_hint(dfc_error(DFC_EUSAGE, "cannot read %s '%s'",
					  date_var, date),
				"use git's internal form: '<seconds> +hhmm'");
	if (git_signature_new(out, name, email, when, offset) < 0)
		return dfc_git_error(DFC_EUSAGE, "bad author identity");
	return 0;
}

int identity_signatures(git_signature **author, git_signature **committer,
			git_repository *repo, const char *name_setting, const char *email_setting)
{
	char *cfg_name = name_setting ? xstrdup(name_setting) : git_config_value(repo, "user.name");
	char *cfg_email = email_setting ? xstrdup(email_setting)
					: git_config_value(repo, "user.email");
	char *login = NULL, *email = NULL;
	const char *name, *mail;
	int ret;

	*author = *committer = NULL;
	if (!cfg_name)
		login = login_name();
	if (!cfg_email)
		email = default_email();
	name = env("GIT_AUTHOR_NAME") ? env("GIT_AUTHOR_NAME")
				      : (cfg_name ? cfg_name : login);
	mail = env("GIT_AUTHOR_EMAIL") ? env("GIT_AUTHOR_EMAIL")
				       : (cfg_email ? cfg_email : email);
	ret = make_signature(author, name, mail, "GIT_AUTHOR_DATE");
	if (ret < 0)
		goto out;
	ret = make_signature(committer,
			     env("GIT_COMMITTER_NAME") ? env("GIT_COMMITTER_NAME")
						       : name,
			     env("GIT_COMMITTER_EMAIL") ? env("GIT_COMMITTER_EMAIL")
							: mail,
			     "GIT_COMMITTER_DATE");
	if (ret < 0) {
		git_signature_free(*author);
		*author = NULL;
	}
out:
	free(cfg_name);
	free(cfg_email);
	free(login);
	free(email);
	return ret;
}
