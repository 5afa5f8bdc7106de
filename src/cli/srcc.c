/* `hwnas srcc A.csv COL_A B.csv COL_B`: Spearman and Kendall tau-b between a
 * column of two CSV files joined on their arch_index column (e.g. a proxy in
 * candidates.csv against NAS-Bench-Suite-Zero's reference scores). Empty and
 * "nan" cells are missing; "-inf"/"inf" are ordinary extreme values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/cli.h"
#include "hwnas/csv.h"
#include "hwnas/stats.h"

#define MAX_INDEX 1000000L

typedef struct { double *v; long n; } column;

static int find_col(const hw_csv *c, const char *name, hw_err *err)
{
    for (size_t k = 0; k < c->n_names; k++)
        if (strcmp(c->names[k], name) == 0)
            return (int)k;
    hw_errf(err, HW_EINPUT, "%s:%d: no column '%s'; see the header", c->path, c->header_line, name);
    return -1;
}

static double cell(const char *s)
{
    double v;
    if (hw_csv_is_missing(s))
        return NAN;
    if (!strcmp(s, "-inf") || !strcmp(s, "inf"))
        return s[0] == '-' ? -INFINITY : INFINITY;
    return hw_csv_double(s, &v) ? v : NAN;
}

/* Reads column name of path into col->v[arch_index] (NaN where absent). */
static int read_column(const char *path, const char *name, column *col, hw_err *err)
{
    hw_csv c = {0};
    int got = 0, rc = hw_csv_open(&c, path, err);
    if (!rc && !(rc = hw_csv_next(&c, &got, err)) && got)
        rc = hw_csv_take_header(&c, err);
    int ki = rc ? -1 : find_col(&c, "arch_index", err), kv = ki < 0 ? -1 : find_col(&c, name, err);
    if (!rc && (ki < 0 || kv < 0))
        rc = HW_EINPUT;
    col->n = MAX_INDEX;
    if (!rc && !(col->v = malloc((size_t)MAX_INDEX * sizeof *col->v)))
        rc = hw_errf(err, HW_ENOMEM, "out of memory");
    for (long i = 0; !rc && i < MAX_INDEX; i++)
        col->v[i] = NAN;
    while (!rc && !(rc = hw_csv_next(&c, &got, err)) && got) {
        long idx;
        if ((rc = hw_csv_expect_fields(&c, err)))
            break;
        if (!hw_csv_index(c.field[ki], &idx) || idx >= MAX_INDEX)
            rc = hw_csv_field_err(&c, (size_t)ki, err, "'%s' is not an arch index below %ld", c.field[ki], MAX_INDEX);
        else
            col->v[idx] = cell(c.field[kv]);
    }
    hw_csv_close(&c);
    return rc;
}

int hw_cmd_srcc(int argc, char **argv)
{
    hw_err err = {0};
    if (argc != 5) {
        fprintf(stderr, "hwnas: error: usage: hwnas srcc A.csv COLUMN B.csv COLUMN (both with an arch_index column)\n");
        return HW_EINPUT;
    }
    column a = {0}, b = {0};
    int rc = read_column(argv[1], argv[2], &a, &err);
    if (!rc)
        rc = read_column(argv[3], argv[4], &b, &err);
    if (!rc) {
        size_t n;
        double s = hw_spearman(a.v, b.v, (size_t)MAX_INDEX, &n), t = hw_kendall_tau_b(a.v, b.v, (size_t)MAX_INDEX, NULL);
        printf("n,spearman,kendall_tau\n%zu,%.6f,%.6f\n", n, s, t);
    } else {
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    }
    free(a.v), free(b.v);
    return rc;
}
