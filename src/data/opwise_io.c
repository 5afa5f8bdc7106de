/* Saved op-wise predictors (include/hwnas/opwise.h): a versioned text file,
 * one "key value" a line, so a later campaign reuses it instead of profiling. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwnas/opwise.h"

int hw_opw_save(const char *path, const hw_opw_model *m, int n, hw_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return hw_errf(err, HW_EIO, "%s: cannot write (%s); check the directory", path, strerror(errno));
    fprintf(f, "# hwnas operation-wise latency predictor (README: \"The host as a latency device\")\n");
    fprintf(f, "format %d\nengine %d\ncpu %s\nblas_core %s\ndate %s\n", HW_OPW_FORMAT, HW_OPW_ENGINE, m[0].cpu,
            m[0].blas_core, m[0].date);
    for (int i = 0; i < n; i++) {
        const hw_opw_model *d = &m[i];
        fprintf(f, "device %s\nthreads %d\nmeasurements %d\nseconds %.3f\nscale %.17g\noverhead_ms %.17g\n",
                d->device, d->threads, d->measurements, d->seconds, d->scale, d->overhead_ms);
        for (int k = 0; k < HW_OPW_KINDS; k++)
            fprintf(f, "kind_scale %s %.17g\n", hw_opw_kind_name(k), d->kind_scale[k]);
        fprintf(f, "kind_overhead_ms %.17g\n", d->kind_overhead_ms);
        if (d->canary_ms > 0)
            fprintf(f, "canary_ms %.17g\n", d->canary_ms);
        for (int u = 0; u < HW_OPW_UNITS; u++)
            fprintf(f, "unit %s %.17g\n", hw_opw_unit_name(u), d->unit_ms[u]);
        for (int k = 0; k < d->n_fit; k++)
            fprintf(f, "fit %u %.17g\n", (unsigned)d->fit_key[k], d->fit_ms[k]);
        fprintf(f, "end\n");
    }
    if (fclose(f) != 0)
        return hw_errf(err, HW_EIO, "%s: write failed (%s)", path, strerror(errno));
    return HW_OK;
}

typedef struct {
    const char *path;
    int line;
    hw_err *err;
} rd;

static int bad(rd *r, const char *what)
{
    return hw_errf(r->err, HW_EINPUT, "%s:%d: %s; re-create the file with `hwnas profile --predictor`", r->path,
                   r->line, what);
}

static int num(rd *r, const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(*v))
        return bad(r, "not a finite number");
    return HW_OK;
}

static int unit_index(const char *name)
{
    for (int u = 0; u < HW_OPW_UNITS; u++)
        if (strcmp(hw_opw_unit_name(u), name) == 0)
            return u;
    return -1;
}

/* One line of a device block: key, value (rest of the line). */
static int device_line(rd *r, hw_opw_model *d, const char *key, char *val, unsigned *units)
{
    double v = 0;
    char *sp = strchr(val, ' ');
    if (!strcmp(key, "kind_scale")) {
        int k = 0;
        if (!sp)
            return bad(r, "expected a kind and a value");
        *sp = 0;
        while (k < HW_OPW_KINDS && strcmp(hw_opw_kind_name(k), val) != 0)
            k++;
        if (k == HW_OPW_KINDS)
            return bad(r, "unknown op kind (skip, conv1x1, conv3x3, pool3x3)");
        int rc = num(r, sp + 1, &d->kind_scale[k]);
        *units |= 1u << (HW_OPW_UNITS + k);
        return rc;
    }
    if (!strcmp(key, "unit") || !strcmp(key, "fit")) {
        if (!sp)
            return bad(r, "expected a name and a value");
        *sp = 0;
        int rc = num(r, sp + 1, &v);
        if (rc || !(v >= 0))
            return rc ? rc : bad(r, "negative time");
        if (!strcmp(key, "unit")) {
            int u = unit_index(val);
            if (u < 0)
                return bad(r, "unknown unit");
            d->unit_ms[u] = v, *units |= 1u << u;
            return HW_OK;
        }
        double k;
        if ((rc = num(r, val, &k)) || k < 0 || k >= HW_NB201_N_ARCHS || d->n_fit >= HW_OPW_MAX_FIT)
            return rc ? rc : bad(r, "bad fit arch key or too many fit lines");
        d->fit_key[d->n_fit] = (uint32_t)k, d->fit_ms[d->n_fit++] = v;
        return HW_OK;
    }
    int rc = num(r, val, &v);
    if (rc)
        return rc;
    if (!strcmp(key, "threads"))
        d->threads = (int)v;
    else if (!strcmp(key, "measurements"))
        d->measurements = (int)v;
    else if (!strcmp(key, "seconds"))
        d->seconds = v;
    else if (!strcmp(key, "scale"))
        d->scale = v;
    else if (!strcmp(key, "overhead_ms"))
        d->overhead_ms = v;
    else if (!strcmp(key, "kind_overhead_ms"))
        d->kind_overhead_ms = v, *units |= 1u << (HW_OPW_UNITS + HW_OPW_KINDS);
    else if (!strcmp(key, "canary_ms") && v > 0)
        d->canary_ms = v;
    else if (!strcmp(key, "canary_ms"))
        return bad(r, "canary_ms is not positive");
    else
        return bad(r, "unknown key");
    return HW_OK;
}

/* A header line: provenance, format and engine versions. */
static int header_line(rd *r, hw_opw_model *hd, const char *key, const char *val)
{
    double v;
    if (!strcmp(key, "cpu"))
        snprintf(hd->cpu, sizeof hd->cpu, "%s", val);
    else if (!strcmp(key, "blas_core"))
        snprintf(hd->blas_core, sizeof hd->blas_core, "%s", val);
    else if (!strcmp(key, "date"))
        snprintf(hd->date, sizeof hd->date, "%s", val);
    else if (!strcmp(key, "format") || !strcmp(key, "engine")) {
        int rc = num(r, val, &v), want = key[0] == 'f' ? HW_OPW_FORMAT : HW_OPW_ENGINE;
        if (rc)
            return rc;
        if ((int)v != want) {
            char m[200];
            snprintf(m, sizeof m, "stale predictor: %.16s version %d, this hwnas needs %d", key, (int)v, want);
            return bad(r, m);
        }
        *(key[0] == 'f' ? &hd->format : &hd->engine) = (int)v;
    } else
        return bad(r, "unknown key before the first `device` line");
    return HW_OK;
}

static int load_lines(FILE *f, rd *r, hw_opw_model *m, int cap, int *n)
{
    char buf[512];
    hw_opw_model hd;
    memset(&hd, 0, sizeof hd);
    hw_opw_model *d = NULL;
    unsigned units = 0, all = (1u << (HW_OPW_UNITS + HW_OPW_KINDS + 1)) - 1;
    while (fgets(buf, sizeof buf, f)) {
        r->line++;
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0] || buf[0] == '#')
            continue;
        char *val = strchr(buf, ' ');
        if (!val && strcmp(buf, "end") != 0)
            return bad(r, "expected `key value`");
        if (val)
            *val++ = 0;
        int rc = HW_OK;
        if (!strcmp(buf, "device")) {
            if (d || *n >= cap)
                return bad(r, d ? "`device` before the previous block's `end`" : "too many devices");
            d = &m[(*n)++];
            *d = hd;
            snprintf(d->device, sizeof d->device, "%s", val);
            units = 0;
        } else if (!strcmp(buf, "end")) {
            if (!d || units != all || d->threads < 1)
                return bad(r, !d ? "`end` outside a device block" : "device block lacks a unit, a kind_scale, kind_overhead_ms or threads");
            d = NULL;
        } else {
            rc = d ? device_line(r, d, buf, val, &units) : header_line(r, &hd, buf, val);
        }
        if (rc)
            return rc;
    }
    if (d || !*n)
        return bad(r, d ? "last device block has no `end`" : "no device block");
    if (!hd.format || !hd.engine)
        return bad(r, "no `format` or `engine` line (not a predictor file, or a stale one)");
    return HW_OK;
}

int hw_opw_load(const char *path, hw_opw_model *m, int cap, int *n, hw_err *err)
{
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return hw_errf(err, HW_EINPUT, "%s: cannot read (%s); give a file written by `hwnas profile --predictor`",
                       path, strerror(errno));
    rd r = {path, 0, err};
    memset(m, 0, (size_t)cap * sizeof *m);
    int rc = load_lines(f, &r, m, cap, n);
    fclose(f);
    return rc;
}

/* Days since 1970-01-01 of "YYYY-MM-DD..." (civil calendar), or -1. */
static long day_number(const char *s)
{
    int y, mo, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int hw_opw_check(const hw_opw_model *m, const char *cpu, const char *blas_core, const char *today, int max_days,
                 char *msg, size_t len)
{
    int bits = 0;
    long age = day_number(today) - day_number(m->date);
    msg[0] = 0;
    if (strcmp(m->cpu, cpu) != 0) {
        bits |= 1;
        snprintf(msg, len, "predictor '%s' was profiled on another CPU ('%s', this is '%s'): its latencies are "
                 "not this machine's; re-profile with `hwnas profile --predictor`", m->device, m->cpu, cpu);
    } else if (strcmp(m->blas_core, blas_core) != 0) {
        bits |= 2;
        snprintf(msg, len, "predictor '%s' was profiled with OpenBLAS core '%s', this run uses '%s': GEMM speed "
                 "differs; re-profile or set OPENBLAS_CORETYPE=%s", m->device, m->blas_core, blas_core,
                 m->blas_core);
    } else if (day_number(m->date) < 0 || age > max_days) {
        bits |= 4;
        snprintf(msg, len, "predictor '%s' is stale: profiled on %s, over %d days ago (software and machine "
                 "may have changed); re-profile with `hwnas profile --predictor`", m->device, m->date, max_days);
    }
    return bits;
}

void hw_opw_today(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
