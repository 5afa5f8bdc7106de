/* hwnas/config.h - libconfig campaign file -> validated campaign plan.
 * Every key is documented in README.md ("Configuration") and the files in configs/.
 * Errors: "file:line: what is wrong, what to do", code HW_EINPUT, for syntax
 * errors, unknown keys (at any level), wrong types, out-of-range values and
 * missing required keys. Checks that need the data (device names, files
 * existing) are done later by the caller, which uses the *_line fields. */
#ifndef HWNAS_CONFIG_H
#define HWNAS_CONFIG_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"

#define HW_PATH_MAX 4096
#define HW_NAME_MAX 128
#define HW_TPUT_MAX_W 16          /* throughput.workers entries */
#define HW_TPUT_MAX_WORKERS 4096  /* largest W */

/* all: every arch; sample: n distinct archs; file: a list; repeat: n seeded draws
 * WITH replacement (any n, for scale tests: 1,000,000 candidates). */
typedef enum { HW_SELECT_ALL, HW_SELECT_SAMPLE, HW_SELECT_FILE, HW_SELECT_REPEAT } hw_select;
typedef enum { HW_DECIDE_CV, HW_DECIDE_THRESHOLD } hw_decide;      /* latency.decision */
typedef enum { HW_LAMBDA_CV, HW_LAMBDA_HOLDOUT } hw_lambda_select; /* latency.lambda_select */
typedef enum { HW_METHOD_ADAPROXY, HW_METHOD_MULTIPROXY, HW_METHOD_DIRECT } hw_lat_method; /* latency.method */
typedef enum { HW_SAMPLES_RANDOM, HW_SAMPLES_DIVERSE } hw_sample_select; /* latency.sample_select */

typedef struct hw_plan {
    char config_path[HW_PATH_MAX];
    char campaign[HW_NAME_MAX];      /* [A-Za-z0-9._-]+, names results/<campaign>/ */
    char space[HW_NAME_MAX];         /* "nb201" */
    char data_dir[HW_PATH_MAX];      /* resolved: key (relative to config dir), else $HWNAS_DATA_DIR, else default_data_dir */
    char output_dir[HW_PATH_MAX];    /* as given (relative to the working directory); default "results" */
    uint64_t seed;                   /* default 1 */

    hw_select select;                /* candidates.select, default all */
    size_t sample_n;                 /* candidates.n (select = "sample" or "repeat") */
    char select_path[HW_PATH_MAX];   /* candidates.path resolved against the config dir */
    int select_line;

    struct {
        char table[HW_PATH_MAX];     /* resolved against data_dir */
        int table_line;
        char proxy[HW_NAME_MAX];
        int proxy_line;
        char **targets;              /* NULL-terminated names; {"*"} = every column but the proxy */
        size_t n_targets;
        int targets_line;
        char measured[HW_PATH_MAX];  /* "" = none; resolved against the config dir */
        int measured_line;
        /* The proxy from this machine (README "The host as a latency device"): a
         * latency CSV in the tables' format (hwnas profile) or an op-wise
         * predictor file; "" = none; relative to the config dir. The column /
         * device named by proxy is added to the table for every row. */
        char host[HW_PATH_MAX];
        int host_line;
        char host_predictor[HW_PATH_MAX];
        int host_predictor_line;
        int train_samples;           /* default 60, >= 3 (with val_samples >= 1: AdaProxy needs 4) */
        int val_samples;             /* default 10 */
        double srcc_threshold;       /* default 0.9 */
        hw_decide decision;          /* default cv */
        hw_lambda_select lambda_select; /* default cv */
        int cv_folds;                /* default 7 */
        double mu_min, mu_max;       /* ridge grid on normalised latencies, default 1e-6 .. 1e6 */
        int mu_steps;                /* default 49 */
        hw_lat_method method;        /* default adaproxy; multiproxy / direct: include/hwnas/multiproxy.h */
        char **sources;              /* NULL-terminated; {"*"} (default) = every table column and measured
                                        device but the target; used by multiproxy and diverse selection */
        size_t n_sources;
        int sources_line;
        hw_sample_select sample_select; /* default random; diverse = k-center in the sources' latency space */
    } latency;

    struct {
        char **proxies;              /* NULL-terminated, default {"params","flops"} */
        size_t n_proxies;
        int proxies_line;
        char rank_by[HW_NAME_MAX];   /* default: first proxy; must be one of proxies */
        int rank_by_line;
        /* zero-shot proxies (zico, zico_bc, naswot, synflow, grad_norm, snip): */
        char data[HW_PATH_MAX];      /* CIFAR binary records, relative to data_dir; default cifar10/data_batch_1_first1102.bin */
        int data_line;
        int classes;                 /* 10 (CIFAR-10) or 100 (CIFAR-100 fine labels); also the network's classes */
        int batch_size;              /* 64 */
        int zico_batches;            /* 2: ZiCo's number of batches (>= 2) */
        int init;                    /* 0 "torch" (Kaiming-uniform a=sqrt5, the ZiCo code's default), 1 "kaiming_normal" */
        int precision;               /* 0 "f32", 1 "f64" (engine precision; SynFlow is always f64) */
        double zico_bc_beta;         /* 1.0 */
        int zico_bc_map;             /* 0 "output", 1 "input": which map's H, W, C ZiCo-BC uses */
    } score;

    struct {
        char table[HW_PATH_MAX];     /* "" = none; default "nb201/accuracy.csv" resolved against data_dir */
        int table_line;
        char column[HW_NAME_MAX];    /* default "cifar10_test" */
        int column_line;
    } accuracy;

    struct {
        int chunk;                   /* candidates per work item, default 256 */
        int progress_s;              /* seconds between progress lines, default 10 */
    } farm;

    /* Optional: predicted training throughput of the Pareto-optimal archs
     * (README "Training throughput prediction"; hwnas/sgd_synth.h, sgd_sim.h).
     * Defaults = hwnas sgd-predict's. */
    struct {
        int enabled;                 /* the section is present */
        int workers[HW_TPUT_MAX_W];  /* distinct, each in [1, HW_TPUT_MAX_WORKERS]; default {1, 2, 4, 8} */
        int n_workers;
        double bw_server, bw_worker; /* bytes per us; default 1Gbit = 125 */
        double latency_us;           /* default 100 (split evenly over the two links) */
        double gflops;               /* worker compute speed, default 20 */
        int batch;                   /* default 64 */
        int pull, push;              /* hw_sgd_policy; policy sets both; default layer / reverse */
        int top;                     /* archs per front, best rank_by score first; default 20 */
    } throughput;
} hw_plan;

/* Parses path into plan. default_data_dir is used when neither the key nor
 * $HWNAS_DATA_DIR is set. */
int  hw_config_load(const char *path, const char *default_data_dir, hw_plan *plan, hw_err *err);
void hw_plan_free(hw_plan *plan);

#endif
