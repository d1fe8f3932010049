/**
 * run.h - child processes, always from an argv vector, never through a
 * shell string (STYLE §8).
 */
#ifndef DFC_RUN_H
#define DFC_RUN_H

/**
 * Run `argv` (argv[0] looked up in PATH) and wait for it, the way system()
 * does but without a shell: ^C and ^\ go to the child, not to us. Its exit
 * status (or 128 + the signal that ended it) goes into `*status`. Returns
 * 0, or DFC_EINTERNAL when it could not be started or waited for.
 */
int run_command_argv(char *const argv[], int *status);

#endif
