/* Private to `hwnas bench-fewshot`: one latency table prepared for the
 * few-shot protocols, the query/sample split of a target, and one trial
 * (target, sources, N, seed) of every compared method. */
#ifndef HWNAS_FEWSHOT_H
#define HWNAS_FEWSHOT_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/multiproxy.h"
#include "hwnas/nb201.h"
#include "hwnas/table.h"

typedef struct fs_table {
    hw_table t;
    double *X;          /* n_rows x HW_NB201_ONEHOT */
    hw_mp_bank bank;    /* every column, statistics over all rows */
    double *w_norm;     /* n_cols x HW_NB201_ONEHOT: op-wise weights on median-normalised latencies */
    double *med;        /* n_cols: median latency */
    double bank_ms;     /* time to build the bank */
} fs_table;

typedef enum { FS_MP_DIVERSE, FS_MP_RANDOM, FS_ADA_BEST, FS_DIRECT, FS_N_METHODS } fs_method;

extern const char *const FS_METHOD_NAME[FS_N_METHODS];

typedef struct fs_result {
    double srcc[FS_N_METHODS]; /* over the query set */
    double est[FS_N_METHODS];  /* the method's own estimate from the samples (NaN if none) */
    double ms[FS_N_METHODS];   /* fit time (selection included for FS_MP_DIVERSE) */
} fs_result;

/* HELP's split by row position (= arch_index in latency/nb201.csv), over the
 * rows where the target is known: query = positions 900..1899 minus the 10 %
 * fastest and 10 % slowest on the target; pool = positions 0..899 minus the
 * same trim (HELP's sample pool, random samples); pool_all = positions 0..899
 * untrimmed (diverse selection, which may not look at the target). */
typedef struct fs_split {
    size_t *query, n_query;
    size_t *pool, n_pool;
    size_t *pool_all, n_pool_all;
} fs_split;

int  fs_table_load(fs_table *ft, const char *path, hw_err *err);
void fs_table_free(fs_table *ft);
int  fs_split_make(const fs_table *ft, int target, fs_split *s, hw_err *err);
void fs_split_free(fs_split *s);
/* Sources for a leave-one-device-out target: every other column, without the
 * other batch sizes of the same GPU model (name_<digits>). Returns the count. */
size_t fs_lodo_sources(const fs_table *ft, int target, size_t *src);
int  fs_trial(const fs_table *ft, int target, const size_t *src, size_t n_src, const fs_split *sp, size_t N,
              uint64_t seed, fs_result *res, hw_err *err);

#endif
