/* The public hw_nn calls: each picks the float32 or float64 build. */
#include "net.h"

#define DISPATCH(nn, call) ((nn)->cfg.prec == HW_NN_F64 ? call##_f64 : call##_f32)

void hw_nn_set_input(hw_nn *nn, const double *x) { DISPATCH(nn, nn_set_input)(nn, x); }
void hw_nn_forward(hw_nn *nn) { DISPATCH(nn, nn_forward)(nn); }
void hw_nn_backward(hw_nn *nn) { DISPATCH(nn, nn_backward)(nn); }
void hw_nn_logits(const hw_nn *nn, double *out) { DISPATCH(nn, nn_logits)(nn, out); }
double hw_nn_ce_grad(hw_nn *nn, const int *labels) { return DISPATCH(nn, nn_ce_grad)(nn, labels); }
void hw_nn_sum_grad(hw_nn *nn) { DISPATCH(nn, nn_sum_grad)(nn); }
void hw_nn_abs_params(hw_nn *nn) { DISPATCH(nn, nn_abs_params)(nn); }
void hw_nn_infer(hw_nn *nn) { DISPATCH(nn, nn_infer_ops)(nn, 0, nn->nop); }
int hw_nn_n_ops(const hw_nn *nn) { return nn->nop; }
void hw_nn_op_site(const hw_nn *nn, int i, hw_nn_site *s) { *s = nn->op[i].site; }
void hw_nn_infer_ops(hw_nn *nn, int i0, int i1) { DISPATCH(nn, nn_infer_ops)(nn, i0, i1); }
void hw_nn_forward_begin(hw_nn *nn) { DISPATCH(nn, nn_forward_begin)(nn); }
void hw_nn_forward_step(hw_nn *nn, int s) { DISPATCH(nn, nn_forward_step)(nn, s); }
void hw_nn_backward_begin(hw_nn *nn) { DISPATCH(nn, nn_backward_begin)(nn); }
void hw_nn_backward_step(hw_nn *nn, int s) { DISPATCH(nn, nn_backward_step)(nn, s); }
int hw_nn_n_steps(const hw_nn *nn) { return nn->nstep; }

void hw_nn_step_get(const hw_nn *nn, int s, hw_nn_step *out)
{
    static const hw_nn_step_kind kinds[] = {
        [NN_CONV] = HW_NN_STEP_CONV, [NN_BN] = HW_NN_STEP_BN,     [NN_RELU] = HW_NN_STEP_RELU,
        [NN_POOL3] = HW_NN_STEP_POOL3, [NN_POOL2] = HW_NN_STEP_POOL2, [NN_ADD] = HW_NN_STEP_ADD,
        [NN_GAP] = HW_NN_STEP_GAP,   [NN_LINEAR] = HW_NN_STEP_LINEAR};
    int i = nn->step[s], fused = nn_fused(nn, i);
    const nn_op *o = &nn->op[i], *last = &nn->op[i + fused];
    out->kind = fused ? HW_NN_STEP_CONV_BN : kinds[o->kind];
    out->p0 = o->p < 0 ? 0 : o->p;
    out->np = o->p < 0 ? 0 : fused ? 3 : o->kind == NN_CONV ? 1 : 2;
    out->in = o->in, out->out = last->out, out->acc = last->acc;
    out->bwd = nn->t[last->out].live;
}

const char *hw_nn_step_kind_name(hw_nn_step_kind k)
{
    static const char *names[] = {"conv", "conv_bn", "bn", "relu", "pool3", "pool2", "add", "gap", "linear"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

int hw_nn_batch(const hw_nn *nn) { return nn->cfg.batch; }
hw_nn_prec hw_nn_precision(const hw_nn *nn) { return nn->cfg.prec; }
int hw_nn_n_params(const hw_nn *nn) { return nn->np; }
int hw_nn_n_layers(const hw_nn *nn) { return nn->nl; }

void hw_nn_param(const hw_nn *nn, int p, hw_nn_param_info *info) { *info = nn->p[p].info; }

void hw_nn_param_get(const hw_nn *nn, int p, int grad, double *out)
{
    DISPATCH(nn, nn_param_get)(nn, p, grad, out);
}

void hw_nn_param_set(hw_nn *nn, int p, const double *v) { DISPATCH(nn, nn_param_set)(nn, p, v); }

void hw_nn_layer_get(const hw_nn *nn, int l, hw_nn_layer *out) { *out = nn->layer[l]; }

double hw_nn_macs(const hw_nn *nn)
{
    double m = 0;
    for (int l = 0; l < nn->nl; l++) {
        const hw_nn_layer *y = &nn->layer[l];
        m += (double)nn->p[y->param].info.n * y->out_h * y->out_w;
    }
    return m;
}

double hw_nn_step_flops(const hw_nn *nn)
{
    double f = 0;
    for (int i = 0; i < nn->nop; i++) {
        const nn_op *o = &nn->op[i];
        if (o->kind != NN_CONV && o->kind != NN_LINEAR)
            continue;
        const nn_tensor *y = &nn->t[o->out];
        double macs = (double)nn->p[o->p].info.n * y->h * y->w * nn->cfg.batch;
        f += 2 * macs * (1 + y->live + (y->live && nn->t[o->in].live));
    }
    return f;
}
