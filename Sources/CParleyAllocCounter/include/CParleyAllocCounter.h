#ifndef PARLEY_CPARLEYALLOCCOUNTER_H
#define PARLEY_CPARLEYALLOCCOUNTER_H
/*
 * Counting malloc interposer. Linking this target into an executable replaces
 * malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign, valloc
 * and pvalloc for the whole process; each forwards to glibc's __libc_* entry points
 * (so it can never recurse) and, while counting is enabled, bumps a C11 atomic
 * counter once per allocating call (free is not counted).
 *
 * Link it only into binaries that measure allocations (the `parley` CLI).
 */
#include <stdint.h>

/* Starts counting allocations made by the calling thread; resets the count. */
void parley_alloc_counting_begin(void);
/* Starts counting allocations made by any thread; resets the count. */
void parley_alloc_counting_begin_all_threads(void);
/* Stops counting and returns the number of allocations counted since begin. */
uint64_t parley_alloc_counting_end(void);
/* 1 when this binary's malloc is the counting interposer (a self-check). */
int parley_alloc_counter_is_active(void);

#endif
