/* Runs the tape over `real`, step by step: forward in order, backward in
 * reverse, skipping ops no gradient reaches. Included by exec_f32.c / exec_f64.c. */
#include <string.h>

#include "hwnas/nn_ops.h"
#include "net.h"

#define X(i) ((real *)nn->t[i].x)
#define G(i) ((real *)nn->t[i].g)
#define PW(i) ((real *)nn->p[i].w)
#define PG(i) ((real *)nn->p[i].g)

static hw_conv_dims FN(dims)(const hw_nn *nn, const nn_op *o)
{
    const nn_tensor *x = &nn->t[o->in], *y = &nn->t[o->out];
    return hw_conv_make(nn->cfg.batch, x->c, x->h, x->w, y->c, o->k, o->stride, (o->k - 1) / 2, o->relu);
}

static void FN(bn_fwd_op)(hw_nn *nn, const nn_op *o)
{
    const nn_tensor *x = &nn->t[o->in];
    nn_bn *b = &nn->bn[o->bn];
    FN(hw_bn_fwd)(nn->cfg.batch, x->c, x->h * x->w, X(o->in), PW(o->p), PW(o->p + 1), X(o->out), o->acc,
                  b->mean, b->invstd, b->run_mean, b->run_var);
}

static void FN(fwd_op)(hw_nn *nn, const nn_op *o)
{
    const nn_tensor *x = &nn->t[o->in];
    int B = nn->cfg.batch;
    hw_conv_dims d;
    switch (o->kind) {
    case NN_CONV:
        d = FN(dims)(nn, o);
        FN(hw_conv_fwd)(&d, X(o->in), PW(o->p), X(o->out), o->acc, nn->col);
        break;
    case NN_BN: FN(bn_fwd_op)(nn, o); break;
    case NN_RELU: FN(hw_relu_fwd)(nn_numel(nn, o->in), X(o->in), X(o->out)); break;
    case NN_POOL3: FN(hw_pool3_fwd)(B, x->c, x->h, x->w, X(o->in), X(o->out), o->acc, nn->col); break;
    case NN_POOL2: FN(hw_pool2_fwd)(B, x->c, x->h, x->w, X(o->in), X(o->out)); break;
    case NN_ADD: FN(hw_add_fwd)(nn_numel(nn, o->in), X(o->in), X(o->out), o->acc); break;
    case NN_GAP: FN(hw_gap_fwd)(B, x->c, x->h * x->w, X(o->in), X(o->out)); break;
    case NN_LINEAR:
        FN(hw_linear_fwd)(B, x->c, nn->t[o->out].c, X(o->in), PW(o->p), PW(o->p + 1), X(o->out));
        break;
    }
}

static void FN(convbn_fwd_op)(hw_nn *nn, const nn_op *c, const nn_op *o)
{
    hw_conv_dims d = FN(dims)(nn, c);
    nn_bn *b = &nn->bn[o->bn];
    FN(hw_convbn_fwd)(&d, X(c->in), PW(c->p), X(c->out), nn->col, PW(o->p), PW(o->p + 1), X(o->out), o->acc, b->mean,
                      b->invstd, b->work, b->run_mean, b->run_var);
}

void FN(nn_forward_begin)(hw_nn *nn)
{
    for (int i = 0; i < nn->nt; i++)
        if (nn->t[i].zero)
            memset(nn->t[i].x, 0, nn_numel(nn, i) * sizeof(real));
}

void FN(nn_forward_step)(hw_nn *nn, int s)
{
    int i = nn->step[s];
    if (nn_fused(nn, i))
        FN(convbn_fwd_op)(nn, &nn->op[i], &nn->op[i + 1]);
    else
        FN(fwd_op)(nn, &nn->op[i]);
}

void FN(nn_forward)(hw_nn *nn)
{
    FN(nn_forward_begin)(nn);
    for (int s = 0; s < nn->nstep; s++)
        FN(nn_forward_step)(nn, s);
}

static void FN(bn_bwd_op)(hw_nn *nn, const nn_op *o, real *dx)
{
    const nn_tensor *x = &nn->t[o->in];
    const nn_bn *b = &nn->bn[o->bn];
    FN(hw_bn_bwd)(nn->cfg.batch, x->c, x->h * x->w, X(o->in), PW(o->p), b->mean, b->invstd, G(o->out), dx,
                  PG(o->p), PG(o->p + 1));
}

static void FN(bwd_op)(hw_nn *nn, const nn_op *o)
{
    const nn_tensor *x = &nn->t[o->in];
    real *dx = x->live ? G(o->in) : NULL, *dy = G(o->out);
    int B = nn->cfg.batch;
    hw_conv_dims d;
    switch (o->kind) {
    case NN_CONV:
        d = FN(dims)(nn, o);
        FN(hw_conv_bwd)(&d, X(o->in), PW(o->p), dy, dx, PG(o->p), nn->col);
        break;
    case NN_BN: FN(bn_bwd_op)(nn, o, dx); break;
    case NN_LINEAR:
        FN(hw_linear_bwd)(B, x->c, nn->t[o->out].c, X(o->in), PW(o->p), dy, dx, PG(o->p), PG(o->p + 1));
        break;
    default:
        if (!dx)
            break;
        if (o->kind == NN_RELU)
            FN(hw_relu_bwd)(nn_numel(nn, o->in), X(o->in), dy, dx);
        else if (o->kind == NN_POOL3)
            FN(hw_pool3_bwd)(B, x->c, x->h, x->w, dy, dx, nn->col);
        else if (o->kind == NN_POOL2)
            FN(hw_pool2_bwd)(B, x->c, x->h, x->w, dy, dx);
        else if (o->kind == NN_ADD)
            FN(hw_add_bwd)(nn_numel(nn, o->in), dy, dx);
        else
            FN(hw_gap_bwd)(B, x->c, x->h * x->w, dy, dx);
    }
}

/* Zeroes parameter gradients and every owned activation gradient but the logits'. */
static void FN(zero_grads)(hw_nn *nn)
{
    for (int i = 0; i < nn->np; i++)
        memset(nn->p[i].g, 0, nn->p[i].info.n * sizeof(real));
    for (int i = 0; i < nn->nt; i++)
        if (i != nn->logits && nn->t[i].g && !nn->t[i].shared_grad)
            memset(nn->t[i].g, 0, nn_numel(nn, i) * sizeof(real));
}

static void FN(convbn_bwd_op)(hw_nn *nn, const nn_op *c, const nn_op *o)
{
    hw_conv_dims d = FN(dims)(nn, c);
    nn_bn *b = &nn->bn[o->bn];
    real *dx = nn->t[c->in].live ? G(c->in) : NULL;
    FN(hw_convbn_bwd)(&d, X(c->in), PW(c->p), X(c->out), PW(o->p), b->mean, b->invstd, b->work, G(o->out), dx,
                      PG(c->p), PG(o->p), PG(o->p + 1), nn->col, nn->gs);
}

void FN(nn_backward_begin)(hw_nn *nn) { FN(zero_grads)(nn); }

/* Ops no gradient reaches are skipped (a fused pair: its BN's output). */
void FN(nn_backward_step)(hw_nn *nn, int s)
{
    int i = nn->step[s], fused = nn_fused(nn, i);
    if (!nn->t[nn->op[i + fused].out].live)
        return;
    if (fused)
        FN(convbn_bwd_op)(nn, &nn->op[i], &nn->op[i + 1]);
    else
        FN(bwd_op)(nn, &nn->op[i]);
}

void FN(nn_backward)(hw_nn *nn)
{
    FN(nn_backward_begin)(nn);
    for (int s = nn->nstep - 1; s >= 0; s--)
        FN(nn_backward_step)(nn, s);
}

/* Inference: every op in tape order, BN in eval mode (running statistics). */
void FN(nn_infer_ops)(hw_nn *nn, int i0, int i1)
{
    for (int i = i0; i < i1; i++) {
        const nn_op *o = &nn->op[i];
        if (o->kind != NN_BN) {
            FN(fwd_op)(nn, o);
            continue;
        }
        const nn_tensor *x = &nn->t[o->in];
        const nn_bn *b = &nn->bn[o->bn];
        FN(hw_bn_eval)(nn->cfg.batch, x->c, x->h * x->w, X(o->in), PW(o->p), PW(o->p + 1), b->run_mean, b->run_var,
                       X(o->out), o->acc);
    }
}
