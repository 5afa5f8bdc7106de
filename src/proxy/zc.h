/* Private: what the zero-shot proxies (hwnas/zeroshot.h) share: argument
 * checks, building and initialising the candidate's network, one training
 * step on a batch, per-layer sums over conv/linear weights. */
#ifndef HWNAS_PROXY_ZC_H
#define HWNAS_PROXY_ZC_H
#include "hwnas/zeroshot.h"

/* HW_EINPUT unless d holds >= need batches of o->batch_size images of net's side/classes. */
int zc_check(const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o, int need, hw_err *err);
/* Creates the network (batch, bn, prec) and draws its weights from (seed, arch key). */
int zc_net(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_opts *o, const hw_nn_cfg *cfg,
           uint64_t seed, hw_nn **nn, hw_err *err);
/* f(w, g, n) of one layer's weights and gradient. */
typedef double (*zc_layer_fn)(const double *w, const double *g, size_t n);
/* The common start of a data proxy: zc_check (need batches), *score = -INFINITY,
 * then the network unless the arch is degenerate (*nn = NULL: -inf is its score). */
int zc_open(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
            int need, uint64_t seed, hw_nn **nn, double *score, hw_err *err);
/* One CE step on batch 0, then Σ over the conv/linear layers of f (GradNorm, SNIP). */
int zc_one_batch(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                 uint64_t seed, zc_layer_fn f, double *score, hw_err *err);
/* Forward of batch b of d, CE loss, backward; returns the loss. */
double zc_step(hw_nn *nn, const hw_zc_data *d, int b);

/* Σ over the conv/linear layers of f. */
int zc_layer_sum(const hw_nn *nn, zc_layer_fn f, double *out, hw_err *err);
double zc_abs_wg(const double *w, const double *g, size_t n);   /* SNIP, SynFlow: Σ |w g| */
double zc_frobenius(const double *w, const double *g, size_t n); /* GradNorm: ‖g‖₂ */

/* ZiCo's gradients of N batches (zico.c): init, add batch b after its
 * backward, finish (ZiCo, and the ZiCo-BC map sum over the same layers). */
typedef struct zc_zico_acc {
    int nl, nb;
    size_t *n, total;
    double *t, *buf;
    const double **g;
} zc_zico_acc;
int zc_zico_acc_init(zc_zico_acc *z, const hw_nn *nn, const hw_zc_opts *o, hw_err *err);
void zc_zico_acc_add(zc_zico_acc *z, const hw_nn *nn, int b);
double zc_zico_acc_finish(const zc_zico_acc *z, double *bc_sum);
void zc_zico_acc_free(zc_zico_acc *z);
/* ZiCo (and the ZiCo-BC map sum) of one arch. */
int zc_zico_run(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                uint64_t seed, double *zico, double *bc_sum, hw_err *err);
/* NASWOT of the last forward pass of nn (naswot.c). */
int zc_naswot_of(const hw_nn *nn, double *score, hw_err *err);

#endif
