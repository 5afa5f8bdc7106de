/* hwnas/multiproxy.h - few-shot latency prediction for a new device from N
 * measured samples and EVERY known (source) device: "multiproxy", its
 * one-hot-only baseline "direct", and the choice of which archs to measure.
 * Pure numerics on caller-owned arrays; no I/O, no MPI; deterministic.
 *
 * Bank (built once per source table): for every source column s and bank row
 * (an arch) i, with L = the source's latency (its table value; where unknown,
 * its operator-wise prediction OP = one-hot least squares on its known rows):
 *   A[s][i] = (OP - mean OP) / sd OP          operator-wise part, standardised
 *   B[s][i] = (L - OP) / sd OP                non-additive residual (0 where unknown)
 *   T[s][i] = standardised L                  (similarity weights)
 *   Z[s][i] = standardised L winsorised to its [2 %, 98 %] quantiles (selection)
 * Means, sds and quantiles are over the reference rows (e.g. the table's rows).
 * The caller's feature rows: X (k columns, e.g. one-hot ops; the operator-wise
 * fits use them) and optional tied features G (g columns, sums of X columns
 * that share one cost, e.g. the count of each op over a cell's edges).
 *
 * Multiproxy fit from samples (row r_j, latency y_j), ys = y / median(y):
 *   w_s = max(0, pearson(T_s, ys))^gamma, rescaled to RMS 1 (all 1 if all 0);
 *   v_s = w_s^2, rescaled to RMS 1 (a non-additive residual transfers only
 *   from closely similar devices);
 *   9 ridge members, (r1, r2) in {0, 0.3, 1} x {0.03, 0.1, 0.3}: features
 *   [w.A, r1 v.B, r2 X, 2 r2 G], unpenalised intercept, lambda on a log grid
 *   1e-4..1e4 (33) chosen by closed-form leave-one-out MSE (hat matrix);
 *   the model is the mean of the members (still linear in the features).
 *   Exact-match rule: when the sources' latencies alone - one source affinely
 *   mapped, or a LOO-tuned ridge combination of them - have a LOO MSE below
 *   1% of the ensemble's, the model is that one (a second measurement of a
 *   known device, or an exact mix of known devices, is recovered exactly).
 *   est_srcc = SRCC(LOO predictions, ys): an estimate of the final SRCC from
 *   the samples alone.
 * Direct: one ridge member on [X, 2 G] only (no sources). */
#ifndef HWNAS_MULTIPROXY_H
#define HWNAS_MULTIPROXY_H
#include <stddef.h>

#include "hwnas/error.h"
#include "hwnas/rng.h"

typedef struct hw_mp_bank {
    size_t n;       /* rows (archs) */
    size_t n_col;   /* source columns */
    size_t k;       /* feature width (a constant column is harmless) */
    size_t g;       /* tied feature width (0: none) */
    double *A, *B, *T, *Z; /* n_col x n each, column-major: X[s * n + i] */
    double *X;      /* n x k features, row-major */
    double *G;      /* n x g tied features, row-major (NULL when g = 0) */
    double *mean, *sd;     /* n_col: of OP over the reference rows (ms) */
} hw_mp_bank;

/* lat: n x n_col row-major latencies in ms, NaN (or <= 0) = unknown; X:
 * n x k row-major features (the operator-wise fits use them); G: n x g
 * row-major tied features (NULL with g = 0); ref: n flags (NULL = all rows)
 * marking the rows that set the statistics (the operator-wise fits use every
 * known latency). Every column needs >= 2 known latencies (else HW_EINPUT
 * naming the column index). */
int  hw_mp_bank_build(const double *lat, size_t n, size_t n_col, const double *X, size_t k, const double *G,
                      size_t g, const unsigned char *ref, hw_mp_bank *b, hw_err *err);
void hw_mp_bank_free(hw_mp_bank *b);

typedef enum { HW_MP_MULTI = 0, HW_MP_DIRECT = 1 } hw_mp_kind;

typedef struct hw_mp_opts {
    hw_mp_kind kind;
    double gamma;    /* similarity exponent (default 2) */
} hw_mp_opts;

hw_mp_opts hw_mp_default_opts(hw_mp_kind kind);

/* The fitted predictor: y(i) = scale * (c0 + sum_s a_s A[src_s][i] + b_s B[src_s][i]
 * + t_s T[src_s][i] + sum_j x_j X[i][j] + sum_j q_j G[i][j]); t is 0 except
 * after the exact-match rule, which zeroes a, b, x and q. */
typedef struct hw_mp_model {
    hw_mp_kind kind;
    size_t n_src;
    size_t *src;        /* bank columns (n_src), owned */
    double *a, *b, *t;  /* n_src each */
    double *x;          /* k */
    double *q;          /* g */
    double c0, scale;   /* scale = median of the sample latencies (ms) */
    int reuse;          /* -1, or the position in src of the one source chosen by the exact-match rule */
    int sources_linear; /* 1 when the exact-match rule chose the ridge combination of the sources */
    double est_srcc;    /* leave-one-out SRCC on the samples (NaN when constant) */
    double loo_rmse;    /* leave-one-out RMSE of ys (relative to the median) */
    double lambda_gm;   /* geometric mean of the members' lambdas (NaN after the exact-match rule) */
} hw_mp_model;

/* Fits a model from n >= 3 samples: bank rows rows[0..n), latencies y (ms,
 * finite, > 0), sources src[0..n_src) (bank columns; ignored by DIRECT). */
int  hw_mp_fit(const hw_mp_bank *b, const size_t *src, size_t n_src, const size_t *rows, const double *y,
               size_t n, const hw_mp_opts *o, hw_mp_model *m, hw_err *err);
double hw_mp_predict(const hw_mp_bank *b, const hw_mp_model *m, size_t row);
void hw_mp_model_free(hw_mp_model *m);

/* Diverse selection: greedy farthest-point (k-center) traversal of the pool
 * rows in the space Z of the sources src: the first row is drawn with r, each
 * next one is the pool row farthest (Euclidean) from all chosen so far (ties:
 * first in pool order). Writes want <= n_pool distinct rows into out, in
 * selection order. */
int hw_mp_select(const hw_mp_bank *b, const size_t *src, size_t n_src, const size_t *pool, size_t n_pool,
                 size_t want, hw_rng *r, size_t *out, hw_err *err);

/* Ridge regression with an unpenalised intercept and lambda chosen on a grid by
 * leave-one-out MSE (exposed for the tests). F: n x p row-major; returns the
 * coefficients beta (p), the intercept, the LOO predictions (n) and lambda. */
typedef struct hw_ridge_loo {
    double intercept, lambda, loo_mse;
} hw_ridge_loo;
int hw_ridge_loo_fit(const double *F, size_t n, size_t p, const double *y, const double *lambdas, int n_lambda,
                     double *beta, double *loo_pred, hw_ridge_loo *out, hw_err *err);

#endif
