/*
 * init_wizard.h - the questions `init` asks on a terminal (SPEC §9).
 */
#ifndef DFC_CMD_INIT_WIZARD_H
#define DFC_CMD_INIT_WIZARD_H

#include "dfc/init_plan.h"

#include <stdio.h>

/**
 * Ask, one question at a time on `out` with answers read from `in`, which
 * datasets each script of `guess` reads and writes and with which
 * argument, then the pipeline's name; show the DAG (ascii) and ask
 * whether to write `file`. Every question has a default, taken from
 * `guess`, that Enter accepts; an answer that cannot be used is explained
 * and the question asked again. The answers go into `chosen` (empty on
 * entry; release it either way).
 *
 * Returns 0 to write, 1 when the user answered no, or DFC_EUSAGE (message
 * set) when the input ended before the last answer.
 */
int init_wizard(struct init_plan *chosen, const struct init_plan *guess, const char *file, FILE *in,
		FILE *out);

/**
 * `s` (a path found on disk) made safe to print on a terminal, control
 * characters and bytes that are not UTF-8 written `\xNN` (printable.h).
 * Newly allocated.
 */
char *init_printable(const char *s);

#endif
