/* tests/unit/testutil.h - shared helpers for the cmocka unit tests. */
#ifndef HWNAS_TESTUTIL_H
#define HWNAS_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shared data directory: $HWNAS_DATA_DIR, else ../shared/data. */
static inline const char *test_data_dir(void)
{
    const char *d = getenv("HWNAS_DATA_DIR");
    return d && *d ? d : "../shared/data";
}

/* Writes text into a fresh temporary file and returns its path (static buffer
 * per call site is not shared: the caller passes its own buffer of 64 bytes). */
static inline const char *test_write_tmp(char *buf, const char *suffix, const char *text)
{
    snprintf(buf, 64, "/tmp/hwnas-test-XXXXXX%s", suffix);
    int fd = mkstemps(buf, (int)strlen(suffix));
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return buf;
}

#define assert_close(a, b, tol)                                                          \
    do {                                                                                 \
        double a_ = (a), b_ = (b);                                                       \
        if (!(fabs(a_ - b_) <= (tol)))                                                   \
            fail_msg("%s = %.12g, expected %.12g (tol %g)", #a, a_, b_, (double)(tol)); \
    } while (0)

#endif
