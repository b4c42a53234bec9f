// C ABI over webrtc::AudioProcessing (webrtc-audio-processing 0.3).
#include "CParleyAPM.h"

#include <string.h>
#include <new>

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

struct parley_apm {
    webrtc::AudioProcessing *apm;
    webrtc::AudioFrame frame;
    parley_apm_echo_mode echo;
    bool voice_detection;
    int sample_rate_hz;
};

static int samples_per_10ms(int rate) { return rate / 100; }

extern "C" parley_apm *parley_apm_create(const parley_apm_config *config) {
    if (config == nullptr) return nullptr;
    const int rate = config->sample_rate_hz;
    if (rate != 8000 && rate != 16000 && rate != 32000) return nullptr;

    webrtc::Config extra;
    extra.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(config->extended_filter));
    extra.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(config->delay_agnostic));
    webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create(extra);
    if (apm == nullptr) return nullptr;

    webrtc::ProcessingConfig pc = {{
        webrtc::StreamConfig(rate, 1, false),  // input
        webrtc::StreamConfig(rate, 1, false),  // output
        webrtc::StreamConfig(rate, 1, false),  // reverse input
        webrtc::StreamConfig(rate, 1, false),  // reverse output
    }};
    if (apm->Initialize(pc) != webrtc::AudioProcessing::kNoError) { delete apm; return nullptr; }

    switch (config->echo) {
    case PARLEY_APM_ECHO_AEC:
        apm->echo_cancellation()->Enable(true);
        apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
        apm->echo_cancellation()->enable_metrics(true);
        apm->echo_cancellation()->enable_delay_logging(true);
        break;
    case PARLEY_APM_ECHO_AECM:
        apm->echo_control_mobile()->Enable(true);
        apm->echo_control_mobile()->set_routing_mode(webrtc::EchoControlMobile::kSpeakerphone);
        break;
    case PARLEY_APM_ECHO_OFF:
        break;
    }
    if (config->noise_suppression) {
        apm->noise_suppression()->Enable(true);
        apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kModerate);
    }
    if (config->gain_control) {
        apm->gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital);
        apm->gain_control()->Enable(true);
    }
    if (config->voice_detection) {
        apm->voice_detection()->Enable(true);
        apm->voice_detection()->set_likelihood(webrtc::VoiceDetection::kModerateLikelihood);
        apm->voice_detection()->set_frame_size_ms(10);
    }

    parley_apm *h = new (std::nothrow) parley_apm();
    if (h == nullptr) { delete apm; return nullptr; }
    h->apm = apm;
    h->echo = config->echo;
    h->voice_detection = config->voice_detection;
    h->sample_rate_hz = rate;
    h->frame.sample_rate_hz_ = rate;
    h->frame.num_channels_ = 1;
    h->frame.samples_per_channel_ = static_cast<size_t>(samples_per_10ms(rate));
    return h;
}

extern "C" void parley_apm_destroy(parley_apm *h) {
    if (h == nullptr) return;
    delete h->apm;
    delete h;
}

extern "C" int parley_apm_set_echo_suppression(parley_apm *h, int level) {
    if (h == nullptr) return webrtc::AudioProcessing::kNullPointerError;
    if (h->echo != PARLEY_APM_ECHO_AEC) return 0;
    webrtc::EchoCancellation::SuppressionLevel l =
        level <= 0 ? webrtc::EchoCancellation::kLowSuppression
        : level == 1 ? webrtc::EchoCancellation::kModerateSuppression
                     : webrtc::EchoCancellation::kHighSuppression;
    return h->apm->echo_cancellation()->set_suppression_level(l);
}

static int load_frame(parley_apm *h, const int16_t *frame, int samples) {
    if (h == nullptr || frame == nullptr) return webrtc::AudioProcessing::kNullPointerError;
    if (samples != samples_per_10ms(h->sample_rate_hz)) return webrtc::AudioProcessing::kBadDataLengthError;
    h->frame.sample_rate_hz_ = h->sample_rate_hz;
    h->frame.num_channels_ = 1;
    h->frame.samples_per_channel_ = static_cast<size_t>(samples);
    memcpy(h->frame.data_, frame, sizeof(int16_t) * static_cast<size_t>(samples));
    return 0;
}

extern "C" int parley_apm_process_reverse(parley_apm *h, const int16_t *frame, int samples) {
    int rc = load_frame(h, frame, samples);
    if (rc != 0) return rc;
    return h->apm->ProcessReverseStream(&h->frame);
}

extern "C" int parley_apm_process_capture(parley_apm *h, int16_t *frame, int samples, int stream_delay_ms) {
    int rc = load_frame(h, frame, samples);
    if (rc != 0) return rc;
    h->apm->set_stream_delay_ms(stream_delay_ms);
    if (h->echo == PARLEY_APM_ECHO_AEC) h->apm->echo_cancellation()->set_stream_drift_samples(0);
    if (h->apm->gain_control()->is_enabled()) h->apm->gain_control()->set_stream_analog_level(0);
    rc = h->apm->ProcessStream(&h->frame);
    memcpy(frame, h->frame.data_, sizeof(int16_t) * static_cast<size_t>(samples));
    return rc;
}

extern "C" bool parley_apm_has_voice(const parley_apm *h) {
    if (h == nullptr || !h->voice_detection) return false;
    return h->apm->voice_detection()->stream_has_voice();
}

extern "C" bool parley_apm_has_echo(const parley_apm *h) {
    if (h == nullptr || h->echo != PARLEY_APM_ECHO_AEC) return false;
    return h->apm->echo_cancellation()->stream_has_echo();
}

extern "C" int parley_apm_echo_metrics_get(parley_apm *h, parley_apm_echo_metrics *out) {
    if (h == nullptr || out == nullptr) return webrtc::AudioProcessing::kNullPointerError;
    memset(out, 0, sizeof(*out));
    out->delay_median_ms = -1;
    out->delay_std_ms = -1;
    if (h->echo != PARLEY_APM_ECHO_AEC) return 0;
    webrtc::EchoCancellation::Metrics m;
    int rc = h->apm->echo_cancellation()->GetMetrics(&m);
    if (rc != webrtc::AudioProcessing::kNoError) return rc;
    out->echo_return_loss_db = m.echo_return_loss.average;
    out->echo_return_loss_enhancement_db = m.echo_return_loss_enhancement.average;
    out->residual_echo_return_loss_db = m.residual_echo_return_loss.average;
    int median = -1, stddev = -1;
    float poor = 0;
    if (h->apm->echo_cancellation()->GetDelayMetrics(&median, &stddev, &poor) == webrtc::AudioProcessing::kNoError) {
        out->delay_median_ms = median;
        out->delay_std_ms = stddev;
    }
    out->valid = true;
    return 0;
}
