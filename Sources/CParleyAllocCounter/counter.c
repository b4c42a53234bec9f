/*
 * Counting malloc interposer (see the header). Safety invariants:
 * - every entry point forwards to a glibc __libc_* function, which never calls
 *   back into these symbols, so there is no recursion and no dlsym bootstrap;
 * - the counter and the process-wide flag are C11 atomics; the per-thread flag is
 *   initial-exec TLS in the executable itself, so reading it never allocates;
 * - counting has no effect on what is allocated or returned.
 */
#include "CParleyAllocCounter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_uint_fast64_t allocation_count;
static atomic_bool counting_all_threads;
static _Thread_local __attribute__((tls_model("initial-exec"))) int counting_this_thread;

static inline void note_allocation(void) {
    if (counting_this_thread || atomic_load_explicit(&counting_all_threads, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocation_count, 1, memory_order_relaxed);
    }
}

void parley_alloc_counting_begin(void) {
    atomic_store_explicit(&allocation_count, 0, memory_order_relaxed);
    counting_this_thread = 1;
}

void parley_alloc_counting_begin_all_threads(void) {
    atomic_store_explicit(&allocation_count, 0, memory_order_relaxed);
    atomic_store_explicit(&counting_all_threads, 1, memory_order_release);
}

uint64_t parley_alloc_counting_end(void) {
    counting_this_thread = 0;
    atomic_store_explicit(&counting_all_threads, 0, memory_order_release);
    return (uint64_t)atomic_load_explicit(&allocation_count, memory_order_acquire);
}

int parley_alloc_counter_is_active(void) {
    int was = counting_this_thread;
    uint64_t before = atomic_load_explicit(&allocation_count, memory_order_relaxed);
    counting_this_thread = 1;
    void *volatile p = malloc(1);
    counting_this_thread = was;
    free(p);
    return atomic_load_explicit(&allocation_count, memory_order_relaxed) != before;
}

void *malloc(size_t size) {
    note_allocation();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note_allocation();
    return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size) {
    note_allocation();
    return __libc_realloc(ptr, size);
}

void free(void *ptr) { __libc_free(ptr); }

void *memalign(size_t alignment, size_t size) {
    note_allocation();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note_allocation();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    note_allocation();
    void *p = __libc_memalign(alignment, size);
    if (!p && size != 0) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size) {
    note_allocation();
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    note_allocation();
    return __libc_pvalloc(size);
}
