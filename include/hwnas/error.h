/* hwnas/error.h - errors are returned, never exit()ed below main.
 * Every fallible function returns int (0 = ok, HW_E* otherwise) and fills a
 * caller-owned hw_err with one line: "where: what is wrong, what to do". */
#ifndef HWNAS_ERROR_H
#define HWNAS_ERROR_H
#include <stddef.h>

enum {
    HW_OK = 0,
    HW_EINPUT = 2,   /* bad config, CSV, arch string, command line: exit code 2 */
    HW_EIO = 3,      /* file system or MPI failure */
    HW_ENUM = 4,     /* numerical failure (LAPACK info != 0, singular system) */
    HW_ENOMEM = 5,
    HW_EBUSY = 6,     /* the campaign directory is locked by another run */
    HW_ERESUME = 75   /* stopped on request (SIGTERM/SIGINT): resumable with --resume (EX_TEMPFAIL) */
};

typedef struct hw_err {
    int code;
    char msg[1024];
} hw_err;

/* Sets err->code = code and formats the message; returns code so callers can
 * write `return hw_errf(err, HW_EINPUT, "%s:%d: ...", file, line);`.
 * err may be NULL (the message is then dropped). */
int hw_errf(hw_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation helpers that never return NULL silently: on failure they set err
 * (HW_ENOMEM) and return NULL. n*size overflow is checked. */
void *hw_calloc(size_t n, size_t size, hw_err *err);

#endif
