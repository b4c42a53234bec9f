#ifndef PARLEY_CMICROHTTPD_SHIM_H
#define PARLEY_CMICROHTTPD_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>

/* MHD_start_daemon and MHD_get_daemon_info are variadic: Swift cannot call them, so the
   calls Parley makes are wrapped here with fixed arguments. */

/** MHD_OPTION_URI_LOG_CALLBACK's callback: sees the request target as sent (before MHD
    splits off and decodes the query); its result becomes the request's `*con_cls`. */
typedef void *(*parley_mhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/** Starts a daemon bound to `address` (4 bytes for IPv4, 16 for IPv6) and `port`
    (0: the kernel chooses; read it back with parley_mhd_bound_port). MHD_USE_IPv6 is
    added for IPv6 addresses. NULL when the daemon cannot start (address in use, …). */
static inline struct MHD_Daemon *parley_mhd_start(
    unsigned int flags, const uint8_t *address, size_t address_length, uint16_t port,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    parley_mhd_uri_log_callback uri_log, void *uri_log_cls,
    unsigned int connection_limit, unsigned int connection_timeout_s, size_t connection_memory_limit)
{
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    if (address_length == 4) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        memcpy(&v4->sin_addr, address, 4);
    } else if (address_length == 16) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        memcpy(&v6->sin6_addr, address, 16);
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&storage,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
                            MHD_OPTION_END);
}

/** The port the daemon listens on; 0 when unknown. */
static inline uint16_t parley_mhd_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/** Connections the daemon currently holds. */
static inline unsigned int parley_mhd_connection_count(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}
#endif
