/* CParleyLinux — see the header for conventions. Thin wrappers; no hidden state. */
#define _GNU_SOURCE
#include "CParleyLinux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NEG_ERRNO (-errno)

/* MARK: addresses */

static socklen_t to_sockaddr(const parley_linux_addr *a, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (a->family == PARLEY_LINUX_FAMILY_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(a->port);
        memcpy(&sin->sin_addr, a->bytes, 4);
        return sizeof *sin;
    }
    if (a->family == PARLEY_LINUX_FAMILY_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(a->port);
        sin6->sin6_scope_id = a->scope_id;
        sin6->sin6_flowinfo = htonl(a->flowinfo);
        memcpy(&sin6->sin6_addr, a->bytes, 16);
        return sizeof *sin6;
    }
    return 0;
}

static void from_sockaddr(const struct sockaddr_storage *ss, parley_linux_addr *a) {
    memset(a, 0, sizeof *a);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
        a->family = PARLEY_LINUX_FAMILY_INET;
        a->port = ntohs(sin->sin_port);
        memcpy(a->bytes, &sin->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
        a->family = PARLEY_LINUX_FAMILY_INET6;
        a->port = ntohs(sin6->sin6_port);
        a->scope_id = sin6->sin6_scope_id;
        a->flowinfo = ntohl(sin6->sin6_flowinfo);
        memcpy(a->bytes, &sin6->sin6_addr, 16);
    }
}

int parley_linux_addr_parse(const char *host, uint16_t port, parley_linux_addr *out) {
    memset(out, 0, sizeof *out);
    out->port = port;
    if (inet_pton(AF_INET, host, out->bytes) == 1) {
        out->family = PARLEY_LINUX_FAMILY_INET;
        return 0;
    }
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    size_t n = strlen(host);
    if (n >= sizeof buf) return -EINVAL;
    memcpy(buf, host, n + 1);
    char *pct = strchr(buf, '%');
    if (pct) {
        *pct = 0;
        const char *scope = pct + 1;
        if (*scope == 0) return -EINVAL;
        char *end = NULL;
        unsigned long v = strtoul(scope, &end, 10);
        if (end && *end == 0) {
            out->scope_id = (uint32_t)v;
        } else {
            unsigned idx = if_nametoindex(scope);
            if (idx == 0) return -EINVAL;
            out->scope_id = idx;
        }
    }
    if (inet_pton(AF_INET6, buf, out->bytes) == 1) {
        out->family = PARLEY_LINUX_FAMILY_INET6;
        return 0;
    }
    memset(out, 0, sizeof *out);
    return -EINVAL;
}

int parley_linux_addr_format(const parley_linux_addr *a, char *buf, size_t len) {
    int af = a->family == PARLEY_LINUX_FAMILY_INET ? AF_INET
           : a->family == PARLEY_LINUX_FAMILY_INET6 ? AF_INET6 : -1;
    if (af < 0) return -EAFNOSUPPORT;
    if (!inet_ntop(af, a->bytes, buf, (socklen_t)len)) return NEG_ERRNO;
    return 0;
}

/* MARK: time */

uint64_t parley_linux_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int parley_linux_sleep_until_ns(uint64_t deadline_ns) {
    struct timespec ts = {
        .tv_sec = (time_t)(deadline_ns / 1000000000ull),
        .tv_nsec = (long)(deadline_ns % 1000000000ull),
    };
    int rc;
    do {
        rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    } while (rc == EINTR);
    return rc;
}

/* MARK: epoll, eventfd, timerfd */

int parley_linux_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? NEG_ERRNO : fd;
}

static int epoll_op(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev) < 0 ? NEG_ERRNO : 0;
}

int parley_linux_epoll_add(int epfd, int fd, uint32_t events, uint64_t data) {
    return epoll_op(epfd, EPOLL_CTL_ADD, fd, events, data);
}
int parley_linux_epoll_modify(int epfd, int fd, uint32_t events, uint64_t data) {
    return epoll_op(epfd, EPOLL_CTL_MOD, fd, events, data);
}
int parley_linux_epoll_remove(int epfd, int fd) {
    return epoll_op(epfd, EPOLL_CTL_DEL, fd, 0, 0);
}

int parley_linux_epoll_wait(int epfd, parley_linux_event *out, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    if (max < 1) return -EINVAL;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : NEG_ERRNO;
    for (int i = 0; i < n; i++) {
        out[i].events = evs[i].events;
        out[i].reserved = 0;
        out[i].data = evs[i].data.u64;
    }
    return n;
}

int parley_linux_eventfd_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? NEG_ERRNO : fd;
}

int parley_linux_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    if (n < 0 && errno != EAGAIN) return NEG_ERRNO; /* EAGAIN: counter saturated, still signalled */
    return 0;
}

int parley_linux_eventfd_drain(int fd) {
    uint64_t v;
    ssize_t n = read(fd, &v, sizeof v);
    if (n < 0 && errno != EAGAIN) return NEG_ERRNO;
    return 0;
}

int parley_linux_eventfd_wait(int fd, uint64_t timeout_ns) {
    struct pollfd descriptor = { .fd = fd, .events = POLLIN, .revents = 0 };
    struct timespec timeout = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
                                .tv_nsec = (long)(timeout_ns % 1000000000u) };
    int ready = ppoll(&descriptor, 1, &timeout, NULL);
    if (ready < 0) return errno == EINTR ? 0 : NEG_ERRNO;
    if (ready == 0) return 0;
    int rc = parley_linux_eventfd_drain(fd);
    return rc < 0 ? rc : 1;
}

int parley_linux_timerfd_create(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? NEG_ERRNO : fd;
}

int parley_linux_timerfd_set(int fd, uint64_t initial_ns, uint64_t interval_ns) {
    struct itimerspec its;
    its.it_value.tv_sec = (time_t)(initial_ns / 1000000000ull);
    its.it_value.tv_nsec = (long)(initial_ns % 1000000000ull);
    its.it_interval.tv_sec = (time_t)(interval_ns / 1000000000ull);
    its.it_interval.tv_nsec = (long)(interval_ns % 1000000000ull);
    return timerfd_settime(fd, 0, &its, NULL) < 0 ? NEG_ERRNO : 0;
}

int64_t parley_linux_timerfd_read(int fd) {
    uint64_t v;
    ssize_t n = read(fd, &v, sizeof v);
    if (n < 0) return errno == EAGAIN ? 0 : NEG_ERRNO;
    return (int64_t)v;
}

/* MARK: file descriptors and sockets */

int parley_linux_close(int fd) { return close(fd) < 0 ? NEG_ERRNO : 0; }

int parley_linux_set_nonblocking(int fd, bool nonblocking) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return NEG_ERRNO;
    flags = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags) < 0 ? NEG_ERRNO : 0;
}

int parley_linux_is_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return NEG_ERRNO;
    return (flags & O_NONBLOCK) ? 1 : 0;
}

static int make_socket(int32_t family, int type, int proto) {
    int af = family == PARLEY_LINUX_FAMILY_INET ? AF_INET
           : family == PARLEY_LINUX_FAMILY_INET6 ? AF_INET6 : -1;
    if (af < 0) return -EAFNOSUPPORT;
    int fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    return fd < 0 ? NEG_ERRNO : fd;
}

int parley_linux_udp_socket(int32_t family) { return make_socket(family, SOCK_DGRAM, IPPROTO_UDP); }
int parley_linux_tcp_socket(int32_t family) { return make_socket(family, SOCK_STREAM, IPPROTO_TCP); }

static int set_int_opt(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value) < 0 ? NEG_ERRNO : 0;
}
static int get_int_opt(int fd, int level, int name) {
    int value = 0;
    socklen_t len = sizeof value;
    return getsockopt(fd, level, name, &value, &len) < 0 ? NEG_ERRNO : value;
}

int parley_linux_set_reuseaddr(int fd, bool on) { return set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, on); }
int parley_linux_set_v6only(int fd, bool on) { return set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, on); }
int parley_linux_set_tcp_nodelay(int fd, bool on) { return set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, on); }
int parley_linux_set_rcvbuf(int fd, int bytes) { return set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, bytes); }
int parley_linux_set_sndbuf(int fd, int bytes) { return set_int_opt(fd, SOL_SOCKET, SO_SNDBUF, bytes); }
int parley_linux_get_rcvbuf(int fd) { return get_int_opt(fd, SOL_SOCKET, SO_RCVBUF); }
int parley_linux_get_sndbuf(int fd) { return get_int_opt(fd, SOL_SOCKET, SO_SNDBUF); }
int parley_linux_socket_error(int fd) { return get_int_opt(fd, SOL_SOCKET, SO_ERROR); }

int parley_linux_bind(int fd, const parley_linux_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(addr, &ss);
    if (len == 0) return -EAFNOSUPPORT;
    return bind(fd, (struct sockaddr *)&ss, len) < 0 ? NEG_ERRNO : 0;
}

int parley_linux_listen(int fd, int backlog) { return listen(fd, backlog) < 0 ? NEG_ERRNO : 0; }

int parley_linux_connect(int fd, const parley_linux_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(addr, &ss);
    if (len == 0) return -EAFNOSUPPORT;
    int rc;
    do { rc = connect(fd, (struct sockaddr *)&ss, len); } while (rc < 0 && errno == EINTR);
    return rc < 0 ? NEG_ERRNO : 0;
}

int parley_linux_accept(int fd, parley_linux_addr *peer) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int c;
    do { c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC); } while (c < 0 && errno == EINTR);
    if (c < 0) return NEG_ERRNO;
    if (peer) from_sockaddr(&ss, peer);
    return c;
}

int parley_linux_local_addr(int fd, parley_linux_addr *out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return NEG_ERRNO;
    from_sockaddr(&ss, out);
    return 0;
}

int parley_linux_peer_addr(int fd, parley_linux_addr *out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) return NEG_ERRNO;
    from_sockaddr(&ss, out);
    return 0;
}

int parley_linux_shutdown_write(int fd) { return shutdown(fd, SHUT_WR) < 0 ? NEG_ERRNO : 0; }

int64_t parley_linux_sendto(int fd, const void *bytes, size_t len, const parley_linux_addr *to) {
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    if (to) {
        sl = to_sockaddr(to, &ss);
        if (sl == 0) return -EAFNOSUPPORT;
    }
    ssize_t n;
    do {
        n = sendto(fd, bytes, len, MSG_DONTWAIT | MSG_NOSIGNAL, to ? (struct sockaddr *)&ss : NULL, sl);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? NEG_ERRNO : (int64_t)n;
}

int64_t parley_linux_recvfrom(int fd, void *bytes, size_t len, parley_linux_addr *from, int *truncated) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    ssize_t n;
    do {
        n = recvfrom(fd, bytes, len, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&ss, &sl);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return NEG_ERRNO;
    if (truncated) *truncated = (size_t)n > len;
    if (from) from_sockaddr(&ss, from);
    return (size_t)n > len ? (int64_t)len : (int64_t)n;
}

int64_t parley_linux_recv(int fd, void *bytes, size_t len) {
    ssize_t n;
    do { n = recv(fd, bytes, len, MSG_DONTWAIT); } while (n < 0 && errno == EINTR);
    return n < 0 ? NEG_ERRNO : (int64_t)n;
}

int64_t parley_linux_send(int fd, const void *bytes, size_t len) {
    ssize_t n;
    do { n = send(fd, bytes, len, MSG_DONTWAIT | MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? NEG_ERRNO : (int64_t)n;
}

/* MARK: batches */

struct parley_linux_batch {
    uint32_t count;
    uint32_t capacity;
    struct mmsghdr *msgs;
    struct iovec *iovs;
    struct sockaddr_storage *addrs;
    uint32_t *lengths;
    uint8_t *truncated;
    uint8_t *buffers;
};

parley_linux_batch *parley_linux_batch_create(uint32_t count, uint32_t capacity) {
    if (count == 0 || capacity == 0) return NULL;
    parley_linux_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->count = count;
    b->capacity = capacity;
    b->msgs = calloc(count, sizeof *b->msgs);
    b->iovs = calloc(count, sizeof *b->iovs);
    b->addrs = calloc(count, sizeof *b->addrs);
    b->lengths = calloc(count, sizeof *b->lengths);
    b->truncated = calloc(count, 1);
    b->buffers = calloc(count, capacity);
    if (!b->msgs || !b->iovs || !b->addrs || !b->lengths || !b->truncated || !b->buffers) {
        parley_linux_batch_destroy(b);
        return NULL;
    }
    return b;
}

void parley_linux_batch_destroy(parley_linux_batch *b) {
    if (!b) return;
    free(b->msgs); free(b->iovs); free(b->addrs); free(b->lengths); free(b->truncated); free(b->buffers);
    free(b);
}

uint32_t parley_linux_batch_count(const parley_linux_batch *b) { return b->count; }
uint32_t parley_linux_batch_capacity(const parley_linux_batch *b) { return b->capacity; }
uint8_t *parley_linux_batch_buffer(parley_linux_batch *b, uint32_t i) { return b->buffers + (size_t)i * b->capacity; }
uint32_t parley_linux_batch_length(const parley_linux_batch *b, uint32_t i) { return b->lengths[i]; }
int parley_linux_batch_truncated(const parley_linux_batch *b, uint32_t i) { return b->truncated[i]; }
void parley_linux_batch_set_length(parley_linux_batch *b, uint32_t i, uint32_t length) {
    b->lengths[i] = length > b->capacity ? b->capacity : length;
}
void parley_linux_batch_get_addr(const parley_linux_batch *b, uint32_t i, parley_linux_addr *out) {
    from_sockaddr(&b->addrs[i], out);
}
void parley_linux_batch_set_addr(parley_linux_batch *b, uint32_t i, const parley_linux_addr *addr) {
    to_sockaddr(addr, &b->addrs[i]);
}

int parley_linux_batch_recv(int fd, parley_linux_batch *b, uint32_t max) {
    if (max > b->count) max = b->count;
    if (max == 0) return 0;
    for (uint32_t i = 0; i < max; i++) {
        b->iovs[i].iov_base = parley_linux_batch_buffer(b, i);
        b->iovs[i].iov_len = b->capacity;
        memset(&b->msgs[i].msg_hdr, 0, sizeof b->msgs[i].msg_hdr);
        b->msgs[i].msg_hdr.msg_iov = &b->iovs[i];
        b->msgs[i].msg_hdr.msg_iovlen = 1;
        b->msgs[i].msg_hdr.msg_name = &b->addrs[i];
        b->msgs[i].msg_hdr.msg_namelen = sizeof b->addrs[i];
        b->msgs[i].msg_len = 0;
    }
    int n;
    do { n = recvmmsg(fd, b->msgs, max, MSG_DONTWAIT, NULL); } while (n < 0 && errno == EINTR);
    if (n < 0) return NEG_ERRNO;
    for (int i = 0; i < n; i++) {
        b->lengths[i] = b->msgs[i].msg_len;
        b->truncated[i] = (b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 1 : 0;
    }
    return n;
}

int parley_linux_batch_send(int fd, parley_linux_batch *b, uint32_t count) {
    if (count > b->count) count = b->count;
    if (count == 0) return 0;
    for (uint32_t i = 0; i < count; i++) {
        b->iovs[i].iov_base = parley_linux_batch_buffer(b, i);
        b->iovs[i].iov_len = b->lengths[i];
        memset(&b->msgs[i].msg_hdr, 0, sizeof b->msgs[i].msg_hdr);
        b->msgs[i].msg_hdr.msg_iov = &b->iovs[i];
        b->msgs[i].msg_hdr.msg_iovlen = 1;
        b->msgs[i].msg_hdr.msg_name = &b->addrs[i];
        b->msgs[i].msg_hdr.msg_namelen = b->addrs[i].ss_family == AF_INET6
            ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    }
    int n;
    do { n = sendmmsg(fd, b->msgs, count, MSG_DONTWAIT | MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? NEG_ERRNO : n;
}

/* MARK: threads */

struct thread_start { parley_linux_thread_body body; void *context; };

static void *thread_trampoline(void *arg) {
    struct thread_start start = *(struct thread_start *)arg;
    free(arg);
    start.body(start.context);
    return NULL;
}

int parley_linux_thread_start(parley_linux_thread_body body, void *context, uint64_t *handle) {
    struct thread_start *start = malloc(sizeof *start);
    if (!start) return ENOMEM;
    start->body = body;
    start->context = context;
    pthread_t tid;
    int rc = pthread_create(&tid, NULL, thread_trampoline, start);
    if (rc != 0) {
        free(start);
        return rc;
    }
    *handle = (uint64_t)tid;
    return 0;
}

int parley_linux_thread_join(uint64_t handle) { return pthread_join((pthread_t)handle, NULL); }

int parley_linux_thread_set_name(const char *name) {
    char buf[16];
    strncpy(buf, name, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    return pthread_setname_np(pthread_self(), buf);
}

int parley_linux_thread_set_affinity(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int parley_linux_thread_set_fifo(int priority) {
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = priority;
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}

int parley_linux_thread_set_timer_slack_ns(uint64_t slack_ns) {
    if (slack_ns == 0) slack_ns = 1; /* 0 would mean "reset to the default" */
    return prctl(PR_SET_TIMERSLACK, (unsigned long)slack_ns, 0, 0, 0) < 0 ? errno : 0;
}

uint64_t parley_linux_thread_self(void) { return (uint64_t)pthread_self(); }

int parley_linux_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
