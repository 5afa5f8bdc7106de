/* Convolution over `real`: im2col + GEMM, one image at a time (the columns of
 * one image stay in cache). Included by ops_f32.c / ops_f64.c. */
#include <string.h>

#include "hwnas/nn_ops.h"
#include "vec_impl.h"

/* Output columns j in [*j0, *j1) read in-image pixels j*s + off of a row of w. */
static void FN(valid_range)(int w, int ow, int s, int off, int *j0, int *j1)
{
    *j0 = off < 0 ? (-off + s - 1) / s : 0;
    *j1 = w - 1 - off < 0 ? 0 : (w - 1 - off) / s + 1;
    *j1 = *j1 > ow ? ow : *j1;
    *j0 = *j0 > *j1 ? *j1 : *j0;
}

/* One row of columns: out[j] = xr[j*s + off] in the image, 0 off it. */
static void FN(im2col_row)(const real *restrict xr, int w, int ow, int s, int off, real *restrict out)
{
    int j0, j1;
    FN(valid_range)(w, ow, s, off, &j0, &j1);
    for (int j = 0; j < j0; j++)
        out[j] = 0;
    for (int j = j1; j < ow; j++)
        out[j] = 0;
    if (s == 1)
        memcpy(out + j0, xr + off + j0, sizeof(real) * (size_t)(j1 - j0));
    else
        for (int j = j0; j < j1; j++)
            out[j] = xr[j * s + off];
}

/* img row ir[j*s + off] += row[j] over the in-image columns. */
static void FN(col2im_row)(const real *restrict row, int w, int ow, int s, int off, real *restrict ir)
{
    int j0, j1;
    FN(valid_range)(w, ow, s, off, &j0, &j1);
    if (s == 1) {
        real *restrict dst = ir + off;
        for (int j = j0; j < j1; j++)
            dst[j] += row[j];
    } else {
        for (int j = j0; j < j1; j++)
            ir[j * s + off] += row[j];
    }
}

/* Stride 1 with "same" padding: every column plane is the image shifted. */
static int FN(conv_is_same)(const hw_conv_dims *d)
{
    return d->stride == 1 && d->oh == d->h && d->ow == d->w;
}

/* Entries [p0, p1) of a plane whose source p + sh, sh = dh*w + dw, lies in the
 * image; an empty range when the shift leaves the image. Returns sh. */
static int FN(shift_range)(int h, int w, int dh, int dw, int *p0, int *p1)
{
    int n = h * w, sh = dh * w + dw;
    if (dh <= -h || dh >= h || dw <= -w || dw >= w) {
        *p0 = *p1 = 0;
        return 0;
    }
    *p0 = sh < 0 ? -sh : 0;
    *p1 = sh > 0 ? n - sh : n;
    return sh;
}

/* Plane entries outside [p0, p1) and in the wrapped columns of shift (dh, dw) := 0. */
static void FN(zero_border)(int h, int w, int dh, int dw, real *plane)
{
    int n = h * w, p0, p1;
    FN(shift_range)(h, w, dh, dw, &p0, &p1);
    if (p1 <= p0) {
        memset(plane, 0, sizeof(real) * (size_t)n);
        return;
    }
    memset(plane, 0, sizeof(real) * (size_t)p0);
    memset(plane + p1, 0, sizeof(real) * (size_t)(n - p1));
    int j0 = dw < 0 ? 0 : w - dw, j1 = dw < 0 ? -dw : w;
    for (int i = 0; i < h && dw; i++)
        for (int j = j0; j < j1; j++)
            plane[(size_t)i * w + j] = 0;
}

/* col plane (kh, kw) of a same conv: image shifted by (kh - pad, kw - pad). */
static void FN(im2col_same)(const hw_conv_dims *d, const real *x, real *col)
{
    int n = d->h * d->w, p0, p1;
    for (int c = 0; c < d->c; c++)
        for (int kh = 0; kh < d->k; kh++)
            for (int kw = 0; kw < d->k; kw++) {
                real *plane = col + (size_t)((c * d->k + kh) * d->k + kw) * n;
                int dh = kh - d->pad, dw = kw - d->pad, sh = FN(shift_range)(d->h, d->w, dh, dw, &p0, &p1);
                if (p1 > p0)
                    memcpy(plane + p0, x + (size_t)c * n + p0 + sh, sizeof(real) * (size_t)(p1 - p0));
                FN(zero_border)(d->h, d->w, dh, dw, plane);
            }
}

/* img plane c += shifted col plane (kh, kw), after zeroing its off-image entries. */
static void FN(col2im_same)(const hw_conv_dims *d, real *col, real *img)
{
    int n = d->h * d->w, p0, p1;
    memset(img, 0, sizeof(real) * (size_t)d->c * n);
    for (int c = 0; c < d->c; c++)
        for (int kh = 0; kh < d->k; kh++)
            for (int kw = 0; kw < d->k; kw++) {
                real *plane = col + (size_t)((c * d->k + kh) * d->k + kw) * n;
                int dh = kh - d->pad, dw = kw - d->pad, sh = FN(shift_range)(d->h, d->w, dh, dw, &p0, &p1);
                FN(zero_border)(d->h, d->w, dh, dw, plane);
                if (p1 > p0)
                    AXPY(p1 - p0, 1, plane + p0, 1, img + (size_t)c * n + p0 + sh, 1);
            }
}

/* x is one image (C,H,W); col is (C*k*k, OH*OW). The ReLU, if any, is already applied. */
static void FN(im2col)(const hw_conv_dims *d, const real *x, real *col)
{
    if (FN(conv_is_same)(d)) {
        FN(im2col_same)(d, x, col);
        return;
    }
    for (int c = 0; c < d->c; c++)
        for (int kh = 0; kh < d->k; kh++)
            for (int kw = 0; kw < d->k; kw++) {
                real *row = col + (size_t)((c * d->k + kh) * d->k + kw) * d->oh * d->ow;
                for (int i = 0; i < d->oh; i++) {
                    int ih = i * d->stride - d->pad + kh;
                    if (ih < 0 || ih >= d->h)
                        memset(row + (size_t)i * d->ow, 0, sizeof(real) * (size_t)d->ow);
                    else
                        FN(im2col_row)(x + ((size_t)c * d->h + ih) * d->w, d->w, d->ow, d->stride,
                                       kw - d->pad, row + (size_t)i * d->ow);
                }
            }
}

/* img (C,H,W) = scatter-add of col (C*k*k, OH*OW); col is clobbered. */
static void FN(col2im)(const hw_conv_dims *d, real *col, real *img)
{
    if (FN(conv_is_same)(d)) {
        FN(col2im_same)(d, col, img);
        return;
    }
    memset(img, 0, sizeof(real) * (size_t)d->c * d->h * d->w);
    for (int c = 0; c < d->c; c++)
        for (int kh = 0; kh < d->k; kh++)
            for (int kw = 0; kw < d->k; kw++) {
                const real *row = col + (size_t)((c * d->k + kh) * d->k + kw) * d->oh * d->ow;
                for (int i = 0; i < d->oh; i++) {
                    int ih = i * d->stride - d->pad + kh;
                    if (ih < 0 || ih >= d->h)
                        continue;
                    FN(col2im_row)(row + (size_t)i * d->ow, d->w, d->ow, d->stride, kw - d->pad,
                                   img + ((size_t)c * d->h + ih) * d->w);
                }
            }
}

/* The columns' source: the image itself, or its ReLU in the scratch image. */
static const real *FN(conv_src)(const hw_conv_dims *d, const real *x, real *img)
{
    if (!d->relu)
        return x;
    FN(vec_relu)((size_t)d->c * d->h * d->w, x, img);
    return img;
}

/* A 1x1 stride-1 unpadded conv without ReLU reads the image as its columns. */
static int FN(conv_is_plain)(const hw_conv_dims *d)
{
    return d->k == 1 && d->stride == 1 && d->pad == 0 && !d->relu;
}

/* One image: yb (O, OH*OW) (+)= W (O, C*k*k) · columns of xb. */
static void FN(conv_fwd_image)(const hw_conv_dims *d, const real *xb, const real *w, real *yb, int acc, real *col)
{
    int kk = d->c * d->k * d->k, n = d->oh * d->ow;
    const real *cols = xb;
    if (!FN(conv_is_plain)(d)) {
        FN(im2col)(d, FN(conv_src)(d, xb, col + (size_t)kk * n), col);
        cols = col;
    }
    GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, d->o, n, kk, 1, w, kk, cols, n, acc ? 1 : 0, yb, n);
}

void FN(hw_conv_fwd)(const hw_conv_dims *d, const real *x, const real *w, real *y, int acc, real *col)
{
    size_t xs = (size_t)d->c * d->h * d->w, ys = (size_t)d->o * d->oh * d->ow;
    for (int b = 0; b < d->b; b++)
        FN(conv_fwd_image)(d, x + b * xs, w, y + b * ys, acc, col);
}

/* dx (one image) += img masked by x > 0 when the conv has its ReLU. */
static void FN(conv_dx_acc)(const hw_conv_dims *d, const real *x, const real *img, real *dx)
{
    size_t n = (size_t)d->c * d->h * d->w;
    if (d->relu)
        FN(vec_mask_acc)(n, x, img, dx);
    else
        AXPY((int)n, 1, img, 1, dx, 1);
}

/* One image: dw += dyb · columnsᵀ; dxb (may be NULL) += col2im(Wᵀ · dyb), masked by the ReLU. */
static void FN(conv_bwd_image)(const hw_conv_dims *d, const real *xb, const real *w, const real *dyb, real *dxb,
                               real *dw, real *col)
{
    int kk = d->c * d->k * d->k, n = d->oh * d->ow;
    real *img = col + (size_t)kk * n;
    const real *cols = xb;
    if (!FN(conv_is_plain)(d)) {
        FN(im2col)(d, FN(conv_src)(d, xb, img), col);
        cols = col;
    }
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, d->o, kk, n, 1, dyb, n, cols, n, 1, dw, kk);
    if (!dxb)
        return;
    if (FN(conv_is_plain)(d)) {
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, kk, n, d->o, 1, w, kk, dyb, n, 1, dxb, n);
        return;
    }
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, kk, n, d->o, 1, w, kk, dyb, n, 0, col, n);
    FN(col2im)(d, col, img);
    FN(conv_dx_acc)(d, xb, img, dxb);
}

void FN(hw_conv_bwd)(const hw_conv_dims *d, const real *x, const real *w, const real *dy, real *dx, real *dw,
                     real *col)
{
    size_t xs = (size_t)d->c * d->h * d->w, ys = (size_t)d->o * d->oh * d->ow;
    for (int b = 0; b < d->b; b++)
        FN(conv_bwd_image)(d, x + b * xs, w, dy + b * ys, dx ? dx + b * xs : NULL, dw, col);
}
