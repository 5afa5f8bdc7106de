/* Element-wise and dense kernels over `real`: ReLU, add, global average pool,
 * linear, softmax cross-entropy. */
#include <math.h>
#include <string.h>

#include "hwnas/nn_ops.h"
#include "vec_impl.h"

void FN(hw_relu_fwd)(size_t n, const real *x, real *y)
{
    FN(vec_relu)(n, x, y);
}

void FN(hw_relu_bwd)(size_t n, const real *x, const real *dy, real *dx)
{
    FN(vec_mask_acc)(n, x, dy, dx);
}

void FN(hw_add_fwd)(size_t n, const real *x, real *y, int acc)
{
    if (!acc) {
        memcpy(y, x, n * sizeof(real));
        return;
    }
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

void FN(hw_add_bwd)(size_t n, const real *dy, real *dx)
{
    for (size_t i = 0; i < n; i++)
        dx[i] += dy[i];
}

void FN(hw_gap_fwd)(int b, int c, int hw, const real *x, real *y)
{
    for (size_t p = 0; p < (size_t)b * c; p++) {
        double s = 0;
        for (int j = 0; j < hw; j++)
            s += x[p * hw + j];
        y[p] = (real)(s / hw);
    }
}

void FN(hw_gap_bwd)(int b, int c, int hw, const real *dy, real *dx)
{
    for (size_t p = 0; p < (size_t)b * c; p++) {
        real v = dy[p] / (real)hw;
        for (int j = 0; j < hw; j++)
            dx[p * hw + j] += v;
    }
}

void FN(hw_linear_fwd)(int b, int in, int out, const real *x, const real *w, const real *bias, real *y)
{
    for (int i = 0; i < b; i++)
        memcpy(y + (size_t)i * out, bias, sizeof(real) * (size_t)out);
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, b, out, in, 1, x, in, w, in, 1, y, out);
}

void FN(hw_linear_bwd)(int b, int in, int out, const real *x, const real *w, const real *dy, real *dx, real *dw,
                       real *dbias)
{
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, b, 1, dy, out, x, in, 1, dw, in);
    for (int i = 0; i < b; i++)
        for (int o = 0; o < out; o++)
            dbias[o] += dy[(size_t)i * out + o];
    if (dx)
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, in, out, 1, dy, out, w, in, 1, dx, in);
}

/* log-sum-exp of one row, in double. */
static double FN(lse)(int k, const real *z)
{
    double m = z[0], s = 0;
    for (int j = 1; j < k; j++)
        m = z[j] > m ? z[j] : m;
    for (int j = 0; j < k; j++)
        s += exp(z[j] - m);
    return m + log(s);
}

double FN(hw_ce)(int b, int k, const real *z, const int *y, real *dz)
{
    double loss = 0;
    for (int i = 0; i < b; i++) {
        const real *zi = z + (size_t)i * k;
        double l = FN(lse)(k, zi);
        loss += l - zi[y[i]];
        for (int j = 0; dz && j < k; j++)
            dz[(size_t)i * k + j] = (real)((exp(zi[j] - l) - (j == y[i])) / b);
    }
    return loss / b;
}
