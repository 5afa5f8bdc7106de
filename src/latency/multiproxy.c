/* Multiproxy and direct few-shot fits: an ensemble of LOO-tuned ridge
 * regressions on the sources' features, the exact-match rule, and
 * prediction (contract: include/hwnas/multiproxy.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/latency.h"
#include "hwnas/multiproxy.h"
#include "hwnas/stats.h"

#define N_LAMBDA 33
static const double R1[] = {0.0, 0.3, 1.0};   /* weight of the residual block B */
static const double R2[] = {0.03, 0.1, 0.3};  /* weight of the one-hot block */
#define N_R1 (sizeof R1 / sizeof *R1)
#define N_R2 (sizeof R2 / sizeof *R2)
#define REUSE_RATIO 0.01
#define TIED_RATIO 2.0 /* weight of the tied block G relative to X: shared op costs vary more than per-edge ones */

hw_mp_opts hw_mp_default_opts(hw_mp_kind kind)
{
    hw_mp_opts o = {kind, 2.0};
    return o;
}

void hw_mp_model_free(hw_mp_model *m)
{
    if (!m)
        return;
    free(m->src), free(m->a), free(m->b), free(m->t), free(m->x), free(m->q);
    memset(m, 0, sizeof *m);
}

static void lambda_grid(double *g)
{
    for (int j = 0; j < N_LAMBDA; j++)
        g[j] = pow(10.0, -4.0 + 8.0 * (double)j / (N_LAMBDA - 1));
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++)
        mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    for (size_t i = 0; i < n; i++)
        sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0.0;
}

/* v = w^2 rescaled to RMS 1 (all ones when every w_s is 0). */
static void residual_weights(const double *w, size_t S, double *v)
{
    double ss = 0;
    for (size_t s = 0; s < S; s++)
        v[s] = w[s] * w[s], ss += v[s] * v[s];
    for (size_t s = 0; s < S; s++)
        v[s] = ss > 0 ? v[s] / sqrt(ss / (double)S) : 1.0;
}

/* w_s = max(0, pearson(T_s, ys))^gamma with RMS 1; all ones when every w_s is
 * 0; v (the residual block's weights) from w. */
static void similarity(const hw_mp_bank *b, const hw_mp_model *m, const size_t *rows, const double *ys, size_t n,
                       double gamma, double *t, double *w, double *v)
{
    double ss = 0;
    for (size_t s = 0; s < m->n_src; s++) {
        for (size_t i = 0; i < n; i++)
            t[i] = b->T[m->src[s] * b->n + rows[i]];
        double r = pearson(t, ys, n);
        w[s] = r > 0 ? pow(r, gamma) : 0.0;
        ss += w[s] * w[s];
    }
    double f = ss > 0 ? 1.0 / sqrt(ss / (double)m->n_src) : 0.0;
    for (size_t s = 0; s < m->n_src; s++)
        w[s] = ss > 0 ? w[s] * f : 1.0;
    residual_weights(w, m->n_src, v);
}

/* Row i of the member design [w.A, r1 v.B, r2 X, TIED_RATIO r2 G] (p = 2 n_src + k + g). */
static void design_row(const hw_mp_bank *b, const hw_mp_model *m, size_t row, const double *w, const double *v,
                       double r1, double r2, double *f)
{
    size_t S = m->n_src;
    for (size_t s = 0; s < S; s++) {
        f[s] = w[s] * b->A[m->src[s] * b->n + row];
        f[S + s] = r1 * v[s] * b->B[m->src[s] * b->n + row];
    }
    for (size_t j = 0; j < b->k; j++)
        f[2 * S + j] = r2 * b->X[row * b->k + j];
    for (size_t j = 0; j < b->g; j++)
        f[2 * S + b->k + j] = TIED_RATIO * r2 * b->G[row * b->g + j];
}

typedef struct {
    double *F, *beta, *loo, *w, *v, *t;
} scratch;

/* Adds inv_m times one member's coefficients into the model. */
static void add_member(hw_mp_model *m, const hw_mp_bank *b, const double *beta, double icpt, const scratch *sc,
                       double r1, double r2, double inv_m)
{
    size_t S = m->n_src;
    for (size_t s = 0; s < S; s++) {
        m->a[s] += inv_m * beta[s] * sc->w[s];
        m->b[s] += inv_m * beta[S + s] * r1 * sc->v[s];
    }
    for (size_t j = 0; j < b->k; j++)
        m->x[j] += inv_m * beta[2 * S + j] * r2;
    for (size_t j = 0; j < b->g; j++)
        m->q[j] += inv_m * beta[2 * S + b->k + j] * TIED_RATIO * r2;
    m->c0 += inv_m * icpt;
}

static int member(const hw_mp_bank *b, hw_mp_model *m, const size_t *rows, const double *ys, size_t n, double r1,
                  double r2, double inv_m, scratch *sc, double *loo_sum, hw_err *err)
{
    size_t p = 2 * m->n_src + b->k + b->g;
    double grid[N_LAMBDA];
    lambda_grid(grid);
    for (size_t i = 0; i < n; i++)
        design_row(b, m, rows[i], sc->w, sc->v, r1, r2, sc->F + i * p);
    hw_ridge_loo out;
    int rc = hw_ridge_loo_fit(sc->F, n, p, ys, grid, N_LAMBDA, sc->beta, sc->loo, &out, err);
    if (rc)
        return rc;
    add_member(m, b, sc->beta, out.intercept, sc, r1, r2, inv_m);
    for (size_t i = 0; i < n; i++)
        loo_sum[i] += inv_m * sc->loo[i];
    m->lambda_gm += inv_m * log(out.lambda);
    return HW_OK;
}

/* Affine leave-one-out fit of ys on t: returns the LOO MSE, slope and intercept. */
static double affine_loo(const double *t, const double *ys, size_t n, double *slope, double *icpt, double *loo)
{
    double mt = 0, my = 0, stt = 0, sty = 0, mse = 0;
    for (size_t i = 0; i < n; i++)
        mt += t[i], my += ys[i];
    mt /= (double)n, my /= (double)n;
    for (size_t i = 0; i < n; i++)
        stt += (t[i] - mt) * (t[i] - mt), sty += (t[i] - mt) * (ys[i] - my);
    if (!(stt > 0))
        return INFINITY;
    *slope = sty / stt, *icpt = my - *slope * mt;
    for (size_t i = 0; i < n; i++) {
        double h = 1.0 / (double)n + (t[i] - mt) * (t[i] - mt) / stt;
        double e = (ys[i] - (*icpt + *slope * t[i])) / fmax(1.0 - h, 1e-12);
        loo[i] = ys[i] - e, mse += e * e;
    }
    return mse / (double)n;
}

static double mse_of(const double *pred, const double *ys, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (pred[i] - ys[i]) * (pred[i] - ys[i]);
    return s / (double)n;
}

/* Alternative 1: the best single source, affinely mapped. Returns its LOO MSE. */
static double best_single(const hw_mp_bank *b, const hw_mp_model *m, const size_t *rows, const double *ys, size_t n,
                          scratch *sc, size_t *arg, double *slope, double *icpt)
{
    double best = INFINITY, sl, ic;
    for (size_t s = 0; s < m->n_src; s++) {
        for (size_t i = 0; i < n; i++)
            sc->t[i] = b->T[m->src[s] * b->n + rows[i]];
        double e = affine_loo(sc->t, ys, n, &sl, &ic, sc->loo);
        if (e < best)
            best = e, *arg = s, *slope = sl, *icpt = ic;
    }
    return best;
}

/* Alternative 2: ridge on the sources' latencies alone (T); beta in sc->beta,
 * LOO predictions in sc->loo. Returns its LOO MSE. */
static double sources_linear(const hw_mp_bank *b, const hw_mp_model *m, const size_t *rows, const double *ys,
                             size_t n, scratch *sc, double *icpt)
{
    size_t S = m->n_src;
    double grid[N_LAMBDA];
    lambda_grid(grid);
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < S; s++)
            sc->F[i * S + s] = b->T[m->src[s] * b->n + rows[i]];
    hw_ridge_loo out;
    if (hw_ridge_loo_fit(sc->F, n, S, ys, grid, N_LAMBDA, sc->beta, sc->loo, &out, NULL))
        return INFINITY;
    *icpt = out.intercept;
    return out.loo_mse;
}

static void clear_coefs(hw_mp_model *m, size_t k, size_t g)
{
    memset(m->a, 0, m->n_src * sizeof *m->a), memset(m->b, 0, m->n_src * sizeof *m->b);
    memset(m->t, 0, m->n_src * sizeof *m->t), memset(m->x, 0, k * sizeof *m->x);
    memset(m->q, 0, (g + 1) * sizeof *m->q);
    m->lambda_gm = NAN;
}

/* Exact-match rule: when the sources' latencies alone (one source affinely
 * mapped, or a ridge combination of them) have a LOO MSE below REUSE_RATIO
 * times the ensemble's, the model is that (the smaller LOO MSE of the two). */
static void exact_match(const hw_mp_bank *b, hw_mp_model *m, const size_t *rows, const double *ys, size_t n,
                        scratch *sc, double *loo_sum)
{
    double ens = mse_of(loo_sum, ys, n), slope = 0, icpt = 0, lin_icpt = 0;
    size_t arg = 0;
    double single = best_single(b, m, rows, ys, n, sc, &arg, &slope, &icpt);
    double lin = sources_linear(b, m, rows, ys, n, sc, &lin_icpt);
    if (lin < single && lin <= REUSE_RATIO * ens) {
        clear_coefs(m, b->k, b->g);
        for (size_t s = 0; s < m->n_src; s++)
            m->t[s] = sc->beta[s];
        m->c0 = lin_icpt, m->sources_linear = 1;
        memcpy(loo_sum, sc->loo, n * sizeof *loo_sum);
    } else if (single <= REUSE_RATIO * ens) {
        clear_coefs(m, b->k, b->g);
        m->reuse = (int)arg, m->t[arg] = slope, m->c0 = icpt;
        for (size_t i = 0; i < n; i++)
            sc->t[i] = b->T[m->src[arg] * b->n + rows[i]];
        affine_loo(sc->t, ys, n, &slope, &icpt, loo_sum);
    }
}

static int fit_members(const hw_mp_bank *b, hw_mp_model *m, const size_t *rows, const double *ys, size_t n,
                       const hw_mp_opts *o, scratch *sc, double *loo_sum, hw_err *err)
{
    int rc = HW_OK;
    if (o->kind == HW_MP_DIRECT) {
        sc->w[0] = 0, sc->v[0] = 0;
        rc = member(b, m, rows, ys, n, 0.0, 1.0, 1.0, sc, loo_sum, err);
    } else {
        similarity(b, m, rows, ys, n, o->gamma, sc->t, sc->w, sc->v);
        double inv_m = 1.0 / (double)(N_R1 * N_R2);
        for (size_t i = 0; !rc && i < N_R1; i++)
            for (size_t j = 0; !rc && j < N_R2; j++)
                rc = member(b, m, rows, ys, n, R1[i], R2[j], inv_m, sc, loo_sum, err);
        if (!rc)
            exact_match(b, m, rows, ys, n, sc, loo_sum);
    }
    if (!isnan(m->lambda_gm))
        m->lambda_gm = exp(m->lambda_gm);
    return rc;
}

static int check_fit_input(const hw_mp_bank *b, const size_t *src, size_t n_src, const size_t *rows,
                           const double *y, size_t n, const hw_mp_opts *o, hw_err *err)
{
    if (n < 3)
        return hw_errf(err, HW_EINPUT, "multiproxy: needs at least 3 measured samples (got %zu)", n);
    if (o->kind == HW_MP_MULTI && n_src == 0)
        return hw_errf(err, HW_EINPUT, "multiproxy: needs at least one source device; list some in latency.sources");
    for (size_t s = 0; o->kind == HW_MP_MULTI && s < n_src; s++)
        if (src[s] >= b->n_col)
            return hw_errf(err, HW_EINPUT, "multiproxy: source column %zu is not in the bank (%zu columns)", src[s],
                           b->n_col);
    for (size_t i = 0; i < n; i++)
        if (rows[i] >= b->n || !isfinite(y[i]) || !(y[i] > 0))
            return hw_errf(err, HW_EINPUT, "multiproxy: sample %zu: row %zu / latency %g is invalid (need a bank row "
                           "and a finite latency > 0)", i, rows[i], y[i]);
    return HW_OK;
}

static int model_alloc(hw_mp_model *m, const size_t *src, size_t n_src, size_t k, size_t g, hw_mp_kind kind,
                       hw_err *err)
{
    memset(m, 0, sizeof *m);
    m->kind = kind, m->reuse = -1, m->n_src = kind == HW_MP_DIRECT ? 0 : n_src;
    m->src = hw_calloc(m->n_src + 1, sizeof *m->src, err);
    m->a = hw_calloc(m->n_src + 1, sizeof *m->a, err);
    m->b = hw_calloc(m->n_src + 1, sizeof *m->b, err);
    m->t = hw_calloc(m->n_src + 1, sizeof *m->t, err);
    m->x = hw_calloc(k, sizeof *m->x, err);
    m->q = hw_calloc(g + 1, sizeof *m->q, err);
    if (!m->src || !m->a || !m->b || !m->t || !m->x || !m->q) {
        hw_mp_model_free(m);
        return HW_ENOMEM;
    }
    if (m->n_src)
        memcpy(m->src, src, m->n_src * sizeof *src);
    return HW_OK;
}

int hw_mp_fit(const hw_mp_bank *b, const size_t *src, size_t n_src, const size_t *rows, const double *y, size_t n,
              const hw_mp_opts *o, hw_mp_model *m, hw_err *err)
{
    int rc = check_fit_input(b, src, n_src, rows, y, n, o, err);
    if (rc || (rc = model_alloc(m, src, n_src, b->k, b->g, o->kind, err)))
        return rc;
    size_t p = 2 * m->n_src + b->k + b->g;
    scratch sc = {hw_calloc(n * p, sizeof(double), err), hw_calloc(p, sizeof(double), err),
                  hw_calloc(n, sizeof(double), err), hw_calloc(m->n_src + 1, sizeof(double), err),
                  hw_calloc(m->n_src + 1, sizeof(double), err), hw_calloc(n, sizeof(double), err)};
    double *ys = hw_calloc(n, sizeof *ys, err), *loo = hw_calloc(n, sizeof *loo, err);
    rc = sc.F && sc.beta && sc.loo && sc.w && sc.v && sc.t && ys && loo ? HW_OK : HW_ENOMEM;
    if (!rc) {
        m->scale = hw_median_finite(y, n);
        for (size_t i = 0; i < n; i++)
            ys[i] = y[i] / m->scale;
        rc = fit_members(b, m, rows, ys, n, o, &sc, loo, err);
    }
    if (!rc) {
        m->est_srcc = hw_spearman(loo, ys, n, NULL);
        m->loo_rmse = sqrt(mse_of(loo, ys, n));
    }
    free(sc.F), free(sc.beta), free(sc.loo), free(sc.w), free(sc.v), free(sc.t), free(ys), free(loo);
    if (rc)
        hw_mp_model_free(m);
    return rc;
}

double hw_mp_predict(const hw_mp_bank *b, const hw_mp_model *m, size_t row)
{
    double v = m->c0;
    for (size_t s = 0; s < m->n_src; s++) {
        size_t o = m->src[s] * b->n + row;
        v += m->a[s] * b->A[o] + m->b[s] * b->B[o] + m->t[s] * b->T[o];
    }
    for (size_t j = 0; j < b->k; j++)
        v += m->x[j] * b->X[row * b->k + j];
    for (size_t j = 0; j < b->g; j++)
        v += m->q[j] * b->G[row * b->g + j];
    return m->scale * v;
}
