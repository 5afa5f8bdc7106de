#include "hwnas/error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Keeps the message one line: control characters quoted from a hostile file (a newline in a config string,
 * an escape sequence in a CSV cell) become '?'. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int hw_errf(hw_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        one_line(err->msg);
        err->code = code;
    }
    return code;
}

void *hw_calloc(size_t n, size_t size, hw_err *err)
{
    if (size && n > SIZE_MAX / size) {
        hw_errf(err, HW_ENOMEM, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        hw_errf(err, HW_ENOMEM, "out of memory allocating %zu bytes", n * size);
    return p;
}
