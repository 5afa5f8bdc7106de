/* Moves values between the network's `real` buffers and the caller's doubles:
 * input, logits, loss gradient, parameters, ReLU codes. Included by exec_f*.c. */
#include <math.h>

#include "hwnas/nn_ops.h"
#include "net.h"

void FN(nn_set_input)(hw_nn *nn, const double *x)
{
    real *d = nn->t[nn->input].x;
    for (size_t i = 0, n = nn_numel(nn, nn->input); i < n; i++)
        d[i] = (real)x[i];
}

void FN(nn_logits)(const hw_nn *nn, double *out)
{
    const real *z = nn->t[nn->logits].x;
    for (size_t i = 0, n = nn_numel(nn, nn->logits); i < n; i++)
        out[i] = z[i];
}

double FN(nn_ce_grad)(hw_nn *nn, const int *labels)
{
    return FN(hw_ce)(nn->cfg.batch, nn->classes, nn->t[nn->logits].x, labels, nn->t[nn->logits].g);
}

void FN(nn_sum_grad)(hw_nn *nn)
{
    real *g = nn->t[nn->logits].g;
    for (size_t i = 0, n = nn_numel(nn, nn->logits); i < n; i++)
        g[i] = 1;
}

void FN(nn_param_get)(const hw_nn *nn, int p, int grad, double *out)
{
    const real *v = grad ? nn->p[p].g : nn->p[p].w;
    for (size_t i = 0; i < nn->p[p].info.n; i++)
        out[i] = v[i];
}

void FN(nn_param_set)(hw_nn *nn, int p, const double *v)
{
    real *w = nn->p[p].w;
    for (size_t i = 0; i < nn->p[p].info.n; i++)
        w[i] = (real)v[i];
}

void FN(nn_abs_params)(hw_nn *nn)
{
    for (int p = 0; p < nn->np; p++) {
        real *w = nn->p[p].w;
        for (size_t i = 0; i < nn->p[p].info.n; i++)
            w[i] = w[i] < 0 ? -w[i] : w[i];
    }
}

void FN(nn_relu_code)(const hw_nn *nn, int t, size_t u0, size_t nu, double *c)
{
    const nn_tensor *x = &nn->t[t];
    size_t units = (size_t)x->c * x->h * x->w;
    for (int b = 0; b < nn->cfg.batch; b++) {
        const real *v = (const real *)x->x + (size_t)b * units + u0;
        for (size_t j = 0; j < nu; j++)
            c[(size_t)b * nu + j] = v[j] > 0 ? 1.0 : 0.0;
    }
}

void FN(nn_bn_reset)(hw_nn *nn)
{
    for (int i = 0; i < nn->nbn; i++)
        for (int c = 0; c < nn->bn[i].c; c++) {
            ((real *)nn->bn[i].run_mean)[c] = 0;
            ((real *)nn->bn[i].run_var)[c] = 1;
        }
}
