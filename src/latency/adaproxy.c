/* AdaProxy (Lu et al. 2021, solver.py) as an exact ridge path: with a and c
 * profiled out, b(mu) = (Z'PZ + mu I)^-1 Z'P y where Z = X diag(w) and P
 * projects onto the complement of span{Xw, 1}; one SVD of PZ gives every mu. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/latency.h"
#include "hwnas/stats.h"

typedef struct {
    size_t n, k, r;
    const double *X, *w, *y; /* borrowed: n x k, k, n (normalised) */
    double *u;               /* n: X w */
    double *Vt;              /* r x k */
    double *sb;              /* r: beta_i, the projections U' P y */
    double *s;               /* r singular values */
} ridge_path;

static double dotk(const double *x, const double *w, size_t k)
{
    double s = 0;
    for (size_t j = 0; j < k; j++)
        s += x[j] * w[j];
    return s;
}

static void path_free(ridge_path *p)
{
    free(p->u), free(p->Vt), free(p->sb), free(p->s);
    memset(p, 0, sizeof *p);
}

/* Removes from v (length n) its components along 1 and along the centred u. */
static void project_out(double *v, size_t n, const double *uc, double uc_norm2, size_t stride)
{
    double m = 0, d = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i * stride], d += uc[i] * v[i * stride];
    m /= (double)n;
    d = uc_norm2 > 0 ? d / uc_norm2 : 0;
    for (size_t i = 0; i < n; i++)
        v[i * stride] -= m + d * uc[i];
}

static int path_svd(ridge_path *p, double *PZ, double *Py, hw_err *err)
{
    size_t n = p->n, k = p->k, r = p->r;
    double *U = hw_calloc(n * r, sizeof *U, err);
    if (!U)
        return HW_ENOMEM;
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)n, (lapack_int)k, PZ,
                                     (lapack_int)k, p->s, U, (lapack_int)r, p->Vt, (lapack_int)k);
    if (info == 0)
        for (size_t i = 0; i < r; i++) {
            double d = 0;
            for (size_t j = 0; j < n; j++)
                d += U[j * r + i] * Py[j];
            p->sb[i] = p->s[i] > 1e-10 * p->s[0] ? d : 0.0;
        }
    free(U);
    return info ? hw_errf(err, HW_ENUM, "AdaProxy: SVD (dgesdd) failed with info %d", (int)info) : HW_OK;
}

static int path_build(ridge_path *p, const double *X, const double *w, const double *y, size_t n,
                      size_t k, hw_err *err)
{
    memset(p, 0, sizeof *p);
    p->n = n, p->k = k, p->r = n < k ? n : k, p->X = X, p->w = w, p->y = y;
    p->u = hw_calloc(n, sizeof *p->u, err);
    p->Vt = hw_calloc(p->r * k, sizeof *p->Vt, err);
    p->sb = hw_calloc(p->r, sizeof *p->sb, err);
    p->s = hw_calloc(p->r, sizeof *p->s, err);
    double *PZ = hw_calloc(n * k, sizeof *PZ, err), *Py = hw_calloc(n, sizeof *Py, err);
    double *uc = hw_calloc(n, sizeof *uc, err);
    int rc = HW_ENOMEM;
    if (p->u && p->Vt && p->sb && p->s && PZ && Py && uc) {
        double um = 0, un2 = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < k; j++)
                p->u[i] += X[i * k + j] * w[j], PZ[i * k + j] = X[i * k + j] * w[j];
            um += p->u[i], Py[i] = y[i];
        }
        um /= (double)n;
        for (size_t i = 0; i < n; i++)
            uc[i] = p->u[i] - um, un2 += uc[i] * uc[i];
        if (un2 < 1e-24 * (um * um + 1e-300) * (double)n)
            un2 = 0; /* proxy predicts a constant on these samples */
        for (size_t j = 0; j < k; j++)
            project_out(PZ + j, n, uc, un2, k);
        project_out(Py, n, uc, un2, 1);
        rc = path_svd(p, PZ, Py, err);
    }
    free(PZ), free(Py), free(uc);
    if (rc)
        path_free(p);
    return rc;
}

/* Solution at mu: b (k), then a and c by least squares of y - X(w.*b) on [u, 1].
 * Returns ||b||. */
static double path_solve(const ridge_path *p, double mu, double *b, double *a, double *c)
{
    size_t n = p->n, k = p->k;
    memset(b, 0, k * sizeof *b);
    for (size_t i = 0; i < p->r; i++) {
        double f = p->sb[i] != 0 ? p->s[i] / (p->s[i] * p->s[i] + mu) * p->sb[i] : 0;
        for (size_t j = 0; j < k; j++)
            b[j] += p->Vt[i * k + j] * f;
    }
    double um = 0, rm = 0, suu = 0, sur = 0, bn = 0, wb[HW_LAT_KMAX];
    for (size_t j = 0; j < k; j++)
        bn += b[j] * b[j], wb[j] = p->w[j] * b[j];
    for (size_t i = 0; i < n; i++)
        um += p->u[i], rm += p->y[i] - dotk(p->X + i * k, wb, k);
    um /= (double)n, rm /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double du = p->u[i] - um;
        suu += du * du, sur += du * (p->y[i] - dotk(p->X + i * k, wb, k) - rm);
    }
    *a = suu > 0 ? sur / suu : 0;
    *c = rm - *a * um;
    return sqrt(bn);
}

/* Adapted weights w .* (a + b) into wt (k). */
static void adapted_weights(const double *w, const double *b, double a, size_t k, double *wt)
{
    for (size_t j = 0; j < k; j++)
        wt[j] = w[j] * (a + b[j]);
}

static double predict_row(const double *x, const double *wt, double c, size_t k) { return c + dotk(x, wt, k); }

static double grid_mu(const hw_ada_opts *o, int j)
{
    return o->mu_min * pow(o->mu_max / o->mu_min, (double)j / (double)(o->mu_steps - 1));
}

/* Cross-validation folds: sample i belongs to fold i % K. */
typedef struct {
    int K;
    ridge_path *path; /* K paths on the training parts */
    double *Xtr, *ytr;  /* K * n * k, K * n scratch copies of the training parts */
} cv_set;

static void cv_free(cv_set *cv)
{
    for (int f = 0; cv->path && f < cv->K; f++)
        path_free(&cv->path[f]);
    free(cv->path), free(cv->Xtr), free(cv->ytr);
    memset(cv, 0, sizeof *cv);
}

static int cv_build(cv_set *cv, const double *w, const double *X, const double *y, size_t n, size_t k,
                    int K, hw_err *err)
{
    memset(cv, 0, sizeof *cv);
    cv->K = K;
    cv->path = hw_calloc((size_t)K, sizeof *cv->path, err);
    cv->Xtr = hw_calloc((size_t)K * n * k, sizeof *cv->Xtr, err);
    cv->ytr = hw_calloc((size_t)K * n, sizeof *cv->ytr, err);
    if (!cv->path || !cv->Xtr || !cv->ytr)
        return HW_ENOMEM;
    for (int f = 0; f < K; f++) {
        double *Xf = cv->Xtr + (size_t)f * n * k, *yf = cv->ytr + (size_t)f * n;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((int)(i % (size_t)K) != f) {
                memcpy(Xf + m * k, X + i * k, k * sizeof *X);
                yf[m++] = y[i];
            }
        int rc = path_build(&cv->path[f], Xf, w, yf, m, k, err);
        if (rc)
            return rc;
    }
    return HW_OK;
}

/* Pooled out-of-fold SRCC at mu. pred is n scratch. */
static double cv_srcc(const cv_set *cv, const double *X, const double *y, size_t n, size_t k,
                      double mu, double *pred)
{
    double b[HW_LAT_KMAX], wt[HW_LAT_KMAX], a, c;
    for (int f = 0; f < cv->K; f++) {
        path_solve(&cv->path[f], mu, b, &a, &c);
        adapted_weights(cv->path[f].w, b, a, k, wt);
        for (size_t i = (size_t)f; i < n; i += (size_t)cv->K)
            pred[i] = predict_row(X + i * k, wt, c, k);
    }
    return hw_spearman(pred, y, n, NULL);
}

/* Grid search: index of the best score, ties resolved towards larger mu. */
static int best_index(const double *score, int m)
{
    int best = -1;
    for (int j = 0; j < m; j++)
        if (!isnan(score[j]) && (best < 0 || score[j] >= score[best]))
            best = j;
    return best < 0 ? m - 1 : best;
}

static double holdout_srcc(const ridge_path *p, const double *X, const double *y, size_t n0, size_t n,
                           size_t k, double mu, double *pred)
{
    double b[HW_LAT_KMAX], wt[HW_LAT_KMAX], a, c;
    path_solve(p, mu, b, &a, &c);
    adapted_weights(p->w, b, a, k, wt);
    for (size_t i = n0; i < n; i++)
        pred[i - n0] = predict_row(X + i * k, wt, c, k);
    return hw_spearman(pred, y + n0, n - n0, NULL);
}

/* mu on the full path whose lambda = 2 mu ||b(mu)|| / n equals target
 * (mu ||b(mu)|| increases with mu): bisection in log mu. */
static double mu_for_lambda(const ridge_path *p, double lambda)
{
    double lo = log(1e-12), hi = log(1e12), b[HW_LAT_KMAX], a, c;
    for (int it = 0; it < 200 && hi - lo > 1e-10; it++) {
        double mid = 0.5 * (lo + hi), mu = exp(mid);
        double lam = 2.0 * mu * path_solve(p, mu, b, &a, &c) / (double)p->n;
        if (lam < lambda)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

static double select_mu_holdout(const double *w, const double *X, const double *y, size_t n,
                                size_t n_train, size_t k, const hw_ada_opts *o, const ridge_path *full,
                                double *val_srcc, double *scratch, hw_err *err)
{
    ridge_path tr;
    if (path_build(&tr, X, w, y, n_train, k, err))
        return NAN;
    double *score = scratch + n;
    for (int j = 0; j < o->mu_steps; j++)
        score[j] = holdout_srcc(&tr, X, y, n_train, n, k, grid_mu(o, j), scratch);
    int jb = best_index(score, o->mu_steps);
    double b[HW_LAT_KMAX], a, c, mu = grid_mu(o, jb);
    double lambda = 2.0 * mu * path_solve(&tr, mu, b, &a, &c) / (double)n_train;
    *val_srcc = score[jb];
    path_free(&tr);
    return lambda > 0 ? mu_for_lambda(full, lambda) : mu;
}

static int ada_fit_normalised(const double *w, size_t k, const double *X, const double *y, size_t n,
                              size_t n_train, const hw_ada_opts *o, hw_ada_result *r, double *wt,
                              double *c, hw_err *err)
{
    int K = o->folds < (int)n ? o->folds : (int)n;
    cv_set cv = {0};
    ridge_path full = {0};
    double *scratch = hw_calloc(n + (size_t)o->mu_steps, sizeof *scratch, err);
    int rc = scratch ? cv_build(&cv, w, X, y, n, k, K, err) : HW_ENOMEM;
    if (!rc)
        rc = path_build(&full, X, w, y, n, k, err);
    if (!rc) {
        r->val_srcc = NAN;
        if (o->select == HW_ADA_LAMBDA_HOLDOUT && n_train >= 3 && n_train < n) {
            r->mu = select_mu_holdout(w, X, y, n, n_train, k, o, &full, &r->val_srcc, scratch, err);
            rc = isnan(r->mu) ? (err && err->code ? err->code : HW_ENUM) : HW_OK;
        } else {
            double *score = scratch + n;
            for (int j = 0; j < o->mu_steps; j++)
                score[j] = cv_srcc(&cv, X, y, n, k, grid_mu(o, j), scratch);
            r->mu = grid_mu(o, best_index(score, o->mu_steps));
        }
    }
    if (!rc) {
        double b[HW_LAT_KMAX];
        r->est_srcc = cv_srcc(&cv, X, y, n, k, r->mu, scratch);
        r->b_norm = path_solve(&full, r->mu, b, &r->a, c);
        r->lambda = 2.0 * r->mu * r->b_norm / (double)n;
        adapted_weights(w, b, r->a, k, wt);
    }
    path_free(&full);
    cv_free(&cv);
    free(scratch);
    return rc;
}

int hw_adaproxy_fit(const double *w_proxy, size_t k, const double *X, const double *y, size_t n,
                    size_t n_train, const hw_ada_opts *o, hw_ada_result *r, hw_err *err)
{
    memset(r, 0, sizeof *r);
    if (k > HW_LAT_KMAX || n < 4 || o->mu_steps < 2 || o->folds < 2)
        return hw_errf(err, HW_EINPUT,
                       "AdaProxy needs at least 4 samples, k <= %d, mu_steps >= 2 and cv_folds >= 2 "
                       "(got n = %zu, k = %zu)", HW_LAT_KMAX, n, k);
    double scale = hw_median_finite(y, n);
    if (!(scale > 0))
        return hw_errf(err, HW_EINPUT, "AdaProxy: target sample latencies must be positive");
    double *yn = hw_calloc(n, sizeof *yn, err);
    if (!yn)
        return HW_ENOMEM;
    for (size_t i = 0; i < n; i++)
        yn[i] = y[i] / scale;
    double wt[HW_LAT_KMAX], c = 0;
    int rc = ada_fit_normalised(w_proxy, k, X, yn, n, n_train, o, r, wt, &c, err);
    free(yn);
    if (rc)
        return rc;
    r->pred.kind = HW_PRED_LINEAR, r->pred.k = (int)k, r->pred.a = 1.0, r->pred.c = c * scale;
    for (size_t j = 0; j < k; j++)
        r->pred.w[j] = wt[j] * scale;
    return HW_OK;
}
