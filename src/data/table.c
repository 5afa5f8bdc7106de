/* table.c - loads per-architecture numeric tables (arch_index,arch_str,<cols>) from CSV. */
#include "hwnas/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/csv.h"

typedef struct loader {
    hw_csv csv;
    hw_table *t;
    hw_arch_key_fn key_fn;
    size_t cap;          /* rows allocated */
    size_t mask;         /* hash slots - 1 (a power of two minus one) */
    size_t *by_index;    /* open addressing on arch_index: row + 1, 0 = empty */
    size_t *by_key;      /* open addressing on key: row + 1, 0 = empty */
} loader;

/* A parsed row, not yet committed to the table. */
typedef struct row {
    long index;
    uint32_t key;
    size_t *index_slot, *key_slot;
} row;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t *index_slot(const loader *ld, long index)
{
    size_t i = (size_t)mix64((uint64_t)index) & ld->mask;
    while (ld->by_index[i] && ld->t->arch_index[ld->by_index[i] - 1] != index)
        i = (i + 1) & ld->mask;
    return &ld->by_index[i];
}

static size_t *key_slot(const loader *ld, uint32_t key)
{
    size_t i = (size_t)mix64(key) & ld->mask;
    while (ld->by_key[i] && ld->t->key[ld->by_key[i] - 1] != key)
        i = (i + 1) & ld->mask;
    return &ld->by_key[i];
}

static int check_header_start(const hw_csv *c, hw_err *err)
{
    if (c->n_field < 1 || strcmp(c->field[0], "arch_index") != 0)
        return hw_csv_field_err(c, 0, err, "the header must start with 'arch_index,arch_str'; "
                                           "rename the first two columns (is this a table CSV?)");
    if (c->n_field < 2 || strcmp(c->field[1], "arch_str") != 0)
        return hw_csv_field_err(c, 1, err, "the header must start with 'arch_index,arch_str'; "
                                           "rename the second column (is this a table CSV?)");
    if (c->n_field < 3)
        return hw_csv_line_err(c, c->line, err, "the header has no value columns after arch_str; "
                                                "add at least one column");
    return 0;
}

static int load_header(loader *ld, hw_err *err)
{
    hw_csv *c = &ld->csv;
    hw_table *t = ld->t;
    int got, rc = hw_csv_next(c, &got, err);
    if (rc)
        return rc;
    if (!got)
        return hw_csv_line_err(c, 1, err, "the file is empty; expected a header "
                                          "'arch_index,arch_str,<columns>' and one row per architecture");
    if ((rc = hw_csv_take_header(c, err)) || (rc = check_header_start(c, err)))
        return rc;
    size_t n = c->n_field - 2;
    if (!(t->col = hw_calloc(n, sizeof *t->col, err)) ||
        !(t->n_missing = hw_calloc(n, sizeof *t->n_missing, err)) ||
        !(t->n_negative = hw_calloc(n, sizeof *t->n_negative, err)))
        return HW_ENOMEM;
    t->n_cols = n;
    for (size_t j = 0; j < n; j++)
        if (!(t->col[j] = strdup(c->field[j + 2])))
            return hw_errf(err, HW_ENOMEM, "%s: out of memory", t->path);
    return 0;
}

static int alloc_rows(loader *ld, hw_err *err)
{
    hw_table *t = ld->t;
    size_t cap = ld->cap = hw_csv_rows_left(&ld->csv), slots = 16;
    while (slots < 2 * cap)
        slots *= 2;
    ld->mask = slots - 1;
    if (!(ld->by_index = hw_calloc(slots, sizeof *ld->by_index, err)) ||
        !(ld->by_key = hw_calloc(slots, sizeof *ld->by_key, err)) ||
        !(t->arch_index = hw_calloc(cap, sizeof *t->arch_index, err)) ||
        !(t->arch_str = hw_calloc(cap, sizeof *t->arch_str, err)) ||
        !(t->key = hw_calloc(cap, sizeof *t->key, err)) ||
        !(t->line = hw_calloc(cap, sizeof *t->line, err)) ||
        !(t->val = hw_calloc(cap, t->n_cols * sizeof *t->val, err)))
        return HW_ENOMEM;
    return 0;
}

static int parse_index(loader *ld, row *r, hw_err *err)
{
    const hw_csv *c = &ld->csv;
    const char *s = c->field[0];
    if (!hw_csv_index(s, &r->index))
        return hw_csv_field_err(c, 0, err, "'%.40s' is not a non-negative integer; "
                                           "use the benchmark's architecture index", s);
    r->index_slot = index_slot(ld, r->index);
    if (*r->index_slot)
        return hw_csv_field_err(c, 0, err, "duplicate architecture: arch_index %ld already on line %d; "
                                           "remove one of the two rows", r->index,
                                ld->t->line[*r->index_slot - 1]);
    return 0;
}

static int parse_key(loader *ld, row *r, hw_err *err)
{
    const hw_csv *c = &ld->csv;
    const char *s = c->field[1];
    char why[256] = "";
    if (ld->key_fn(s, &r->key, why, sizeof why) != 0)
        return hw_csv_field_err(c, 1, err, "invalid architecture '%.200s' (%s); fix the string or use "
                                           "a table of this search space", s,
                                why[0] ? why : "rejected by the search space");
    r->key_slot = key_slot(ld, r->key);
    if (*r->key_slot)
        return hw_csv_field_err(c, 1, err, "duplicate architecture: '%.200s' is the same architecture "
                                           "as line %d; remove one of the two rows", s,
                                ld->t->line[*r->key_slot - 1]);
    return 0;
}

/* Parses value column j of the current row into *out (NaN when missing). */
static int parse_cell(loader *ld, size_t j, double *out, hw_err *err)
{
    const hw_csv *c = &ld->csv;
    const char *s = c->field[j + 2];
    double v = NAN;
    if (!hw_csv_is_missing(s) && !hw_csv_double(s, &v))
        return hw_csv_field_err(c, j + 2, err, "'%.40s' is not a number; write a decimal number, "
                                               "or leave the cell empty (or NA) if it is missing", s);
    if (isinf(v))
        return hw_csv_field_err(c, j + 2, err, "infinite value '%.40s'; write a finite number, "
                                               "or leave the cell empty (or NA) if it is missing", s);
    if (isnan(v) || v < 0) {
        ld->t->n_missing[j]++;
        ld->t->n_negative[j] += v < 0;
        v = NAN;
    }
    *out = v + 0.0; /* + 0.0 turns -0 into 0 */
    return 0;
}

static int commit_row(loader *ld, const row *r, hw_err *err)
{
    hw_table *t = ld->t;
    size_t i = t->n_rows;
    if (!(t->arch_str[i] = strdup(ld->csv.field[1])))
        return hw_errf(err, HW_ENOMEM, "%s: out of memory", t->path);
    t->arch_index[i] = r->index;
    t->key[i] = r->key;
    t->line[i] = ld->csv.line;
    t->n_rows++;
    *r->index_slot = i + 1;
    *r->key_slot = i + 1;
    return 0;
}

static int parse_row(loader *ld, hw_err *err)
{
    row r;
    int rc;
    if ((rc = hw_csv_expect_fields(&ld->csv, err)) || (rc = parse_index(ld, &r, err)) ||
        (rc = parse_key(ld, &r, err)))
        return rc;
    double *v = ld->t->val + ld->t->n_rows * ld->t->n_cols;
    for (size_t j = 0; j < ld->t->n_cols; j++)
        if ((rc = parse_cell(ld, j, &v[j], err)))
            return rc;
    return commit_row(ld, &r, err);
}

static int load_rows(loader *ld, hw_err *err)
{
    int got, rc;
    while (!(rc = hw_csv_next(&ld->csv, &got, err)) && got)
        if ((rc = parse_row(ld, err)))
            return rc;
    if (!rc && ld->t->n_rows == 0)
        return hw_csv_line_err(&ld->csv, ld->csv.header_line, err,
                               "the table has a header but no rows; add one row per architecture");
    return rc;
}

int hw_table_load(const char *path, hw_arch_key_fn key_fn, hw_table *t, hw_err *err)
{
    loader ld = {.t = t, .key_fn = key_fn};
    memset(t, 0, sizeof *t);
    if (!key_fn)
        return hw_errf(err, HW_EINPUT, "%s: no arch key function given (internal error)", path);
    if (!(t->path = strdup(path)))
        return hw_errf(err, HW_ENOMEM, "%s: out of memory", path);
    int rc = hw_csv_open(&ld.csv, path, err);
    if (!rc && !(rc = load_header(&ld, err)) && !(rc = alloc_rows(&ld, err)))
        rc = load_rows(&ld, err);
    hw_csv_close(&ld.csv);
    free(ld.by_index);
    free(ld.by_key);
    if (rc)
        hw_table_free(t);
    return rc;
}

void hw_table_free(hw_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->arch_str && i < t->n_rows; i++)
        free(t->arch_str[i]);
    for (size_t j = 0; t->col && j < t->n_cols; j++)
        free(t->col[j]);
    free(t->path);
    free(t->arch_index);
    free(t->arch_str);
    free(t->key);
    free(t->line);
    free(t->col);
    free(t->val);
    free(t->n_missing);
    free(t->n_negative);
    memset(t, 0, sizeof *t);
}

int hw_table_col(const hw_table *t, const char *name)
{
    for (size_t j = 0; t->col && j < t->n_cols; j++)
        if (strcmp(t->col[j], name) == 0)
            return (int)j;
    return -1;
}

long hw_table_find_key(const hw_table *t, uint32_t key)
{
    for (size_t i = 0; t->key && i < t->n_rows; i++)
        if (t->key[i] == key)
            return (long)i;
    return -1;
}

int hw_table_add_col(hw_table *t, const char *name, const double *v, hw_err *err)
{
    size_t nc = t->n_cols + 1;
    char **col = realloc(t->col, nc * sizeof *col);
    if (col)
        t->col = col;
    double *val = col ? malloc(t->n_rows * nc * sizeof *val + 1) : NULL;
    size_t *miss = val ? realloc(t->n_missing, nc * sizeof *miss) : NULL;
    if (miss)
        t->n_missing = miss;
    size_t *neg = miss ? realloc(t->n_negative, nc * sizeof *neg) : NULL;
    if (neg)
        t->n_negative = neg;
    char *dup = neg ? strdup(name) : NULL;
    if (!dup) {
        free(val);
        return hw_errf(err, HW_ENOMEM, "out of memory adding column %s to %s", name, t->path);
    }
    t->n_missing[t->n_cols] = t->n_negative[t->n_cols] = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        memcpy(val + r * nc, t->val + r * t->n_cols, t->n_cols * sizeof *val);
        val[r * nc + t->n_cols] = v[r];
        t->n_missing[t->n_cols] += v[r] != v[r];
    }
    free(t->val);
    t->val = val, t->col[t->n_cols] = dup, t->n_cols = nc;
    return HW_OK;
}
