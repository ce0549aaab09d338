/* alloccount.c - linked only into build/.../gridalertd-alloc with
 * -Wl,--wrap=malloc,... so that every heap call made by OUR objects goes
 * through here (shared libraries such as mbedTLS call libc directly and are
 * not counted: their allocations are theirs, docs/architecture.md). After the daemon
 * says "ready" the count must stay 0 (docs/architecture.md, Memory). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void ga_alloc_mark_ready(void);
unsigned long ga_alloc_after_ready(void);

static bool ready;
static unsigned long count;

void ga_alloc_mark_ready(void)
{
	ready = true;
}

unsigned long ga_alloc_after_ready(void)
{
	return count;
}

void *__wrap_malloc(size_t n)
{
	count += ready;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	count += ready;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	count += ready;
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	count += ready;
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	count += ready;
	return __real_strndup(s, n);
}
