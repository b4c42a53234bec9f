/*
 * Counting malloc interposer (see the header). Safety invariants:
 * - every entry point forwards to a glibc __libc_* function, which never calls
 *   back into these symbols, so there is no recursion and no dlsym bootstrap;
 * - the counter and the process-wide flag are C11 atomics; the per-thread flag is
 *   initial-exec TLS in the executable itself, so reading it never allocates;
 * - per-thread rows are claimed with an atomic counter (one row per thread per
 *   counting window); a row's name is written by its thread before the release
 *   store of `ready`, and read only after an acquiring load of it; naming uses
 *   prctl(PR_GET_NAME), a syscall that never allocates;
 * - counting has no effect on what is allocated or returned.
 */
#include "CParleyAllocCounter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>

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

#define PARLEY_ALLOC_THREAD_ROWS 64

struct thread_row {
    char name[16];
    atomic_uint_fast64_t count;
    atomic_int ready;
};

static struct thread_row thread_rows[PARLEY_ALLOC_THREAD_ROWS];
static atomic_int thread_rows_claimed;
/* Counting window number; a thread's row is valid while its generation matches. */
static atomic_uint window_generation;
static _Thread_local __attribute__((tls_model("initial-exec"))) unsigned row_generation;
static _Thread_local __attribute__((tls_model("initial-exec"))) int row_index = -1;

static inline void note_thread_allocation(void) {
    unsigned generation = atomic_load_explicit(&window_generation, memory_order_relaxed);
    if (row_generation != generation) {
        row_generation = generation;
        row_index = atomic_fetch_add_explicit(&thread_rows_claimed, 1, memory_order_relaxed);
        if (row_index < PARLEY_ALLOC_THREAD_ROWS) {
            struct thread_row *row = &thread_rows[row_index];
            memset(row->name, 0, sizeof row->name);
            prctl(PR_GET_NAME, (unsigned long)row->name, 0, 0, 0);
            row->name[15] = 0;
            atomic_store_explicit(&row->count, 0, memory_order_relaxed);
            /* Publishes the name: pairs with the acquiring load in parley_alloc_thread_row. */
            atomic_store_explicit(&row->ready, 1, memory_order_release);
        }
    }
    if (row_index >= 0 && row_index < PARLEY_ALLOC_THREAD_ROWS) {
        atomic_fetch_add_explicit(&thread_rows[row_index].count, 1, memory_order_relaxed);
    }
}

static inline void note_allocation(void) {
    if (atomic_load_explicit(&counting_all_threads, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocation_count, 1, memory_order_relaxed);
        note_thread_allocation();
    } else if (counting_this_thread) {
        atomic_fetch_add_explicit(&allocation_count, 1, memory_order_relaxed);
    }
}

void parley_alloc_counting_begin(void) {
    atomic_store_explicit(&allocation_count, 0, memory_order_relaxed);
    counting_this_thread = 1;
}

void parley_alloc_counting_begin_all_threads(void) {
    atomic_store_explicit(&allocation_count, 0, memory_order_relaxed);
    for (int i = 0; i < PARLEY_ALLOC_THREAD_ROWS; i++) {
        atomic_store_explicit(&thread_rows[i].ready, 0, memory_order_relaxed);
    }
    atomic_store_explicit(&thread_rows_claimed, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&window_generation, 1, memory_order_relaxed);
    atomic_store_explicit(&counting_all_threads, 1, memory_order_release);
}

uint64_t parley_alloc_counting_end(void) {
    counting_this_thread = 0;
    atomic_store_explicit(&counting_all_threads, 0, memory_order_release);
    return (uint64_t)atomic_load_explicit(&allocation_count, memory_order_acquire);
}

int parley_alloc_thread_row_count(void) {
    int n = atomic_load_explicit(&thread_rows_claimed, memory_order_relaxed);
    return n < PARLEY_ALLOC_THREAD_ROWS ? n : PARLEY_ALLOC_THREAD_ROWS;
}

uint64_t parley_alloc_thread_row(int index, char *name) {
    name[0] = 0;
    if (index < 0 || index >= parley_alloc_thread_row_count()) return 0;
    struct thread_row *row = &thread_rows[index];
    /* Acquire pairs with the releasing store of `ready` by the row's thread. */
    if (!atomic_load_explicit(&row->ready, memory_order_acquire)) return 0;
    memcpy(name, row->name, sizeof row->name);
    name[15] = 0;
    return (uint64_t)atomic_load_explicit(&row->count, memory_order_relaxed);
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
