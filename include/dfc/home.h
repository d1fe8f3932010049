/**
 * home.h - where DATA_FACTORY_HOME is (SPEC §3).
 */
#ifndef DFC_HOME_H
#define DFC_HOME_H

/**
 * Resolve the home: `option` (--home) when given, else
 * $DATA_FACTORY_HOME when set and not empty, else ~/data-factory-home.
 * The result is absolute and newly allocated in `*out`.
 */
int home_resolve(char **out, const char *option);

#endif
