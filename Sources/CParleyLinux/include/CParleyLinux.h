#ifndef PARLEY_CPARLEYLINUX_H
#define PARLEY_CPARLEYLINUX_H
/* Placeholder: the realtime core fills this in (epoll, timerfd, absolute sleeps,
   recvmmsg/sendmmsg, thread naming/affinity/priority). */
int parley_linux_placeholder(void);
#endif
