#ifndef PARLEY_CPARLEYLINUX_H
#define PARLEY_CPARLEYLINUX_H
/*
 * CParleyLinux — the Linux facilities the realtime core needs, behind plain C
 * functions with fixed-width types: epoll, eventfd, timerfd, absolute monotonic
 * sleeps, sockets (options, nonblocking I/O, recvmmsg/sendmmsg batches), thread
 * naming, CPU affinity and SCHED_FIFO. Variadic libc calls (fcntl, ioctl) are
 * wrapped here so Swift never calls them.
 *
 * Conventions: functions returning `int` give 0 (or a non-negative result such
 * as a file descriptor or a count) on success and a negated errno on failure,
 * unless documented as returning a plain errno. Nothing here allocates except
 * parley_linux_batch_create.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* MARK: addresses */

enum {
    PARLEY_LINUX_FAMILY_NONE = 0,
    PARLEY_LINUX_FAMILY_INET = 4,
    PARLEY_LINUX_FAMILY_INET6 = 6,
};

/* A socket address as plain data: family, port in host order, address bytes in
   network order (IPv4 uses bytes[0..3]), IPv6 scope id and flow info. */
typedef struct parley_linux_addr {
    int32_t family;
    uint16_t port;
    uint16_t reserved;
    uint32_t scope_id;
    uint32_t flowinfo;
    uint8_t bytes[16];
} parley_linux_addr;

/* Parses a numeric IPv4 or IPv6 literal (no brackets; "fe80::1%lo" scope names
   accepted). Returns 0, or -EINVAL when `host` is not a numeric address. */
int parley_linux_addr_parse(const char *host, uint16_t port, parley_linux_addr *out);
/* Writes the numeric host (no port, no brackets) into buf. Returns 0 or -errno. */
int parley_linux_addr_format(const parley_linux_addr *addr, char *buf, size_t len);

/* MARK: time */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t parley_linux_monotonic_ns(void);
/* clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) until deadline; EINTR is retried.
   Returns 0 or a plain errno. */
int parley_linux_sleep_until_ns(uint64_t deadline_ns);

/* MARK: epoll, eventfd, timerfd */

enum {
    PARLEY_LINUX_EV_IN = 0x001,
    PARLEY_LINUX_EV_OUT = 0x004,
    PARLEY_LINUX_EV_ERR = 0x008,
    PARLEY_LINUX_EV_HUP = 0x010,
    PARLEY_LINUX_EV_RDHUP = 0x2000,
};

typedef struct parley_linux_event {
    uint32_t events;
    uint32_t reserved;
    uint64_t data;
} parley_linux_event;

int parley_linux_epoll_create(void);
int parley_linux_epoll_add(int epfd, int fd, uint32_t events, uint64_t data);
int parley_linux_epoll_modify(int epfd, int fd, uint32_t events, uint64_t data);
int parley_linux_epoll_remove(int epfd, int fd);
/* Waits up to timeout_ms (-1: forever); fills at most max (<= 256) events.
   Returns the count (0 on timeout or EINTR) or -errno. */
int parley_linux_epoll_wait(int epfd, parley_linux_event *out, int max, int timeout_ms);

int parley_linux_eventfd_create(void);
int parley_linux_eventfd_signal(int fd);
/* Reads and clears the counter; returns 0 (also when already clear) or -errno. */
int parley_linux_eventfd_drain(int fd);
/* Waits up to timeout_ns for the counter to be set (ppoll), then clears it.
   Returns 1 when it was set, 0 on timeout or EINTR, or -errno. */
int parley_linux_eventfd_wait(int fd, uint64_t timeout_ns);

int parley_linux_timerfd_create(void);
/* Arms relative to now: first expiry after initial_ns (0 disarms), then every
   interval_ns (0: one-shot). */
int parley_linux_timerfd_set(int fd, uint64_t initial_ns, uint64_t interval_ns);
/* Expirations since the last read (0 when none), or -errno. */
int64_t parley_linux_timerfd_read(int fd);

/* MARK: file descriptors and sockets */

int parley_linux_close(int fd);
int parley_linux_set_nonblocking(int fd, bool nonblocking);
int parley_linux_is_nonblocking(int fd);

/* Nonblocking, close-on-exec sockets. family: PARLEY_LINUX_FAMILY_INET/INET6. */
int parley_linux_udp_socket(int32_t family);
int parley_linux_tcp_socket(int32_t family);

int parley_linux_set_reuseaddr(int fd, bool on);
int parley_linux_set_v6only(int fd, bool on);
int parley_linux_set_tcp_nodelay(int fd, bool on);
int parley_linux_set_rcvbuf(int fd, int bytes);
int parley_linux_set_sndbuf(int fd, int bytes);
/* Effective buffer sizes (the kernel doubles what is asked), or -errno. */
int parley_linux_get_rcvbuf(int fd);
int parley_linux_get_sndbuf(int fd);
/* Pending SO_ERROR as a plain errno (0: none), or -errno if it cannot be read. */
int parley_linux_socket_error(int fd);

int parley_linux_bind(int fd, const parley_linux_addr *addr);
int parley_linux_listen(int fd, int backlog);
/* Returns 0, -EINPROGRESS for a pending nonblocking connect, or -errno. */
int parley_linux_connect(int fd, const parley_linux_addr *addr);
/* accept4(SOCK_NONBLOCK | SOCK_CLOEXEC); returns the new fd or -errno. */
int parley_linux_accept(int fd, parley_linux_addr *peer);
int parley_linux_local_addr(int fd, parley_linux_addr *out);
int parley_linux_peer_addr(int fd, parley_linux_addr *out);
int parley_linux_shutdown_write(int fd);

/* Nonblocking I/O; return byte counts or -errno. send uses MSG_NOSIGNAL. */
int64_t parley_linux_sendto(int fd, const void *bytes, size_t len, const parley_linux_addr *to);
/* *truncated is set to 1 when the datagram was longer than len. from may be NULL. */
int64_t parley_linux_recvfrom(int fd, void *bytes, size_t len, parley_linux_addr *from, int *truncated);
int64_t parley_linux_recv(int fd, void *bytes, size_t len);
int64_t parley_linux_send(int fd, const void *bytes, size_t len);

/* MARK: recvmmsg / sendmmsg over a preallocated batch */

typedef struct parley_linux_batch parley_linux_batch;

/* Allocates count datagram slots of capacity bytes each (setup only). NULL on failure. */
parley_linux_batch *parley_linux_batch_create(uint32_t count, uint32_t capacity);
void parley_linux_batch_destroy(parley_linux_batch *batch);
uint32_t parley_linux_batch_count(const parley_linux_batch *batch);
uint32_t parley_linux_batch_capacity(const parley_linux_batch *batch);
uint8_t *parley_linux_batch_buffer(parley_linux_batch *batch, uint32_t index);
uint32_t parley_linux_batch_length(const parley_linux_batch *batch, uint32_t index);
int parley_linux_batch_truncated(const parley_linux_batch *batch, uint32_t index);
void parley_linux_batch_set_length(parley_linux_batch *batch, uint32_t index, uint32_t length);
void parley_linux_batch_get_addr(const parley_linux_batch *batch, uint32_t index, parley_linux_addr *out);
void parley_linux_batch_set_addr(parley_linux_batch *batch, uint32_t index, const parley_linux_addr *addr);
/* recvmmsg(MSG_DONTWAIT) into the first max slots: datagram count or -errno. */
int parley_linux_batch_recv(int fd, parley_linux_batch *batch, uint32_t max);
/* sendmmsg(MSG_DONTWAIT) of the first count slots: datagrams sent or -errno. */
int parley_linux_batch_send(int fd, parley_linux_batch *batch, uint32_t count);

/* MARK: threads */

typedef void (*parley_linux_thread_body)(void *context);
/* Starts a joinable pthread running body(context). Returns 0 or a plain errno. */
int parley_linux_thread_start(parley_linux_thread_body body, void *context, uint64_t *handle);
int parley_linux_thread_join(uint64_t handle);
/* Current-thread settings. Each returns 0 or a plain errno (EPERM, EINVAL, ...),
   so callers can fall back. Names are truncated to 15 bytes. */
int parley_linux_thread_set_name(const char *name);
int parley_linux_thread_set_affinity(int cpu);
int parley_linux_thread_set_fifo(int priority);
/* prctl(PR_SET_TIMERSLACK): how late the kernel may coalesce this thread's wake-ups
   (default 50 µs for normal threads; ignored under SCHED_FIFO). */
int parley_linux_thread_set_timer_slack_ns(uint64_t slack_ns);
uint64_t parley_linux_thread_self(void);
int parley_linux_cpu_count(void);

#endif
