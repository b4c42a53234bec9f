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
/* While counting all threads, allocations are also tallied per thread: the first
 * allocation a thread makes in a counting window claims a row holding the thread's
 * name (prctl PR_GET_NAME, 15 bytes) and its count. Up to 64 rows; allocations of
 * threads beyond them are counted only in the total. Read the rows after
 * parley_alloc_counting_end(). */
int parley_alloc_thread_row_count(void);
/* Row `index`: copies the thread name (NUL-terminated) into `name` (16 bytes) and
 * returns that thread's allocation count; 0 and an empty name for a bad index. */
uint64_t parley_alloc_thread_row(int index, char *name);
/* 1 when this binary's malloc is the counting interposer (a self-check). */
int parley_alloc_counter_is_active(void);

#endif
