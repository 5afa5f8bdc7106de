/* hwnas/campaign.h - one `hwnas run`: the validated inputs, the fitted latency
 * predictors and the gathered results. Phases (all but work on rank 0):
 *   setup     config + tables + candidates, every input error found here (HW_EINPUT)
 *   fit       proxy weights, per-target samples, OneProxy/AdaProxy, upper bounds
 *   bcast     what workers need (candidate keys, proxy latencies, predictors)
 *   work      farm callback: scores and predicted latency per device for a chunk
 *   sink      rank 0: every finished chunk goes to the journal (the only store of rows)
 *   evaluate  one pass over the journal in candidate order: Pareto fronts, score
 *             vectors; SRCC/Kendall over all archs, proxy-vs-accuracy correlations
 * Result row of candidate i: [score_0 .. score_{S-1}, pred_lat_dev_0 .. dev_{D-1}].
 * Rank 0 memory: 8 n_cand (S + 1) bytes (score vectors + accuracy) + 4 n_cand
 * (keys) + 1 n_cand (done flags) + 24 per journal record + the fronts + the
 * tables; workers: 4 n_cand + one chunk. Never n_cand x devices. */
#ifndef HWNAS_CAMPAIGN_H
#define HWNAS_CAMPAIGN_H
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "hwnas/config.h"
#include "hwnas/front.h"
#include "hwnas/journal.h"
#include "hwnas/latency.h"
#include "hwnas/nb201.h"
#include "hwnas/proxy.h"
#include "hwnas/table.h"

typedef struct hw_device {
    char name[HW_NAME_MAX];
    int table_col;          /* column in the latency table, -1 for a measured-only device */
    int is_proxy;
    size_t n_samples;       /* target samples used ("measured" latencies) */
    size_t n_train;
    hw_target_fit fit;      /* proxy: unused */
    double fit_ms;
    hw_devpred pred;        /* the predictor workers evaluate */
    int method;             /* hw_lat_method of the fit (the proxy: adaproxy) */
    int exact_match;        /* multiproxy exact-match rule: -1 none, -2 ridge on the sources' latencies,
                               else the bank column of the one source chosen */
    double raw_srcc, final_srcc, ub_srcc, final_kendall; /* over all table archs with a value; NaN when none */
    size_t n_truth;         /* archs with a true latency in the table */
    hw_front front;         /* Pareto front (rank_by up, predicted latency down); idx = candidate position */
    hw_front true_front;    /* front of (true accuracy, true latency) over candidates with both */
    double hv_ratio;        /* HV(front at true values) / HV(true front); NaN without ground truth */
} hw_device;

typedef struct hw_campaign {
    hw_plan plan;
    hw_table lat, acc;      /* acc.n_rows == 0 when no accuracy table */
    hw_measured meas;       /* meas.n == 0 when none */
    int acc_col;
    int32_t *lat_row;       /* [HW_NB201_N_ARCHS] key -> latency table row, -1 absent */
    int32_t *acc_row;       /* [HW_NB201_N_ARCHS] key -> accuracy table row, -1 absent */
    long *index_of;         /* [HW_NB201_N_ARCHS] key -> benchmark arch_index, -1 unknown */

    size_t n_cand;
    uint32_t *cand;         /* candidate keys in output order */

    size_t n_dev;           /* dev[0] is the proxy, then the targets */
    hw_device *dev;
    double w_proxy[HW_NB201_ONEHOT]; /* proxy weights on median-normalised latencies */
    hw_devpred proxy_model;  /* the proxy's own linear predictor, ms */
    double proxy_ub_srcc;
    double *proxy_lat;      /* [HW_NB201_N_ARCHS] proxy latency: table value, else its predictor */
    double *pred_tab;       /* [n_dev x HW_NB201_N_ARCHS] predictions of HW_PRED_TABLE devices
                               (multiproxy, direct); NULL when no device has one */
    size_t n_bank;          /* multiproxy bank columns: the table's columns, then measured devices with >= 2 rows */
    char **bank_name;       /* [n_bank] borrowed names */

    size_t n_scores;
    const hw_proxy_def **score;
    int rank_by;            /* index into score */
    hw_proxy_env env;
    hw_batches batches;     /* score.data batches (every rank) when a proxy needs data; env.data points here */
    hw_nn_ws ws;            /* per rank: the engine's reused memory (env.zc.ws) */
    hw_zc_cache zc_cache;   /* per rank: env.cache */

    size_t n_mat;           /* device x device monotonicity over the table rows: table columns + measured devices */
    char **mat_name;        /* borrowed names */
    double *mat_srcc, *mat_kendall; /* n_mat x n_mat, pairwise-complete */
    size_t *mat_n;
    double *score_acc_srcc, *score_acc_kendall; /* [n_scores] vs accuracy over candidates */
    size_t *score_acc_n;
    double *score_srcc;     /* n_scores x n_scores proxy-vs-proxy SRCC over candidates */

    size_t width;           /* n_scores + n_dev */
    hw_journal journal;     /* rank 0: the results */
    uint8_t *done;          /* rank 0: n_cand flags, set from the journal on --resume */
    uint64_t fingerprint;   /* of config, seed, candidates and fitted predictors */
    size_t n_resumed;       /* candidates found in the journal at start */
    double *scores;         /* rank 0 after evaluate: n_cand x n_scores */
    /* ZiCo-BC beta sweep (when zico and zico_bc are both scored and accuracy is known):
     * ZiCo-BC(beta) = ZiCo - beta T, T = (ZiCo - ZiCo-BC(score.zico_bc_beta)) / score.zico_bc_beta */
    size_t n_sweep;
    double sweep_beta[8], sweep_srcc[8], sweep_kendall[8], sweep_depth[8], sweep_width[8];
    int ranks;
    double wall_s;
    /* Test hooks, read from the environment on every rank (tests/mpi/resume.sh):
     * HWNAS_TEST_DELAY_MS  sleep this long per chunk (to kill a run mid-way)
     * HWNAS_TEST_TRACE     append "first count" per computed chunk to this file */
    long test_delay_ms;
    const char *test_trace;
} hw_campaign;

/* Command-line overrides of the config, applied before anything is drawn. */
typedef struct hw_overrides {
    const char *output_dir; /* NULL = keep */
    int has_seed;
    uint64_t seed;
} hw_overrides;

int  hw_campaign_setup(hw_campaign *c, const char *config_path, const char *default_data_dir,
                       const hw_overrides *ov, hw_err *err);
int  hw_campaign_fit(hw_campaign *c, hw_err *err);
int  hw_campaign_bcast(hw_campaign *c, MPI_Comm comm, hw_err *err);
int  hw_campaign_work(size_t first, size_t count, double *out, void *ctx, hw_err *err);
int  hw_campaign_sink(size_t first, size_t count, const double *rows, void *ctx, hw_err *err);
/* Opens the journal in dir: a new one, or (resume) the existing one. */
int  hw_campaign_open_journal(hw_campaign *c, const char *dir, int resume, hw_err *err);
/* Row of candidate i (width doubles) from the journal; after hw_journal_index. */
int  hw_campaign_row(hw_campaign *c, size_t i, double *row, hw_err *err);
int  hw_campaign_evaluate(hw_campaign *c, hw_err *err);
void hw_campaign_free(hw_campaign *c);

/* Setup steps (rank 0, called by setup.c). hw_campaign_select: the candidate
 * keys from `candidates` (src/campaign/candidates.c). hw_campaign_host_proxy:
 * with latency.host or latency.host_predictor, adds the host's latency for
 * every table row as the column latency.proxy (src/campaign/host.c). */
int hw_campaign_select(hw_campaign *c, hw_err *err);
int hw_campaign_host_proxy(hw_campaign *c, hw_err *err);

/* Multiproxy support (rank 0; src/campaign/bank.c, multifit.c). The bank's rows
 * are the NB201 keys, its columns the table's columns then the measured
 * devices with >= 2 rows (names in c->bank_name); statistics over table rows. */
struct hw_mp_bank;
int hw_campaign_bank(hw_campaign *c, struct hw_mp_bank *b, hw_err *err);
/* Bank columns of latency.sources for target name ("*" = all but the target;
 * a listed target is skipped). An input error when none is left. */
int hw_campaign_sources(const hw_campaign *c, const char *target, size_t *src, size_t *n_src, hw_err *err);
/* Diverse choice of want of the n_pool (key, latency) pairs, seeded by (seed, name). */
int hw_campaign_draw_diverse(const hw_campaign *c, const struct hw_mp_bank *b, const char *name, const uint32_t *pk,
                             const double *py, size_t n_pool, size_t want, uint32_t *key, double *y, size_t *n,
                             hw_err *err);
/* Multiproxy or direct fit of target d from n (key, latency) samples: fills
 * d->pred (HW_PRED_TABLE), its row of c->pred_tab, d->fit (sample and est. SRCC). */
int hw_campaign_fit_multi(hw_campaign *c, const struct hw_mp_bank *b, hw_device *d, const uint32_t *key,
                          const double *y, size_t n, hw_err *err);

/* Predicted latency (ms) of device d for arch key (x: its one-hot), whatever
 * the predictor's kind; what workers and reports evaluate. */
double hw_campaign_pred(const hw_campaign *c, size_t d, uint32_t key, const double *x);
/* Labels for the reports: the method ("adaproxy", "multiproxy", "direct") and
 * the decision ("reuse", "adapted", "ensemble", "ridge" (direct), "exact:<source>",
 * "sources-linear", "proxy"). */
const char *hw_campaign_method_name(const hw_device *d);
void hw_campaign_decision(const hw_campaign *c, const hw_device *d, char *buf, size_t len);

/* Accessors used by the reports. */
double hw_campaign_true_lat(const hw_campaign *c, size_t dev, uint32_t key);  /* NaN if unknown */
double hw_campaign_true_acc(const hw_campaign *c, uint32_t key);              /* NaN if unknown */

#endif
