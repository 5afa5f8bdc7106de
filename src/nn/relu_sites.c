/* ReLU sites of the network (NASWOT's hooks): every conv with a ReLU in front
 * and the lastact ReLU, in forward order. */
#include "net.h"

/* Tensor fed to the r-th ReLU, or -1. */
static int relu_input(const hw_nn *nn, int r)
{
    for (int i = 0; i < nn->nop; i++) {
        const nn_op *o = &nn->op[i];
        if ((o->kind == NN_CONV && o->relu) || o->kind == NN_RELU)
            if (r-- == 0)
                return o->in;
    }
    return -1;
}

int hw_nn_n_relus(const hw_nn *nn)
{
    int n = 0;
    for (int i = 0; i < nn->nop; i++)
        n += (nn->op[i].kind == NN_CONV && nn->op[i].relu) || nn->op[i].kind == NN_RELU;
    return n;
}

size_t hw_nn_relu_units(const hw_nn *nn, int r)
{
    const nn_tensor *t = &nn->t[relu_input(nn, r)];
    return (size_t)t->c * t->h * t->w;
}

void hw_nn_relu_code(const hw_nn *nn, int r, size_t u0, size_t nu, double *c)
{
    if (nn->cfg.prec == HW_NN_F64)
        nn_relu_code_f64(nn, relu_input(nn, r), u0, nu, c);
    else
        nn_relu_code_f32(nn, relu_input(nn, r), u0, nu, c);
}
