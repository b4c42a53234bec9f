#ifndef PARLEY_CPARLEYALLOCCOUNTER_H
#define PARLEY_CPARLEYALLOCCOUNTER_H
/* Placeholder: counting malloc interposer (filled in by the realtime core work). */
unsigned long long parley_alloc_count(void);
#endif
