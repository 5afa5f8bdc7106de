/* csv.c - whole-file CSV line reader: BOM, \n and \r\n, comma split, no quoting. */
#include "hwnas/csv.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow_buf(hw_csv *c, size_t *cap, hw_err *err)
{
    if (*cap > SIZE_MAX / 2)
        return hw_errf(err, HW_ENOMEM, "%s: file too large to read into memory", c->path);
    char *p = realloc(c->buf, *cap * 2);
    if (!p)
        return hw_errf(err, HW_ENOMEM, "%s: out of memory reading the file", c->path);
    c->buf = p;
    *cap *= 2;
    return 0;
}

static int read_all(hw_csv *c, FILE *f, hw_err *err)
{
    size_t cap = 1 << 16, got;
    if (!(c->buf = malloc(cap)))
        return hw_errf(err, HW_ENOMEM, "%s: out of memory reading the file", c->path);
    do {
        if (cap - c->len < 2 && grow_buf(c, &cap, err))
            return HW_ENOMEM;
        got = fread(c->buf + c->len, 1, cap - c->len - 1, f);
        c->len += got;
    } while (got > 0);
    if (ferror(f))
        return hw_errf(err, HW_EINPUT, "%s: cannot read (%s); check the path or the data_dir setting",
                       c->path, strerror(errno ? errno : EIO));
    c->buf[c->len] = '\0';
    return 0;
}

static int check_nul(const hw_csv *c, hw_err *err)
{
    const char *nul = memchr(c->buf, '\0', c->len);
    if (!nul)
        return 0;
    int line = 1;
    for (const char *p = c->buf; p < nul; p++)
        line += *p == '\n';
    return hw_csv_line_err(c, line, err, "the file contains a NUL byte; it is not a text CSV file, "
                                         "check the path or re-export the data as plain CSV");
}

int hw_csv_open(hw_csv *c, const char *path, hw_err *err)
{
    memset(c, 0, sizeof *c);
    if (!(c->path = strdup(path)))
        return hw_errf(err, HW_ENOMEM, "%s: out of memory", path);
    errno = 0;
    FILE *f = fopen(path, "rb");
    int rc;
    if (!f)
        rc = hw_errf(err, HW_EINPUT, "%s: cannot open (%s); check the path or the data_dir setting",
                     path, strerror(errno));
    else {
        rc = read_all(c, f, err);
        fclose(f);
    }
    if (!rc)
        rc = check_nul(c, err);
    if (!rc && c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
    if (rc)
        hw_csv_close(c);
    return rc;
}

/* Cuts the next line out of the buffer (without its line end); NULL at EOF. */
static char *next_line(hw_csv *c)
{
    if (c->pos >= c->len)
        return NULL;
    char *s = c->buf + c->pos;
    char *nl = memchr(s, '\n', c->len - c->pos);
    size_t n = nl ? (size_t)(nl - s) : c->len - c->pos;
    c->pos += n + (nl != NULL);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    s[n] = '\0';
    c->line++;
    return s;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t'; }

static int is_blank(const char *s)
{
    while (is_space(*s))
        s++;
    return *s == '\0';
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int push_field(hw_csv *c, char *s, hw_err *err)
{
    if (c->n_field == c->cap_field) {
        size_t cap = c->cap_field ? 2 * c->cap_field : 32;
        char **p = realloc(c->field, cap * sizeof *p);
        if (!p)
            return hw_errf(err, HW_ENOMEM, "%s:%d: out of memory splitting the line", c->path, c->line);
        c->field = p;
        c->cap_field = cap;
    }
    c->field[c->n_field++] = trim(s);
    if (strchr(s, '"'))
        return hw_csv_field_err(c, c->n_field - 1, err,
                                "quoted fields are not supported; remove the double quotes "
                                "(values cannot contain commas or quotes)");
    return 0;
}

static int split(hw_csv *c, char *s, hw_err *err)
{
    c->n_field = 0;
    for (;;) {
        char *end = strchr(s, ',');
        if (end)
            *end = '\0';
        int rc = push_field(c, s, err);
        if (rc || !end)
            return rc;
        s = end + 1;
    }
}

int hw_csv_next(hw_csv *c, int *got, hw_err *err)
{
    char *s;
    *got = 0;
    c->n_field = 0;
    while ((s = next_line(c)) != NULL) {
        if (!is_blank(s)) {
            *got = 1;
            return split(c, s, err);
        }
    }
    return 0;
}

size_t hw_csv_rows_left(const hw_csv *c)
{
    size_t n = 1;
    const char *p = c->buf + c->pos, *end = c->buf + c->len;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

static int check_names(const hw_csv *c, hw_err *err)
{
    for (size_t k = 0; k < c->n_names; k++) {
        if (c->names[k][0] == '\0')
            return hw_csv_field_err(c, k, err, "empty column name; name every column in the header "
                                               "(check for a trailing or doubled comma)");
        for (size_t i = 0; i < k; i++)
            if (strcmp(c->names[i], c->names[k]) == 0)
                return hw_csv_field_err(c, k, err, "duplicate column name (also field %zu); "
                                                   "rename or remove one of them", i + 1);
    }
    return 0;
}

int hw_csv_take_header(hw_csv *c, hw_err *err)
{
    free(c->names);
    c->n_names = 0;
    if (!(c->names = hw_calloc(c->n_field, sizeof *c->names, err)))
        return HW_ENOMEM;
    memcpy(c->names, c->field, c->n_field * sizeof *c->names);
    c->n_names = c->n_field;
    c->header_line = c->line;
    return check_names(c, err);
}

const char *hw_csv_name(const hw_csv *c, size_t k)
{
    return k < c->n_names ? c->names[k] : NULL;
}

int hw_csv_expect_fields(const hw_csv *c, hw_err *err)
{
    size_t got = c->n_field, want = c->n_names;
    if (got < want)
        return hw_csv_field_err(c, got, err, "missing: the row has %zu fields, expected %zu as in "
                                "the header on line %d; check for a missing value or comma",
                                got, want, c->header_line);
    if (got > want)
        return hw_csv_field_err(c, want, err, "extra field: the row has %zu fields, expected %zu as "
                                "in the header on line %d; check for an extra comma",
                                got, want, c->header_line);
    return 0;
}

int hw_csv_field_err(const hw_csv *c, size_t k, hw_err *err, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *name = hw_csv_name(c, k);
    if (name)
        return hw_errf(err, HW_EINPUT, "%s:%d: column '%s' (field %zu): %s", c->path, c->line,
                       name, k + 1, what);
    return hw_errf(err, HW_EINPUT, "%s:%d: field %zu: %s", c->path, c->line, k + 1, what);
}

int hw_csv_line_err(const hw_csv *c, int line, hw_err *err, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return hw_errf(err, HW_EINPUT, "%s:%d: %s", c->path, line, what);
}

int hw_csv_is_missing(const char *s)
{
    return s[0] == '\0' || strcmp(s, "nan") == 0 || strcmp(s, "NaN") == 0 || strcmp(s, "NA") == 0;
}

int hw_csv_double(const char *s, double *v)
{
    char *end;
    if (s[0] == '\0')
        return 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0';
}

int hw_csv_index(const char *s, long *v)
{
    long x = 0;
    if (s[0] == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (x > (LONG_MAX - (*s - '0')) / 10)
            return 0;
        x = 10 * x + (*s - '0');
    }
    *v = x;
    return 1;
}

void hw_csv_close(hw_csv *c)
{
    free(c->path);
    free(c->buf);
    free(c->field);
    free(c->names);
    memset(c, 0, sizeof *c);
}
