#ifndef PARLEY_CPARLEYAPM_H
#define PARLEY_CPARLEYAPM_H
/* A plain C ABI over webrtc-audio-processing 0.3 (C++), so Swift modules never need
   C++ interop. One handle per call. Frames are 10 ms of mono int16 PCM at 8000, 16000
   or 32000 Hz (80, 160 or 320 samples). All functions return 0 on success or the
   library's negative error code. None of them allocates after parley_apm_create. */
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_apm parley_apm;

typedef enum parley_apm_echo_mode {
    PARLEY_APM_ECHO_OFF = 0,
    PARLEY_APM_ECHO_AEC = 1,   /* full AEC: better, costlier */
    PARLEY_APM_ECHO_AECM = 2,  /* mobile AEC: cheaper */
} parley_apm_echo_mode;

typedef struct parley_apm_config {
    int sample_rate_hz;          /* 8000, 16000 or 32000 */
    parley_apm_echo_mode echo;   /* echo canceller kind */
    bool noise_suppression;      /* moderate NS */
    bool gain_control;           /* adaptive digital AGC */
    bool voice_detection;        /* GMM VAD (voice flag) */
    bool delay_agnostic;         /* let the AEC estimate the delay itself */
    bool extended_filter;        /* longer AEC filter for long echo paths */
} parley_apm_config;

typedef struct parley_apm_echo_metrics {
    int echo_return_loss_db;             /* ERL, average */
    int echo_return_loss_enhancement_db; /* ERLE, average */
    int residual_echo_return_loss_db;    /* RERL, average */
    int delay_median_ms;                 /* -1 when unknown */
    int delay_std_ms;                    /* -1 when unknown */
    bool valid;                          /* false when AEC is off or no metrics yet */
} parley_apm_echo_metrics;

/* Returns NULL when the configuration is rejected. */
parley_apm *parley_apm_create(const parley_apm_config *config);
void parley_apm_destroy(parley_apm *apm);

/* AEC non-linear suppression: 0 low, 1 moderate, 2 high (the default after create).
   Lower levels keep more of the caller's voice in double talk. Setup only, not per frame. */
int parley_apm_set_echo_suppression(parley_apm *apm, int level);

/* The far-end (what Parley played) 10 ms frame, before the matching capture frame. */
int parley_apm_process_reverse(parley_apm *apm, const int16_t *frame, int samples);

/* The near-end (what the caller sent) 10 ms frame, processed in place.
   stream_delay_ms: time from a sample played to its echo coming back. */
int parley_apm_process_capture(parley_apm *apm, int16_t *frame, int samples, int stream_delay_ms);

/* Voice flag of the last capture frame (false when voice detection is off). */
bool parley_apm_has_voice(const parley_apm *apm);
/* Echo flag of the last capture frame (AEC only). */
bool parley_apm_has_echo(const parley_apm *apm);

int parley_apm_echo_metrics_get(parley_apm *apm, parley_apm_echo_metrics *out);

#ifdef __cplusplus
}
#endif
#endif
