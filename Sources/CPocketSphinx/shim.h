#ifndef PARLEY_CPOCKETSPHINX_SHIM_H
#define PARLEY_CPOCKETSPHINX_SHIM_H
/* pocketsphinx 5prealpha (Debian 12): the cmd_ln/ps_decoder API. */
#include <pocketsphinx.h>
#include <ps_search.h>
#include <sphinxbase/err.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/logmath.h>

/* cmd_ln_init is variadic: build a config from an argv-style array instead.
   argv holds "-name", "value" pairs; argc counts the strings. */
static inline cmd_ln_t *parley_ps_config(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, 0);
}

/* Routes the library's log output nowhere (it would otherwise print per utterance). */
static inline void parley_ps_silence_logs(void) { err_set_logfp(NULL); }

/* Frees strings the library hands to the caller (ps_lookup_word). */
static inline void parley_ps_free_string(char *string) { ckd_free(string); }
#endif
