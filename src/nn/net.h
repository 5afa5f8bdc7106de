/* Private: the network as a tape of ops over tensors, built once from an arch
 * (build.c), laid out in one arena (arena.c) and run by exec_impl.h in either
 * precision. The tape is in forward order; backward walks it in reverse. */
#ifndef HWNAS_NN_NET_H
#define HWNAS_NN_NET_H
#include "hwnas/nn.h"
#include "hwnas/nn_ops.h"

typedef enum { NN_CONV, NN_BN, NN_RELU, NN_POOL3, NN_POOL2, NN_ADD, NN_GAP, NN_LINEAR } nn_kind;

/* A (B,C,H,W) activation. live: a gradient reaches it from the logits.
 * shared_grad: a conv output read only by the next BN (the pair runs fused,
 * hw_convbn_*); its gradient exists one image at a time, in the scratch nn->gs.
 * zero: a node with only `none` inputs. */
typedef struct nn_tensor {
    int c, h, w;
    int live, shared_grad, zero;
    void *x, *g;
} nn_tensor;

/* out = op(in), or out += op(in) when acc. p: conv/linear weight (linear bias
 * p + 1) or BN gamma (beta p + 1). */
typedef struct nn_op {
    nn_kind kind;
    int in, out, acc;
    int relu, k, stride;
    int p, bn;
    hw_nn_site site;
} nn_op;

typedef struct nn_param {
    hw_nn_param_info info;
    void *w, *g;
} nn_param;

typedef struct nn_bn {
    int c;
    void *run_mean, *run_var;
    double *mean, *invstd, *work; /* work: 2c doubles of scratch */
} nn_bn;

struct hw_nn {
    hw_nn_cfg cfg;
    int classes, input, logits;
    nn_tensor *t;
    nn_op *op;
    nn_param *p;
    nn_bn *bn;
    hw_nn_layer *layer;
    int *step;                /* step s starts at op step[s] (a fused conv + BN is one step) */
    int nt, nop, np, nbn, nl, nstep;
    size_t col_n, gs_n;       /* scratch elements */
    void *col, *gs;
    unsigned char *arena;
    size_t bytes;
    int owns_arena;           /* 0: the arena belongs to a hw_nn_ws */
    hw_nn_site site;          /* build.c: the site new ops are tagged with */
};

/* build.c: fills t, op, p, bn, layer (arrays sized by nn_capacity). */
int nn_capacity(const hw_nb201_net *net);
void nn_build(hw_nn *nn, const hw_nb201_arch *a, const hw_nb201_net *net);
/* A conv whose output only the next BN reads: the pair runs fused, as one step. */
int nn_fused(const hw_nn *nn, int op);
/* arena.c: sizes and places every buffer; base NULL only sums the bytes. */
size_t nn_layout(hw_nn *nn, unsigned char *base);
size_t nn_real_size(const hw_nn *nn);
size_t nn_numel(const hw_nn *nn, int t);
/* Zeroes what may be read before any write: parameters and their gradients,
 * BN state, the logits' gradient, and nodes with only `none` inputs. */
void nn_clear(hw_nn *nn);

/* exec_f32.c / exec_f64.c (exec_impl.h, access_impl.h); net.c picks by precision. */
#define NN_EXEC_DECLARE(S)                                                          \
    void nn_forward##S(hw_nn *nn);                                                  \
    void nn_backward##S(hw_nn *nn);                                                 \
    void nn_forward_begin##S(hw_nn *nn);                                            \
    void nn_forward_step##S(hw_nn *nn, int s);                                      \
    void nn_backward_begin##S(hw_nn *nn);                                           \
    void nn_backward_step##S(hw_nn *nn, int s);                                     \
    void nn_set_input##S(hw_nn *nn, const double *x);                               \
    void nn_logits##S(const hw_nn *nn, double *out);                                \
    double nn_ce_grad##S(hw_nn *nn, const int *labels);                             \
    void nn_sum_grad##S(hw_nn *nn);                                                 \
    void nn_param_get##S(const hw_nn *nn, int p, int grad, double *out);            \
    void nn_param_set##S(hw_nn *nn, int p, const double *v);                        \
    void nn_abs_params##S(hw_nn *nn);                                               \
    void nn_relu_code##S(const hw_nn *nn, int t, size_t u0, size_t nu, double *c); \
    void nn_bn_reset##S(hw_nn *nn);                                                 \
    void nn_infer_ops##S(hw_nn *nn, int i0, int i1);
NN_EXEC_DECLARE(_f32)
NN_EXEC_DECLARE(_f64)

#endif
