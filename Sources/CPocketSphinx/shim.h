#ifndef PARLEY_CPOCKETSPHINX_SHIM_H
#define PARLEY_CPOCKETSPHINX_SHIM_H
/* pocketsphinx 5prealpha (Debian 12): the cmd_ln/ps_decoder API. */
#include <pocketsphinx.h>
#include <ps_search.h>
#include <sphinxbase/err.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>

/* cmd_ln_init is variadic: build a config from an argv-style array instead.
   argv holds "-name", "value" pairs; argc counts the strings. */
static inline cmd_ln_t *parley_ps_config(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, 0);
}

/* Routes the library's log output nowhere (it would otherwise print per utterance). */
static inline void parley_ps_silence_logs(void) { err_set_logfp(NULL); }

/* Frees strings the library hands to the caller (ps_lookup_word). */
static inline void parley_ps_free_string(char *string) { ckd_free(string); }
/* Live cepstral mean (CMN) of the decoder's front end: `count` values (at most 64). The
   mean adapts during an utterance and is kept for the next one unless set again. */
static inline int parley_ps_cmn_count(ps_decoder_t *ps) {
    feat_t *feat = ps_get_feat(ps);
    return feat && feat->cmn_struct ? feat->cmn_struct->veclen : 0;
}
static inline void parley_ps_cmn_get(ps_decoder_t *ps, float *mean) {
    mfcc_t values[64];
    int count = parley_ps_cmn_count(ps);
    if (count <= 0 || count > 64) return;
    cmn_live_get(ps_get_feat(ps)->cmn_struct, values);
    for (int i = 0; i < count; i++) mean[i] = (float)values[i];
}
static inline void parley_ps_cmn_set(ps_decoder_t *ps, const float *mean) {
    mfcc_t values[64];
    int count = parley_ps_cmn_count(ps);
    if (count <= 0 || count > 64) return;
    for (int i = 0; i < count; i++) values[i] = (mfcc_t)mean[i];
    cmn_live_set(ps_get_feat(ps)->cmn_struct, values);
}
#endif
