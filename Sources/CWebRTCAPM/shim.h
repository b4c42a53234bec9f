#ifndef PARLEY_CWEBRTCAPM_SHIM_H
#define PARLEY_CWEBRTCAPM_SHIM_H
/* webrtc-audio-processing is C++: Swift reaches it only through CParleyAPM. This module
   carries the pkg-config include path and the link line for that shim. */
#endif
