/* Private to `hwnas profile` (profile.c: options, arch selection, end-to-end
 * measurement; profile_pred.c: the op-wise predictor and its evaluation). */
#ifndef HWNAS_CLI_PROFILE_H
#define HWNAS_CLI_PROFILE_H
#include <stdint.h>

#include "hwnas/host.h"
#include "hwnas/opwise.h"
#include "hwnas/table.h"

#define PROF_MAX_THREADS 8

typedef struct prof_opts {
    const char *range, *archs, *out, *predictor, *evaluate, *table;
    long sample;
    uint64_t seed;
    int threads[PROF_MAX_THREADS], n_threads;
    int warmup, repeats, retries, fit_archs, max_age_days, keep_noisy;
    double max_spread, max_noisy, min_sample_ms;
    double max_drift; /* drift guard: canary slower than (1 + max_drift) x its best re-times the block */
    int drift_block;  /* archs between two canary timings (0: no drift guard) */
    double drift_wait; /* seconds a drifted block waits for the canary to recover before its re-timing */
} prof_opts;

/* The selected archs: NB201 keys and benchmark indices, in selection order. */
typedef struct prof_archs {
    uint32_t *key;
    long *index;
    size_t n;
} prof_archs;

/* Benchmark index <-> key from the NB201 latency table (o->table). */
typedef struct prof_index {
    hw_table t;
    long key_to_index[HW_NB201_N_ARCHS];
    long index_to_row[HW_NB201_N_ARCHS];
} prof_index;

int prof_index_load(const char *path, prof_index *ix, hw_err *err);
/* The archs of --range / --archs / --sample, leaving out the keys of excl. */
int prof_select(const prof_opts *o, const prof_index *ix, const uint32_t *excl, int n_excl, prof_archs *out,
                hw_err *err);
void prof_archs_free(prof_archs *a);
hw_host_opts prof_host_opts(const prof_opts *o, int threads);
/* Measures every arch end to end at `threads`; ms[i] = median (NaN if noisy).
 * Drift guard (slow changes of machine speed that a measurement's own spread
 * cannot show, e.g. a shared core stolen for minutes): a fixed canary arch is
 * timed before the first block of drift_block archs and after each block; a
 * block whose closing canary is slower than (1 + max_drift) x the reference
 * (the fastest canary so far, and ref_ms when > 0: the canary stored in a
 * predictor file, so a run that starts in a slow phase sees it) waits up to
 * drift_wait seconds for the canary to come back within that bound, then is
 * timed again, up to `retries` times, and otherwise counts as noisy (every
 * arch in it). */
int prof_measure(const prof_opts *o, int threads, const prof_archs *a, double ref_ms, double *ms, size_t *n_noisy,
                 hw_err *err);

void prof_sleep_s(double s);
/* The drift guard's canary arch (all four op kinds, ~1.5 ms at 1 thread here). */
void prof_canary_arch(hw_nb201_arch *a);

int prof_cmd_predictor(const prof_opts *o, hw_err *err);
int prof_cmd_evaluate(const prof_opts *o, const prof_index *ix, hw_err *err);

#endif
