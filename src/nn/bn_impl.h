/* Batch normalisation in train mode over `real` (eps 1e-5, momentum 0.1, as
 * PyTorch's BatchNorm2d); per-channel sums in double. The per-channel pieces
 * (moments, finish, apply; backward sums, dx of a plane) are shared with the
 * fused conv + BN kernels of convbn_impl.h. */
#include <math.h>

#include "hwnas/nn_ops.h"
#include "vec_impl.h"

#define HW_BN_EPS 1e-5
#define HW_BN_MOMENTUM 0.1

/* Channel ch's mean and invstd (and running stats, when not NULL) from the
 * moments s1 = Σ(x − k), s2 = Σ(x − k)² of its n values. The shift k, a value
 * of the channel, keeps the one-pass variance free of cancellation. */
static void FN(bn_finish)(int ch, double n, double k, double s1, double s2, double *mean, double *invstd,
                          real *run_mean, real *run_var)
{
    double m = s1 / n, var = s2 / n - m * m;
    var = var > 0 ? var : 0;
    mean[ch] = k + m;
    invstd[ch] = 1.0 / sqrt(var + HW_BN_EPS);
    if (run_mean) {
        run_mean[ch] = (real)((1 - HW_BN_MOMENTUM) * run_mean[ch] + HW_BN_MOMENTUM * mean[ch]);
        run_var[ch] = (real)((1 - HW_BN_MOMENTUM) * run_var[ch] + HW_BN_MOMENTUM * var * n / (n - 1));
    }
}

/* y (+)= gamma * (x − mean) * invstd + beta over (B, C, HW). */
static void FN(bn_apply)(int b, int c, int hw, const real *x, const real *gamma, const real *beta,
                         const double *mean, const double *invstd, real *y, int acc)
{
    for (int ch = 0; ch < c; ch++) {
        real sc = (real)(gamma[ch] * invstd[ch]), sh = (real)(beta[ch] - mean[ch] * gamma[ch] * invstd[ch]);
        for (int i = 0; i < b; i++)
            FN(vec_affine)((size_t)hw, x + ((size_t)i * c + ch) * hw, sc, sh, y + ((size_t)i * c + ch) * hw, acc);
    }
}

void FN(hw_bn_fwd)(int b, int c, int hw, const real *x, const real *gamma, const real *beta, real *y, int acc,
                   double *mean, double *invstd, real *run_mean, real *run_var)
{
    for (int ch = 0; ch < c; ch++) {
        double s1 = 0, s2 = 0, k = x[(size_t)ch * hw];
        for (int i = 0; i < b; i++)
            FN(vec_moments)((size_t)hw, x + ((size_t)i * c + ch) * hw, k, &s1, &s2);
        FN(bn_finish)(ch, (double)b * hw, k, s1, s2, mean, invstd, run_mean, run_var);
    }
    FN(bn_apply)(b, c, hw, x, gamma, beta, mean, invstd, y, acc);
}

/* Σ dy and Σ dy (x − mean) of channel ch over the batch; dbeta, dgamma +=. */
static void FN(bn_sums)(int b, int c, int hw, int ch, const real *x, const double *mean, const double *invstd,
                        const real *dy, double *sdy, double *sdyx, real *dgamma, real *dbeta)
{
    *sdy = *sdyx = 0;
    for (int i = 0; i < b; i++) {
        size_t o = ((size_t)i * c + ch) * hw;
        FN(vec_sum_dot)((size_t)hw, dy + o, x + o, mean[ch], sdy, sdyx);
    }
    dbeta[ch] += (real)*sdy;
    dgamma[ch] += (real)(*sdyx * invstd[ch]);
}

/* One plane of channel ch: dx += gamma*invstd * (dy − mean(dy) − xhat * mean(dy*xhat)). */
static void FN(bn_dx_plane)(int hw, int ch, double n, const real *x, const real *gamma, const double *mean,
                            const double *invstd, double sdy, double sdyx, const real *dy, real *dx)
{
    double is = invstd[ch];
    real k = (real)(gamma[ch] * is), a = (real)(sdy / n), q = (real)(sdyx * is * is / n);
    FN(vec_bn_dx)((size_t)hw, dy, x, k, a, (real)mean[ch], q, dx);
}

void FN(hw_bn_bwd)(int b, int c, int hw, const real *x, const real *gamma, const double *mean,
                   const double *invstd, const real *dy, real *dx, real *dgamma, real *dbeta)
{
    double n = (double)b * hw;
    for (int ch = 0; ch < c; ch++) {
        double sdy, sdyx;
        FN(bn_sums)(b, c, hw, ch, x, mean, invstd, dy, &sdy, &sdyx, dgamma, dbeta);
        for (int i = 0; dx && i < b; i++) {
            size_t o = ((size_t)i * c + ch) * hw;
            FN(bn_dx_plane)(hw, ch, n, x + o, gamma, mean, invstd, sdy, sdyx, dy + o, dx + o);
        }
    }
}

void FN(hw_bn_eval)(int b, int c, int hw, const real *x, const real *gamma, const real *beta, const real *run_mean,
                    const real *run_var, real *y, int acc)
{
    for (int ch = 0; ch < c; ch++) {
        double s = gamma[ch] / sqrt((double)run_var[ch] + HW_BN_EPS);
        real sc = (real)s, sh = (real)(beta[ch] - run_mean[ch] * s);
        for (int i = 0; i < b; i++)
            FN(vec_affine)((size_t)hw, x + ((size_t)i * c + ch) * hw, sc, sh, y + ((size_t)i * c + ch) * hw, acc);
    }
}
