/* hwnas/table.h - per-architecture numeric tables read from CSV
 * (latency tables in ms, accuracy tables in %) and measured-latency lists.
 *
 * Table layout: header `arch_index,arch_str,<col>,<col>,...`, one row per
 * architecture. Cells: a decimal number; empty, "nan", "NaN", "NA" = missing;
 * a negative number (e.g. the -1 placeholders of HW-NAS-Bench) = missing too,
 * counted apart. Missing cells are stored as NaN and counted per column: they
 * are excluded from that column's statistics, never read as 0.
 * Errors (one line, "path:line: column 'x': what is wrong, what to do",
 * code HW_EINPUT): unreadable or empty file, bad header, duplicate column,
 * wrong field count, non-numeric or infinite cell, invalid arch string,
 * duplicate architecture (same key or same arch_index). */
#ifndef HWNAS_TABLE_H
#define HWNAS_TABLE_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"

/* Validates an arch string and maps it to the space's canonical key.
 * Returns 0 on success; otherwise writes a short reason into why. */
typedef int (*hw_arch_key_fn)(const char *arch_str, uint32_t *key, char *why, size_t why_len);

typedef struct hw_table {
    char *path;          /* as given, used in messages */
    size_t n_rows;
    long *arch_index;    /* [n_rows] the benchmark index from the file */
    char **arch_str;     /* [n_rows] */
    uint32_t *key;       /* [n_rows] canonical key from key_fn */
    int *line;           /* [n_rows] 1-based source line of each row */
    size_t n_cols;       /* value columns (after arch_index, arch_str) */
    char **col;          /* [n_cols] column names */
    double *val;         /* [n_rows * n_cols] row-major, NaN = missing */
    size_t *n_missing;   /* [n_cols] empty/NaN/NA cells + negative cells */
    size_t *n_negative;  /* [n_cols] of which negative placeholders */
} hw_table;

int  hw_table_load(const char *path, hw_arch_key_fn key_fn, hw_table *t, hw_err *err);
void hw_table_free(hw_table *t);
/* Column index of name, or -1. */
int  hw_table_col(const hw_table *t, const char *name);
/* Appends a column name with values v[n_rows] (NaN = missing). */
int  hw_table_add_col(hw_table *t, const char *name, const double *v, hw_err *err);
/* Row of key (linear map built lazily is not needed: callers build their own
 * key->row maps); returns -1 when absent. O(n). */
long hw_table_find_key(const hw_table *t, uint32_t key);

/* Measured latencies of new devices: CSV `arch_str,device,latency_ms`
 * (header required, columns in this order). Errors: bad header, wrong field
 * count, invalid arch string, empty device name, non-numeric, non-positive or
 * non-finite latency, duplicate (arch, device) pair. */
typedef struct hw_measured {
    char *path;
    size_t n;            /* rows */
    uint32_t *key;       /* [n] */
    char **arch_str;     /* [n] */
    char **device;       /* [n] */
    double *latency_ms;  /* [n] */
    int *line;           /* [n] */
} hw_measured;

int  hw_measured_load(const char *path, hw_arch_key_fn key_fn, hw_measured *m, hw_err *err);
void hw_measured_free(hw_measured *m);

#endif
