#ifndef PARLEY_CPOCKETSPHINX_SHIM_H
#define PARLEY_CPOCKETSPHINX_SHIM_H
#include <pocketsphinx.h>
/* cmd_ln_init is variadic: build a config from an argv-style array instead.
   argv holds "-name", "value" pairs; argc counts the strings. */
static inline cmd_ln_t *parley_ps_config(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, 0);
}
#endif
