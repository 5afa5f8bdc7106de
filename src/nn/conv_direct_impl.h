/* The naive direct convolution over `real`: the twin the tests hold im2col +
 * GEMM against. Seven nested loops, no scratch, obviously right. */
#include "hwnas/nn_ops.h"

static real FN(direct_in)(const hw_conv_dims *d, const real *x, int b, int c, int ih, int iw)
{
    if (ih < 0 || ih >= d->h || iw < 0 || iw >= d->w)
        return 0;
    real v = x[(((size_t)b * d->c + c) * d->h + ih) * d->w + iw];
    return d->relu && !(v > 0) ? (real)0 : v;
}

static size_t FN(direct_y)(const hw_conv_dims *d, int b, int o, int i, int j)
{
    return (((size_t)b * d->o + o) * d->oh + i) * d->ow + j;
}

static size_t FN(direct_w)(const hw_conv_dims *d, int o, int c, int kh, int kw)
{
    return (((size_t)o * d->c + c) * d->k + kh) * d->k + kw;
}

void FN(hw_conv_fwd_direct)(const hw_conv_dims *d, const real *x, const real *w, real *y, int acc)
{
    for (int b = 0; b < d->b; b++)
        for (int o = 0; o < d->o; o++)
            for (int i = 0; i < d->oh; i++)
                for (int j = 0; j < d->ow; j++) {
                    double s = 0;
                    for (int c = 0; c < d->c; c++)
                        for (int kh = 0; kh < d->k; kh++)
                            for (int kw = 0; kw < d->k; kw++)
                                s += (double)w[FN(direct_w)(d, o, c, kh, kw)] *
                                     FN(direct_in)(d, x, b, c, i * d->stride - d->pad + kh,
                                                   j * d->stride - d->pad + kw);
                    real *yp = &y[FN(direct_y)(d, b, o, i, j)];
                    *yp = (real)(acc ? *yp + s : s);
                }
}

/* Gradient of one output element g = dy[b,o,i,j] into dw and dx. */
static void FN(direct_scatter)(const hw_conv_dims *d, const real *x, const real *w, real g, int b, int o,
                               int i, int j, real *dx, real *dw)
{
    for (int c = 0; c < d->c; c++)
        for (int kh = 0; kh < d->k; kh++)
            for (int kw = 0; kw < d->k; kw++) {
                int ih = i * d->stride - d->pad + kh, iw = j * d->stride - d->pad + kw;
                dw[FN(direct_w)(d, o, c, kh, kw)] += g * FN(direct_in)(d, x, b, c, ih, iw);
                if (!dx || ih < 0 || ih >= d->h || iw < 0 || iw >= d->w)
                    continue;
                size_t xi = (((size_t)b * d->c + c) * d->h + ih) * d->w + iw;
                if (!d->relu || x[xi] > 0)
                    dx[xi] += g * w[FN(direct_w)(d, o, c, kh, kw)];
            }
}

void FN(hw_conv_bwd_direct)(const hw_conv_dims *d, const real *x, const real *w, const real *dy, real *dx,
                            real *dw)
{
    for (int b = 0; b < d->b; b++)
        for (int o = 0; o < d->o; o++)
            for (int i = 0; i < d->oh; i++)
                for (int j = 0; j < d->ow; j++)
                    FN(direct_scatter)(d, x, w, dy[FN(direct_y)(d, b, o, i, j)], b, o, i, j, dx, dw);
}
