/* hwnas/nn_ops.h - the CNN engine's kernels, forward and backward, each in a
 * float32 (_f32) and a float64 (_f64) build of the same source, src/nn/..._impl.h.
 * Pure functions over caller-owned NCHW buffers: no allocation, no I/O.
 * Backward kernels ACCUMULATE (+=) into dx, dw, db, dgamma, dbeta, so one
 * tensor feeding several consumers just sums; a NULL dx skips the input grad.
 *
 *  conv      x is (B,C,H,W), w is (O,C,k,k), y is (B,O,OH,OW); no bias. With
 *            d->relu the input is max(x,0) first (NB201's ReLU -> Conv) and dx
 *            is masked by x > 0. acc: y += conv instead of y = conv. col is
 *            scratch of hw_conv_scratch(d) elements. _direct: the naive twin.
 *  bn        train mode: x, y are (B,C,HW); batch mean and biased variance per
 *            channel (saved in mean, invstd as double), y = gamma*xhat + beta
 *            (acc: y +=); running stats (may be NULL) get momentum 0.1 and the
 *            unbiased variance, as PyTorch.
 *  bn_eval   eval mode (inference): y (=/+=) x*s + t per channel, s = gamma /
 *            sqrt(run_var + eps), t = beta - run_mean*s (BN folded into one
 *            per-channel scale and shift).
 *  relu      y = max(x,0); backward passes dy where x > 0 (0 at the kink).
 *  pool3     3x3 average, stride 1, pad 1, count_include_pad=False: x, y are
 *            (B,C,H,W); each output divides by its in-image taps (4, 6 or 9).
 *            tmp is scratch of hw_pool3_scratch(h, w) elements.
 *  pool2     2x2 average, stride 2: x is (B,C,H,W), y is (B,C,H/2,W/2).
 *  add       y += x over n elements (identity edge, residual add).
 *  gap       global average pool: x is (B,C,HW), y is (B,C).
 *  linear    x is (B,I), w is (O,I), b is (O), y is (B,O) = x w^T + b.
 *  ce        mean softmax cross-entropy of logits z (B,K) against labels y;
 *            writes dz = (softmax - onehot)/B when dz is not NULL.
 *  convbn    conv then bn fused one image at a time (cache-resident): t
 *            (B,O,OH,OW) receives the conv output, y (=/+=) BN(t); work is 2·O
 *            doubles; backward takes dy = dL/dy, writes BN's input gradient one
 *            image at a time into dt (O·OH·OW) and runs the conv's backward on it. */
#ifndef HWNAS_NN_OPS_H
#define HWNAS_NN_OPS_H
#include <stddef.h>

typedef struct hw_conv_dims {
    int b, c, h, w;      /* input (B,C,H,W) */
    int o, k, stride, pad;
    int oh, ow;          /* output side (h + 2 pad - k) / stride + 1 */
    int relu;            /* ReLU on the input first */
} hw_conv_dims;

hw_conv_dims hw_conv_make(int b, int c, int h, int w, int o, int k, int stride, int pad, int relu);
/* Scratch elements the im2col kernels need: one image's columns + one image. */
size_t hw_conv_scratch(const hw_conv_dims *d);
size_t hw_pool3_scratch(int h, int w);

#define HW_NN_OPS_DECLARE(real, S)                                                                      \
    void hw_conv_fwd##S(const hw_conv_dims *d, const real *x, const real *w, real *y, int acc,         \
                        real *col);                                                                     \
    void hw_conv_bwd##S(const hw_conv_dims *d, const real *x, const real *w, const real *dy, real *dx, \
                        real *dw, real *col);                                                           \
    void hw_conv_fwd_direct##S(const hw_conv_dims *d, const real *x, const real *w, real *y, int acc); \
    void hw_conv_bwd_direct##S(const hw_conv_dims *d, const real *x, const real *w, const real *dy,    \
                               real *dx, real *dw);                                                     \
    void hw_bn_fwd##S(int b, int c, int hw, const real *x, const real *gamma, const real *beta, real *y, \
                      int acc, double *mean, double *invstd, real *run_mean, real *run_var);           \
    void hw_bn_bwd##S(int b, int c, int hw, const real *x, const real *gamma, const double *mean,        \
                      const double *invstd, const real *dy, real *dx, real *dgamma, real *dbeta);       \
    void hw_bn_eval##S(int b, int c, int hw, const real *x, const real *gamma, const real *beta,         \
                       const real *run_mean, const real *run_var, real *y, int acc);                   \
    void hw_relu_fwd##S(size_t n, const real *x, real *y);                                             \
    void hw_relu_bwd##S(size_t n, const real *x, const real *dy, real *dx);                            \
    void hw_pool3_fwd##S(int b, int c, int h, int w, const real *x, real *y, int acc, real *tmp);      \
    void hw_pool3_bwd##S(int b, int c, int h, int w, const real *dy, real *dx, real *tmp);             \
    void hw_pool2_fwd##S(int b, int c, int h, int w, const real *x, real *y);                          \
    void hw_pool2_bwd##S(int b, int c, int h, int w, const real *dy, real *dx);                        \
    void hw_add_fwd##S(size_t n, const real *x, real *y, int acc);                                     \
    void hw_add_bwd##S(size_t n, const real *dy, real *dx);                                            \
    void hw_gap_fwd##S(int b, int c, int hw, const real *x, real *y);                                  \
    void hw_gap_bwd##S(int b, int c, int hw, const real *dy, real *dx);                                \
    void hw_linear_fwd##S(int b, int in, int out, const real *x, const real *w, const real *bias,      \
                          real *y);                                                                     \
    void hw_linear_bwd##S(int b, int in, int out, const real *x, const real *w, const real *dy,        \
                          real *dx, real *dw, real *dbias);                                            \
    double hw_ce##S(int b, int k, const real *z, const int *y, real *dz);                              \
    void hw_convbn_fwd##S(const hw_conv_dims *d, const real *x, const real *w, real *t, real *col,       \
                          const real *gamma, const real *beta, real *y, int acc, double *mean,          \
                          double *invstd, double *work, real *run_mean, real *run_var);                 \
    void hw_convbn_bwd##S(const hw_conv_dims *d, const real *x, const real *w, const real *t,           \
                          const real *gamma, const double *mean, const double *invstd, double *work,    \
                          const real *dy, real *dx, real *dw, real *dgamma, real *dbeta, real *col,     \
                          real *dt);

HW_NN_OPS_DECLARE(float, _f32)
HW_NN_OPS_DECLARE(double, _f64)

#endif
