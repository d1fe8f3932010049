/**
 * identity.h - who recorded a version, by git's own rules (SPEC §3).
 *
 * Author: GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL, else user.name / user.email
 * of the tool's configuration (SPEC §7, passed in), else user.name /
 * user.email from git's configuration (global, XDG, system), else the login
 * name and `login@hostname`. Committer likewise with GIT_COMMITTER_*, falling back
 * to the author. GIT_AUTHOR_DATE / GIT_COMMITTER_DATE are honoured in
 * git's internal form (`<seconds> <+hhmm>`, optionally with a leading
 * `@`); otherwise the current time and local offset are used.
 */
#ifndef DFC_IDENTITY_H
#define DFC_IDENTITY_H

#include <git2.h>

/**
 * New author and committer signatures; free with git_signature_free().
 * `name` and `email` come from the tool's configuration, NULL when unset.
 */
int identity_signatures(git_signature **author, git_signature **committer,
			git_repository *repo, const char *name, const char *email);

#endif
