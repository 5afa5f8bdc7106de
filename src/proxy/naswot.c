/* NASWOT (Mellor et al., ICML 2021; BayesWatch/nas-without-training): ln|det K|
 * of the Hamming-similarity kernel of the images' binary ReLU codes. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zc.h"

#define CHUNK 512 /* units per code block */

/* K += 2 C Cᵀ for one block of codes C (B, nu); a[i] += Σ_j C[i][j]. */
static void add_block(int b, size_t nu, const double *c, double *k, double *a)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, b, (int)nu, 2.0, c, (int)nu, 1.0, k, b);
    for (int i = 0; i < b; i++)
        for (size_t j = 0; j < nu; j++)
            a[i] += c[(size_t)i * nu + j];
}

/* K_ij = Σ over units of [c_i = c_j] = 2 c_i·c_j + n − a_i − a_j (upper half
 * holds 2 c_i·c_j); fills the whole symmetric matrix. */
static void finish(int b, double units, const double *a, double *k)
{
    for (int i = 0; i < b; i++)
        for (int j = i; j < b; j++) {
            k[(size_t)i * b + j] += units - a[i] - a[j];
            k[(size_t)j * b + i] = k[(size_t)i * b + j];
        }
}

/* ln|det K| by LU; -INFINITY for an exactly singular K. */
static int log_abs_det(int b, double *k, double *out, hw_err *err)
{
    lapack_int *piv = hw_calloc((size_t)b, sizeof *piv, err);
    if (!piv)
        return HW_ENOMEM;
    lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, b, b, k, b, piv);
    free(piv);
    if (info < 0)
        return hw_errf(err, HW_ENUM, "naswot: dgetrf argument %d invalid", (int)-info);
    *out = 0;
    for (int i = 0; i < b; i++)
        *out += log(fabs(k[(size_t)i * b + i]));
    if (info > 0)
        *out = -INFINITY;
    return HW_OK;
}

/* The kernel of the last forward pass of nn, summed over every ReLU site. */
static int kernel(const hw_nn *nn, double *k, hw_err *err)
{
    int b = hw_nn_batch(nn);
    double *c = hw_calloc((size_t)b * CHUNK, sizeof *c, err), *a = c ? hw_calloc((size_t)b, sizeof *a, err) : NULL;
    if (!a) {
        free(c);
        return HW_ENOMEM;
    }
    double units = 0;
    for (int r = 0; r < hw_nn_n_relus(nn); r++) {
        size_t n = hw_nn_relu_units(nn, r);
        for (size_t u = 0; u < n; u += CHUNK) {
            size_t nu = n - u < CHUNK ? n - u : CHUNK;
            hw_nn_relu_code(nn, r, u, nu, c);
            add_block(b, nu, c, k, a);
        }
        units += (double)n;
    }
    finish(b, units, a, k);
    free(c), free(a);
    return HW_OK;
}

int zc_naswot_of(const hw_nn *nn, double *score, hw_err *err)
{
    int b = hw_nn_batch(nn);
    double *k = hw_calloc((size_t)b * b, sizeof *k, err);
    if (!k)
        return HW_ENOMEM;
    int rc = kernel(nn, k, err);
    if (rc == HW_OK)
        rc = log_abs_det(b, k, score, err);
    free(k);
    return rc;
}

static int naswot_on(hw_nn *nn, const hw_zc_data *d, double *score, hw_err *err)
{
    hw_nn_set_input(nn, d->x);
    hw_nn_forward(nn);
    return zc_naswot_of(nn, score, err);
}

int hw_zc_naswot(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                 uint64_t seed, double *score, hw_err *err)
{
    hw_nn *nn;
    int rc = zc_open(a, net, d, o, 1, seed, &nn, score, err);
    if (rc || !nn)
        return rc;
    rc = naswot_on(nn, d, score, err);
    hw_nn_free(nn);
    return rc;
}
