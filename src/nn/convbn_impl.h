/* Conv -> BN fused per image over `real` (NB201's ReLU -> Conv -> BN and the
 * stem): the conv output of one image is still in cache when BN's moments are
 * taken (forward) and when BN's input gradient for that image is formed and
 * fed to the conv's backward (backward). Same arithmetic as hw_conv_* then
 * hw_bn_*, in another order of summation. Needs conv_impl.h and bn_impl.h. */
#include "hwnas/nn_ops.h"

void FN(hw_convbn_fwd)(const hw_conv_dims *d, const real *x, const real *w, real *t, real *col,
                       const real *gamma, const real *beta, real *y, int acc, double *mean, double *invstd,
                       double *work, real *run_mean, real *run_var)
{
    int hw = d->oh * d->ow;
    size_t xs = (size_t)d->c * d->h * d->w, ts = (size_t)d->o * hw;
    double *s1 = work, *s2 = work + d->o;
    for (int b = 0; b < d->b; b++) {
        real *tb = t + b * ts;
        FN(conv_fwd_image)(d, x + b * xs, w, tb, 0, col);
        for (int ch = 0; ch < d->o; ch++) {
            if (b == 0)
                mean[ch] = tb[(size_t)ch * hw], s1[ch] = s2[ch] = 0; /* shift: a value of the channel */
            FN(vec_moments)((size_t)hw, tb + (size_t)ch * hw, mean[ch], &s1[ch], &s2[ch]);
        }
    }
    for (int ch = 0; ch < d->o; ch++)
        FN(bn_finish)(ch, (double)d->b * hw, mean[ch], s1[ch], s2[ch], mean, invstd, run_mean, run_var);
    FN(bn_apply)(d->b, d->o, hw, t, gamma, beta, mean, invstd, y, acc);
}

void FN(hw_convbn_bwd)(const hw_conv_dims *d, const real *x, const real *w, const real *t, const real *gamma,
                       const double *mean, const double *invstd, double *work, const real *dy, real *dx, real *dw,
                       real *dgamma, real *dbeta, real *col, real *dt)
{
    int hw = d->oh * d->ow;
    size_t xs = (size_t)d->c * d->h * d->w, ts = (size_t)d->o * hw;
    double *sdy = work, *sdyx = work + d->o, n = (double)d->b * hw;
    for (int ch = 0; ch < d->o; ch++)
        FN(bn_sums)(d->b, d->o, hw, ch, t, mean, invstd, dy, &sdy[ch], &sdyx[ch], dgamma, dbeta);
    for (int b = 0; b < d->b; b++) {
        for (int ch = 0; ch < d->o; ch++) {
            size_t o = b * ts + (size_t)ch * hw;
            for (int j = 0; j < hw; j++)
                dt[(size_t)ch * hw + j] = 0;
            FN(bn_dx_plane)(hw, ch, n, t + o, gamma, mean, invstd, sdy[ch], sdyx[ch], dy + o, dt + (size_t)ch * hw);
        }
        FN(conv_bwd_image)(d, x + b * xs, w, dt, dx ? dx + b * xs : NULL, dw, col);
    }
}
