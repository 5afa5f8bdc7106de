/* hwnas/csv.h - small CSV line reader shared by the data loaders.
 *
 * Contract: hw_csv_open reads the whole file into memory (a UTF-8 BOM at the
 * start is skipped). hw_csv_next hands out the next non-blank line, with its
 * 1-based line number, split on commas into fields that point into the file
 * buffer (valid until hw_csv_close). Lines end in \n or \r\n; the last line
 * may lack its newline. Fields are trimmed of surrounding spaces and tabs.
 * Blank (empty or whitespace-only) lines are skipped but still counted.
 * No quoting: a field holding '"' is an error. Every error is one line,
 * "path:line: column 'name' (field k): what is wrong; what to do", code
 * HW_EINPUT (HW_ENOMEM when an allocation fails). No global state. */
#ifndef HWNAS_CSV_H
#define HWNAS_CSV_H
#include <stddef.h>

#include "hwnas/error.h"

typedef struct hw_csv {
    char *path;          /* copy of the path given to hw_csv_open */
    char *buf;           /* whole file, NUL-terminated; lines are cut in place */
    size_t len;          /* bytes in buf */
    size_t pos;          /* start of the next unread line */
    int line;            /* 1-based line number of the current row; 0 before */
    char **field;        /* [n_field] fields of the current row (into buf) */
    size_t n_field, cap_field;
    char **names;        /* [n_names] header names (into buf), see take_header */
    size_t n_names;
    int header_line;     /* line of the header, 0 if none was taken */
} hw_csv;

/* Reads path into memory. On failure c is left closed (safe to close again).
 * Errors: "path: cannot open (strerror); check the path or the data_dir
 * setting", a read error, or a NUL byte in the file. */
int hw_csv_open(hw_csv *c, const char *path, hw_err *err);

/* Advances to the next non-blank line and splits it into c->field.
 * *got = 1 when a row was read, 0 at end of file. */
int hw_csv_next(hw_csv *c, int *got, hw_err *err);

/* Upper bound on the number of rows hw_csv_next can still return. */
size_t hw_csv_rows_left(const hw_csv *c);

/* Makes the current row the header: its fields become the column names used
 * in messages and by hw_csv_expect_fields. Errors: an empty column name or a
 * duplicate one (names the earlier field). */
int hw_csv_take_header(hw_csv *c, hw_err *err);

/* Header name of field k (0-based), or NULL when there is none. */
const char *hw_csv_name(const hw_csv *c, size_t k);

/* Checks that the current row has as many fields as the header. */
int hw_csv_expect_fields(const hw_csv *c, hw_err *err);

/* HW_EINPUT error about field k (0-based) of the current row:
 * "path:line: column 'name' (field k+1): <fmt...>". Returns HW_EINPUT. */
int hw_csv_field_err(const hw_csv *c, size_t k, hw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* HW_EINPUT error about a whole line: "path:line: <fmt...>". */
int hw_csv_line_err(const hw_csv *c, int line, hw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 1 when s is a missing-value marker: "", "nan", "NaN" or "NA". */
int hw_csv_is_missing(const char *s);

/* 1 when all of s is a number for strtod (result may be inf or nan). */
int hw_csv_double(const char *s, double *v);

/* 1 when s is a non-negative decimal integer (digits only) that fits a long. */
int hw_csv_index(const char *s, long *v);

/* Frees everything; safe on a zeroed or already closed struct. */
void hw_csv_close(hw_csv *c);

#endif
