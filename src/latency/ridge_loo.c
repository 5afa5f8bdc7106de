/* Ridge regression with an unpenalised intercept, lambda chosen on a grid by
 * closed-form leave-one-out MSE: one thin SVD of the centred design gives the
 * hat matrix H = 11'/n + U diag(s^2/(s^2+lambda)) U' at every lambda. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/multiproxy.h"

typedef struct {
    size_t n, p, r;
    double ym;
    double *mf;   /* p column means */
    double *U;    /* n x r */
    double *s;    /* r (0 below the cut) */
    double *Vt;   /* r x p */
    double *uty;  /* r: U' (y - ym) */
} svd_fit;

static void svd_free(svd_fit *f)
{
    free(f->mf), free(f->U), free(f->s), free(f->Vt), free(f->uty);
    memset(f, 0, sizeof *f);
}

static void centre(const double *F, size_t n, size_t p, const double *y, svd_fit *f, double *Fc)
{
    f->ym = 0;
    for (size_t i = 0; i < n; i++)
        f->ym += y[i];
    f->ym /= (double)n;
    for (size_t j = 0; j < p; j++) {
        double m = 0;
        for (size_t i = 0; i < n; i++)
            m += F[i * p + j];
        f->mf[j] = m / (double)n;
        for (size_t i = 0; i < n; i++)
            Fc[i * p + j] = F[i * p + j] - f->mf[j];
    }
}

static int svd_build(const double *F, size_t n, size_t p, const double *y, svd_fit *f, hw_err *err)
{
    memset(f, 0, sizeof *f);
    f->n = n, f->p = p, f->r = n < p ? n : p;
    f->mf = hw_calloc(p, sizeof *f->mf, err);
    f->U = hw_calloc(n * f->r, sizeof *f->U, err);
    f->s = hw_calloc(f->r, sizeof *f->s, err);
    f->Vt = hw_calloc(f->r * p, sizeof *f->Vt, err);
    f->uty = hw_calloc(f->r, sizeof *f->uty, err);
    double *Fc = hw_calloc(n * p, sizeof *Fc, err);
    if (!f->mf || !f->U || !f->s || !f->Vt || !f->uty || !Fc) {
        free(Fc), svd_free(f);
        return HW_ENOMEM;
    }
    centre(F, n, p, y, f, Fc);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)n, (lapack_int)p, Fc, (lapack_int)p, f->s,
                                     f->U, (lapack_int)f->r, f->Vt, (lapack_int)p);
    free(Fc);
    if (info != 0) {
        svd_free(f);
        return hw_errf(err, HW_ENUM, "ridge: SVD (dgesdd) failed with info %d on a %zu x %zu design", (int)info, n, p);
    }
    for (size_t k = 0; k < f->r; k++) {
        if (!(f->s[k] > 1e-10 * f->s[0]))
            f->s[k] = 0;
        for (size_t i = 0; i < n; i++)
            f->uty[k] += f->U[i * f->r + k] * (y[i] - f->ym);
    }
    return HW_OK;
}

/* Leave-one-out predictions at lambda into loo (n); returns their MSE. */
static double loo_at(const svd_fit *f, const double *y, double lambda, double *loo)
{
    double mse = 0;
    for (size_t i = 0; i < f->n; i++) {
        double fit = f->ym, h = 1.0 / (double)f->n;
        for (size_t k = 0; k < f->r; k++) {
            double s2 = f->s[k] * f->s[k], g = s2 > 0 ? s2 / (s2 + lambda) : 0, u = f->U[i * f->r + k];
            fit += u * g * f->uty[k];
            h += u * u * g;
        }
        double e = (y[i] - fit) / fmax(1.0 - h, 1e-12);
        loo[i] = y[i] - e;
        mse += e * e;
    }
    return mse / (double)f->n;
}

static double solve_at(const svd_fit *f, double lambda, double *beta)
{
    memset(beta, 0, f->p * sizeof *beta);
    for (size_t k = 0; k < f->r; k++) {
        if (f->s[k] <= 0)
            continue;
        double g = f->s[k] / (f->s[k] * f->s[k] + lambda) * f->uty[k];
        for (size_t j = 0; j < f->p; j++)
            beta[j] += f->Vt[k * f->p + j] * g;
    }
    double c = f->ym;
    for (size_t j = 0; j < f->p; j++)
        c -= f->mf[j] * beta[j];
    return c;
}

int hw_ridge_loo_fit(const double *F, size_t n, size_t p, const double *y, const double *lambdas, int n_lambda,
                     double *beta, double *loo_pred, hw_ridge_loo *out, hw_err *err)
{
    if (n < 2 || p < 1 || n_lambda < 1)
        return hw_errf(err, HW_EINPUT, "ridge: needs at least 2 samples, 1 feature and 1 lambda (got %zu, %zu, %d)",
                       n, p, n_lambda);
    svd_fit f;
    int rc = svd_build(F, n, p, y, &f, err);
    if (rc)
        return rc;
    int best = 0;
    double best_mse = INFINITY;
    for (int j = 0; j < n_lambda; j++) {
        double mse = loo_at(&f, y, lambdas[j], loo_pred);
        if (mse < best_mse)
            best_mse = mse, best = j;
    }
    out->lambda = lambdas[best];
    out->loo_mse = loo_at(&f, y, out->lambda, loo_pred);
    out->intercept = solve_at(&f, out->lambda, beta);
    svd_free(&f);
    return HW_OK;
}
