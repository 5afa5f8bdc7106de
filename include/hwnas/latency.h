/* hwnas/latency.h - operator-wise linear latency predictors, AdaProxy and the
 * OneProxy reuse-or-adapt decision (methods.md §3). Pure numerics on
 * row-major double arrays; no I/O, no MPI. Dimensions: n samples, k features
 * (one-hot + constant, k <= HW_LAT_KMAX). Latencies in ms. */
#ifndef HWNAS_LATENCY_H
#define HWNAS_LATENCY_H
#include <stddef.h>

#include "hwnas/error.h"

#define HW_LAT_KMAX 64

/* Minimum-norm least squares w = argmin ||X w - y|| (LAPACK dgelsd); singular
 * values below rcond * s_max are treated as zero, so the rank-deficient
 * one-hot design gets the balanced minimum-norm weights, not 1e9 ones that
 * cancel. X is n x k. */
int hw_lsq_minnorm(const double *X, size_t n, size_t k, const double *y, double rcond,
                   double *w, hw_err *err);

/* A device's latency predictor, the only thing workers need (broadcast as is).
 *   HW_PRED_PROXY:  lat = a * proxy_lat(x) + c   (OneProxy reuse; a=1,c=0 for the proxy)
 *   HW_PRED_LINEAR: lat = x . w + c              (AdaProxy-adapted, or fitted)
 *   HW_PRED_TABLE:  lat = a per-arch table that the caller holds (multiproxy and
 *                   direct: include/hwnas/multiproxy.h); hw_devpred_eval gives NaN
 * proxy_lat(x) is the proxy's table latency when known, else its predictor. */
typedef enum { HW_PRED_PROXY = 0, HW_PRED_LINEAR = 1, HW_PRED_TABLE = 2 } hw_pred_kind;

typedef struct hw_devpred {
    int kind;
    int k;
    double a, c;
    double w[HW_LAT_KMAX];
} hw_devpred;

/* Median of the non-NaN entries of v[0..n); NaN when there are none. */
double hw_median_finite(const double *v, size_t n);

double hw_devpred_eval(const hw_devpred *p, const double *x, double proxy_lat);

typedef enum { HW_ADA_LAMBDA_CV = 0, HW_ADA_LAMBDA_HOLDOUT = 1 } hw_ada_select;

typedef struct hw_ada_opts {
    hw_ada_select select;  /* how mu (lambda) is chosen */
    int folds;             /* K for cross-validation (also used for the SRCC estimate) */
    double mu_min, mu_max; /* log grid of the ridge parameter on median-normalised latencies */
    int mu_steps;
} hw_ada_opts;

typedef struct hw_ada_result {
    hw_devpred pred;      /* HW_PRED_LINEAR, in ms */
    double a;             /* global scale of the proxy weights */
    double mu;            /* ridge parameter of the final fit */
    double lambda;        /* the paper's lambda = 2 mu ||b|| / n */
    double b_norm;
    double est_srcc;      /* cross-validated SRCC on the samples: an estimate of the final SRCC */
    double val_srcc;      /* holdout SRCC at the chosen mu (holdout mode), else NaN */
} hw_ada_result;

/* AdaProxy: min over a, b, c of (1/n)||X (w .* (a + b)) + c - y||^2 + lambda ||b||_2
 * solved as a ridge path in b (a, c profiled out), lambda chosen by
 * cross-validated SRCC (HW_ADA_LAMBDA_CV) or by SRCC on the last n - n_train
 * samples then refit on all n at the same lambda (HW_ADA_LAMBDA_HOLDOUT).
 * w_proxy: the proxy's weights on median-normalised proxy latencies (k).
 * X: n x k sample features, y: n target latencies (ms, all finite, > 0). */
int hw_adaproxy_fit(const double *w_proxy, size_t k, const double *X, const double *y, size_t n,
                    size_t n_train, const hw_ada_opts *o, hw_ada_result *r, hw_err *err);

typedef enum { HW_DECIDE_BY_CV = 0, HW_DECIDE_BY_THRESHOLD = 1 } hw_decide_rule;

typedef struct hw_target_fit {
    int reuse;            /* 1: OneProxy reuse (pred = affine map of the proxy), 0: adapted */
    double sample_srcc;   /* SRCC(proxy latency, target) on the samples */
    hw_devpred pred;      /* the chosen predictor */
    hw_devpred reuse_pred, adapted_pred;
    hw_ada_result ada;
} hw_target_fit;

/* OneProxy decision for one target from its n samples: proxy_lat[i] is the
 * proxy's latency of sample i, y[i] the target's. Threshold rule (paper):
 * reuse iff sample SRCC >= threshold. CV rule (default): reuse iff sample
 * SRCC >= threshold and >= AdaProxy's cross-validated SRCC. The reuse map
 * (a, c) is least squares of y on proxy_lat. */
int hw_target_fit_one(const double *w_proxy, size_t k, const double *X, const double *proxy_lat,
                      const double *y, size_t n, size_t n_train, double threshold,
                      hw_decide_rule rule, const hw_ada_opts *o, hw_target_fit *out, hw_err *err);

#endif
