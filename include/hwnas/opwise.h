/* hwnas/opwise.h - operation-wise latency predictor of an NB201 network on
 * one device (methods.md §4): end-to-end latency =
 *     Σ_fixed unit_ms + Σ_k kind_scale[k] · T_k(arch) + kind_overhead_ms,
 * T_k = Σ over the edge units of op kind k (skip, conv 1x1, conv 3x3, pool)
 * of count_u(arch) · unit_ms[u]: each kind's own fusion gap (a network runs
 * small ops from memory, large ones nearly as alone). The one-scale form
 *     scale · Σ_u count_u(arch) · unit_ms[u] + overhead_ms
 * is fitted too (the characterisation) and used when too few archs were
 * measured end to end for the per-kind fit (< HW_OPW_KIND_MIN_FIT).
 * Units are the network's operations at their fixed shapes: the stem, the two
 * ResBlocks, the head, and each edge op (skip, conv 1x1, conv 3x3, avg pool;
 * `none` costs nothing) in each of the 3 stages. Every NB201 shape is fixed by
 * its stage, so each unit's model is a lookup (one measured time); scale and
 * overhead_ms are fitted by relative least squares on a handful of end-to-end
 * times.
 * The profiler asks a device (a vtable: the host, or a synthetic device in the
 * tests) for median unit and end-to-end times; no I/O here except through the
 * device. The file functions at the end read and write the saved predictor. */
#ifndef HWNAS_OPWISE_H
#define HWNAS_OPWISE_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"
#include "hwnas/nb201.h"

/* 0 stem, 1 ResBlock 1, 2 ResBlock 2, 3 head, then 4 + 4·stage + k for the
 * edge op k of HW_OPW_EDGE_OPS[k] (skip, conv1x1, conv3x3, pool) at stage 0..2. */
#define HW_OPW_UNITS 16
#define HW_OPW_FORMAT 2   /* predictor file format version */
#define HW_OPW_KINDS 4    /* edge-op kinds of the per-kind fit, in HW_OPW_EDGE_OPS order */
#define HW_OPW_KIND_MIN_FIT 12 /* end-to-end archs needed for the per-kind fit (5 coefficients) */
#define HW_OPW_ENGINE 1   /* inference engine version: bump when kernels change timings */
#define HW_OPW_MAX_FIT 64
#define HW_OPW_MAX_AGE_DAYS 180 /* a predictor file older than this draws a warning */

extern const int HW_OPW_EDGE_OPS[4];
const char *hw_opw_unit_name(int u);              /* "stem", "s1_conv3x3", ... */
const char *hw_opw_kind_name(int k);              /* "skip", "conv1x1", "conv3x3", "pool3x3" */
int hw_opw_edge_unit(int stage, int op);          /* unit of an edge op, -1 for none */

/* How many times each unit runs in arch's network (net->cells cells a stage). */
void hw_opw_counts(const hw_nb201_arch *a, const hw_nb201_net *net, double x[HW_OPW_UNITS]);
/* FLOPs (2 per MAC, + 1 per pooled/added element) and bytes moved (float32
 * inputs, outputs, weights, im2col columns) of one run of unit u. */
void hw_opw_unit_cost(int u, const hw_nb201_net *net, double *flops, double *bytes);

typedef struct hw_opw_model {
    char device[64];          /* e.g. host_1t */
    int threads;
    double unit_ms[HW_OPW_UNITS];
    double scale, overhead_ms;           /* one-scale fit */
    double kind_scale[HW_OPW_KINDS];     /* per-kind fit (the prediction) */
    double kind_overhead_ms;
    int n_fit;                /* end-to-end archs of the overhead fit */
    uint32_t fit_key[HW_OPW_MAX_FIT];
    double fit_ms[HW_OPW_MAX_FIT];
    int measurements;         /* unit + end-to-end measurements taken */
    double seconds;           /* wall time of the profiling */
    double canary_ms;         /* the drift guard's canary arch at its fastest while profiling (0: unknown) */
    /* provenance (file): */
    char cpu[128], blas_core[64], date[32];
    int format, engine;
} hw_opw_model;

/* Σ_u count_u · unit_ms[u] (the isolated ops, before the overhead). */
double hw_opw_sum_ops(const hw_opw_model *m, const hw_nb201_arch *a, const hw_nb201_net *net);
double hw_opw_predict(const hw_opw_model *m, const hw_nb201_arch *a, const hw_nb201_net *net);
/* Relative least squares (weights 1/y², the RMSPE objective) for scale and
 * overhead_ms from m->fit_key/fit_ms (n_fit >= 2 with distinct op sums; with
 * one arch, or all sums equal: scale 1 and the weighted mean residual as the
 * overhead), then, the same way, kind_scale and kind_overhead_ms (with fewer
 * than HW_OPW_KIND_MIN_FIT archs, or an op kind in none of them: the one-scale
 * fit in per-kind form).
 * Fit times must be > 0. */
int hw_opw_fit_overhead(hw_opw_model *m, const hw_nb201_net *net, hw_err *err);

typedef struct hw_opw_dev {
    void *ctx;
    /* Median milliseconds of one run of unit u, in isolation. */
    int (*unit_ms)(void *ctx, int u, double *ms, hw_err *err);
    /* Median milliseconds of one end-to-end forward of arch a. */
    int (*arch_ms)(void *ctx, const hw_nb201_arch *a, double *ms, hw_err *err);
} hw_opw_dev;

/* The n_fit (2..HW_OPW_MAX_FIT) end-to-end archs of the overhead fit: the
 * all-skip and all-conv3x3 cells (the cheapest and dearest ops), then seeded
 * distinct random archs. */
void hw_opw_fit_archs(int n_fit, uint64_t seed, uint32_t *keys);
/* Profiles every unit once and n_fit archs end to end on dev, then fits the
 * overhead: HW_OPW_UNITS + n_fit measurements. Sets unit_ms, fit_*, scale,
 * overhead_ms, measurements (not device/threads/provenance/seconds). */
int hw_opw_profile(const hw_opw_dev *dev, const hw_nb201_net *net, int n_fit, uint64_t seed, hw_opw_model *m,
                   hw_err *err);

/* Predictor files: text, one "key value" a line; `device NAME` starts a
 * device's block (threads, measurements, seconds, scale, overhead_ms, 4
 * `kind_scale KIND S` lines, kind_overhead_ms, an optional canary_ms, 16
 * `unit NAME MS` lines, `fit KEY MS` lines, `end`). The header carries format,
 * engine, cpu, blas_core and date (UTC, ISO 8601). */
int hw_opw_save(const char *path, const hw_opw_model *m, int n, hw_err *err);
/* Reads at most cap devices into m; *n gets how many. A wrong format or
 * engine version is an error (stale: re-profile). */
int hw_opw_load(const char *path, hw_opw_model *m, int cap, int *n, hw_err *err);
/* Checks a loaded model against this machine: returns 0 when it matches, else
 * the first problem found, 1 foreign CPU model, 2 other OpenBLAS core, 4 older
 * than max_days on `today` (YYYY-MM-DD...), with one warning line in msg. */
int hw_opw_check(const hw_opw_model *m, const char *cpu, const char *blas_core, const char *today, int max_days,
                 char *msg, size_t len);
/* Now in UTC, "YYYY-MM-DDTHH:MM:SSZ" (len >= 21). */
void hw_opw_today(char *buf, size_t len);
/* The model of device name among m[0..n), or NULL. */
const hw_opw_model *hw_opw_find(const hw_opw_model *m, int n, const char *device);

#endif
