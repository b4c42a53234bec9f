#ifndef PARLEY_COPENSSL_SHIM_H
#define PARLEY_COPENSSL_SHIM_H
/* OpenSSL 3 (Debian 12 libssl-dev): the TLS client of the network recognizer.
   Function-like macros (SSL_ctrl/SSL_CTX_ctrl with a variadic-looking parg) are not
   imported by Swift, so each one used is wrapped in a static inline function here. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/* SNI (RFC 6066 §3): the DNS name the client asks for. Returns 1 on success. */
static inline int parley_ssl_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* Lowest protocol version the context accepts (e.g. TLS1_2_VERSION). Returns 1 on success. */
static inline int parley_ssl_ctx_set_min_protocol(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

/* Refuses a server's renegotiation request (SSL_OP_NO_RENEGOTIATION is built with the
   SSL_OP_BIT() macro, which Swift does not import). */
static inline void parley_ssl_ctx_refuse_renegotiation(SSL_CTX *context) {
    (void)SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
}

#endif
