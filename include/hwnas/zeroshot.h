/* hwnas/zeroshot.h - training-free accuracy proxies of one NB201 arch
 * (methods.md §2): pure functions of (arch, skeleton, data batches, options,
 * campaign seed) -> double, higher = predicted better. No I/O, no MPI.
 *
 * Initialisation: the network's parameters are drawn with hw_nn_init(scheme,
 * seed, stream = hw_nb201_key(arch)): per candidate from (campaign seed, arch
 * key), never per rank, so a score does not depend on where it runs.
 * Degenerate archs: when no path of non-`none` edges joins a cell's input to
 * its output, every cell outputs exactly zero, the logits are the classifier
 * bias and every weight gradient is zero; these archs score -INFINITY (the
 * defined lowest score, never NaN) in every proxy below, without running the
 * network. A non-degenerate arch that still yields an empty sum or a singular
 * kernel (no layer with S_l != 0 in ZiCo, det K = 0 in NASWOT) also scores
 * -INFINITY.
 *
 *  ZiCo       BN train mode, CE loss per batch; per conv/linear weight element
 *             over the N batches: mu = mean|g|, sigma = population std of g;
 *             S_l = Σ_{sigma≠0} mu/sigma; ZiCo = Σ_{S_l≠0} ln S_l.
 *  ZiCo-BC    ZiCo − beta · Σ_l ln(H_l W_l / √C_l) over the layers with S_l ≠ 0
 *             (those ZiCo sums over); H, W, C of the layer's output map
 *             (default) or input map; a linear layer's map is 1x1.
 *  NASWOT     one train-mode forward of batch 0; at the input of every ReLU
 *             c = (x > 0) per image; K = Σ c cᵀ + (1−c)(1−c)ᵀ in double;
 *             score = ln|det K| (LU).
 *  SynFlow    float64, BN removed, every parameter |w|, one all-ones image,
 *             R = Σ logits; Σ over conv/linear weights of |w · ∂R/∂w|.
 *  GradNorm   batch 0, BN train mode, CE; Σ_l ‖∂L/∂W_l‖₂ over conv/linear weights.
 *  SNIP       batch 0, BN train mode, CE; Σ_l Σ |w ⊙ ∂L/∂w| over conv/linear weights.
 * hw_zc_all computes all six from one network, the same bits as each call.
 * Cost at batch 64 (CIFAR, C=16, N=5, one core): ZiCo ~0.65 s per arch in
 * float32 with a reused workspace, ~1.7x that in float64. */
#ifndef HWNAS_ZEROSHOT_H
#define HWNAS_ZEROSHOT_H
#include <stdint.h>

#include "hwnas/cifar.h"
#include "hwnas/error.h"
#include "hwnas/nb201.h"
#include "hwnas/nn.h"

/* Labelled batches: d->batch is the batch size used by every proxy; ZiCo reads
 * o->n_batches of them, the others batch 0. d->side must equal net->input_hw. */
typedef hw_batches hw_zc_data;

typedef enum { HW_ZC_BC_OUTPUT = 0, HW_ZC_BC_INPUT = 1 } hw_zc_bc_map;

typedef struct hw_zc_opts {
    int batch_size;          /* 64: images per batch (must equal d->batch) */
    int n_batches;           /* 2: ZiCo's N */
    hw_nn_init_scheme init;  /* HW_INIT_TORCH (the ZiCo code's default) */
    hw_nn_prec prec;         /* engine precision of ZiCo, ZiCo-BC, NASWOT, GradNorm, SNIP: HW_NN_F32 */
    double bc_beta;          /* 1: ZiCo-BC's beta */
    hw_zc_bc_map bc_map;     /* HW_ZC_BC_OUTPUT */
    hw_nn_ws *ws;            /* NULL: each call allocates its network; else reused
                                memory, one per thread (see hwnas/nn.h) */
} hw_zc_opts;

void hw_zc_opts_default(hw_zc_opts *o);

/* 1 when no path of non-`none` edges joins node 0 to node 3. */
int hw_zc_degenerate(const hw_nb201_arch *a);

/* Each returns HW_OK with *score set, or HW_EINPUT (data and options disagree)
 * / HW_ENOMEM / HW_ENUM with err filled. */
int hw_zc_zico(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
               uint64_t seed, double *score, hw_err *err);
int hw_zc_zico_bc(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                  uint64_t seed, double *score, hw_err *err);
int hw_zc_naswot(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                 uint64_t seed, double *score, hw_err *err);
/* d may be NULL: SynFlow reads no data. */
int hw_zc_synflow(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                  uint64_t seed, double *score, hw_err *err);
int hw_zc_grad_norm(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                    uint64_t seed, double *score, hw_err *err);
int hw_zc_snip(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
               uint64_t seed, double *score, hw_err *err);

/* All six from one network (ZiCo's N steps also give NASWOT, GradNorm, SNIP
 * from batch 0; SynFlow runs its own): about a third of the six calls' time,
 * the same bits as each single call. */
typedef struct hw_zc_scores {
    double zico, zico_bc, naswot, synflow, grad_norm, snip;
} hw_zc_scores;
int hw_zc_all(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
              uint64_t seed, hw_zc_scores *s, hw_err *err);

/* ZiCo and ZiCo-BC from one set of gradients: g[b] holds batch b's gradients
 * of the layers, concatenated in layer order (layer l has n[l] elements, map
 * term t[l] = ln(H_l W_l / √C_l)); pure statistics, exposed for tests.
 * *bc_sum receives Σ t[l] over the layers with S_l ≠ 0 (bc_sum may be NULL). */
double hw_zc_zico_stat(const double *const *g, int n_batches, const size_t *n, int n_layers, const double *t,
                       double *bc_sum);

#endif
