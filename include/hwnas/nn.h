/* hwnas/nn.h - the NB201 network (methods.md §1) as a small CNN engine:
 * forward, backward, PyTorch-compatible initialisation, float32 or float64.
 * One arena per network, allocated once by hw_nn_create; no I/O, no MPI.
 *
 * Shapes: the input x is (B,3,S,S) with S = net->input_hw; logits are (B,K),
 * K = net->classes. BN runs in train mode (batch statistics; running stats are
 * updated but never read). `none` edges contribute exactly zero forward and
 * exactly zero gradient backward (PyTorch's Zero op multiplies by 0), so a
 * layer fed only through `none` edges gets an all-zero gradient.
 * Deterministic: the same seed and inputs give bit-identical results (with a
 * single-threaded BLAS, OPENBLAS_NUM_THREADS=1). */
#ifndef HWNAS_NN_H
#define HWNAS_NN_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"
#include "hwnas/nb201.h"

typedef enum { HW_NN_F32 = 0, HW_NN_F64 = 1 } hw_nn_prec;

/* HW_INIT_TORCH: PyTorch's defaults: conv and linear weights U(±1/√fan_in)
 * (kaiming_uniform_ with a = √5), linear bias U(±1/√fan_in), BN γ = 1, β = 0.
 * HW_INIT_KAIMING_NORMAL: conv and linear weights N(0, 2/fan_in) (kaiming_normal_,
 * mode fan_in, ReLU gain); bias and BN as HW_INIT_TORCH.
 * fan_in = C_in·k·k (conv) or in_features (linear). */
typedef enum { HW_INIT_TORCH = 0, HW_INIT_KAIMING_NORMAL = 1 } hw_nn_init_scheme;

typedef struct hw_nn_cfg {
    int batch;        /* B, images per forward pass */
    int bn;           /* 1: BN layers as in §1; 0: every BN removed (SynFlow) */
    hw_nn_prec prec;
} hw_nn_cfg;

typedef struct hw_nn hw_nn;

/* A parameter tensor, in PyTorch's named_parameters() order: stem conv, stem BN
 * γ, β; per cell, per non-parameter-free edge in string order: conv, BN γ, β;
 * per ResBlock: conv_a (+BN), conv_b (+BN), shortcut conv; lastact BN γ, β;
 * classifier weight, bias. */
typedef enum { HW_NN_CONV_W, HW_NN_LINEAR_W, HW_NN_LINEAR_B, HW_NN_BN_GAMMA, HW_NN_BN_BETA } hw_nn_param_kind;

typedef struct hw_nn_param_info {
    hw_nn_param_kind kind;
    size_t n;         /* elements */
    int shape[4];     /* conv (O,C,k,k); linear (O,I,1,1); vectors (n,1,1,1) */
    int fan_in;
} hw_nn_param_info;

/* A conv or linear layer: what ZiCo, ZiCo-BC, GradNorm, SNIP, SynFlow sum over.
 * Maps are per image; a linear layer has in (I,1,1) and out (K,1,1). */
typedef struct hw_nn_layer {
    int param;        /* index of its weight among the parameters */
    int in_c, in_h, in_w, out_c, out_h, out_w;
} hw_nn_layer;

/* Reusable arena memory, one per thread (e.g. per MPI rank): a network built
 * in it takes its arena from ws instead of allocating one, so the pages are
 * touched once per process, not once per candidate (first-touch page faults of
 * a fresh arena cost ~0.2 s of a 0.6 s ZiCo). ws grows to the largest network
 * asked for (all nor_conv_3x3 at batch 64: 0.49 GB in float32, 0.99 GB in
 * float64) and holds one network at a time: free that network before building
 * the next in ws. Zero-initialise it ({0}); release with hw_nn_ws_free. */
typedef struct hw_nn_ws {
    void *mem;
    size_t cap;
} hw_nn_ws;

/* ws may be NULL: the network then owns a fresh arena. */
int  hw_nn_create(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_nn_cfg *cfg, hw_nn_ws *ws,
                  hw_nn **out, hw_err *err);
void hw_nn_free(hw_nn *nn);
void hw_nn_ws_free(hw_nn_ws *ws);

/* Draws every parameter from hw_rng_seed(seed, stream), in parameter order,
 * each tensor's elements in row-major order; U(±b) is b·(2u − 1) and N(0,s²)
 * is s·hw_rng_normal, u = hw_rng_uniform; a float32 network rounds the same
 * double draws. BN running mean/var are reset to 0/1. */
void hw_nn_init(hw_nn *nn, hw_nn_init_scheme scheme, uint64_t seed, uint64_t stream);
/* Every parameter w := |w| (SynFlow's linearisation). */
void hw_nn_abs_params(hw_nn *nn);

/* x is (B,3,S,S), converted to the network's precision. */
void hw_nn_set_input(hw_nn *nn, const double *x);
void hw_nn_forward(hw_nn *nn);
/* logits (B,K) of the last forward pass. */
void hw_nn_logits(const hw_nn *nn, double *out);
/* Mean cross-entropy of the last forward against labels (B); sets dL/dlogits. */
double hw_nn_ce_grad(hw_nn *nn, const int *labels);
/* Sets dR/dlogits = 1: R = Σ logits (SynFlow). */
void hw_nn_sum_grad(hw_nn *nn);
/* Zeroes every gradient, then back-propagates dlogits to every parameter. */
void hw_nn_backward(hw_nn *nn);

/* Inference (eval mode), what `hwnas profile` times: BN uses its running
 * statistics as one per-channel scale and shift (BN folded, nn_ops.h bn_eval;
 * fresh networks have running mean 0 and variance 1); no training state is
 * read or written; `none`-only nodes stay the zeros written at create. */
void hw_nn_infer(hw_nn *nn);

/* The forward tape for op-wise profiling: which part of the network each op
 * belongs to. A cell op carries its stage (0..2), cell, edge (0..5) and the
 * NB201 op of that edge; a ResBlock op its stage (1, 2: the block before it). */
typedef enum { HW_NN_STEM = 0, HW_NN_CELL = 1, HW_NN_RESBLOCK = 2, HW_NN_HEAD = 3 } hw_nn_part;
typedef struct hw_nn_site {
    hw_nn_part part;
    int stage, cell, edge, op;
} hw_nn_site;
int  hw_nn_n_ops(const hw_nn *nn);
void hw_nn_op_site(const hw_nn *nn, int i, hw_nn_site *s);
/* Runs tape ops [i0, i1) in inference mode (hw_nn_infer = the whole tape). */
void hw_nn_infer_ops(hw_nn *nn, int i0, int i1);
/* Step-by-step execution, for per-op timing and for sending each parameter's
 * gradient as soon as it is final (asynchronous SGD, methods.md §5). A step is
 * one unit of the tape as hw_nn_forward runs it: a conv with the BN that alone
 * reads its output (run fused), or one other op. hw_nn_forward is exactly
 * hw_nn_forward_begin + hw_nn_forward_step(s) for s = 0 .. n−1, and
 * hw_nn_backward exactly hw_nn_backward_begin + hw_nn_backward_step(s) for
 * s = n−1 .. 0 (bit-identical: they are the same calls). Steps must run in
 * these orders. Step s owns parameters [p0, p0 + np) (np = 0: parameter-free);
 * every parameter belongs to exactly one step, and its gradient is final once
 * that step's backward has returned. in/out are tensor ids (0 = the input
 * image): the step reads `in` and writes (acc = 1: adds to) `out`; a step that
 * reads a tensor depends on every earlier step that writes it. bwd = 0: no
 * gradient reaches the step's output; its backward does nothing. */
typedef enum {
    HW_NN_STEP_CONV, HW_NN_STEP_CONV_BN, HW_NN_STEP_BN, HW_NN_STEP_RELU, HW_NN_STEP_POOL3,
    HW_NN_STEP_POOL2, HW_NN_STEP_ADD, HW_NN_STEP_GAP, HW_NN_STEP_LINEAR
} hw_nn_step_kind;

typedef struct hw_nn_step {
    hw_nn_step_kind kind;
    int p0, np;
    int in, out, acc;
    int bwd;
} hw_nn_step;

int hw_nn_n_steps(const hw_nn *nn);
void hw_nn_step_get(const hw_nn *nn, int s, hw_nn_step *out);
/* "conv", "conv_bn", "bn", "relu", "pool3", "pool2", "add", "gap", "linear". */
const char *hw_nn_step_kind_name(hw_nn_step_kind k);
void hw_nn_forward_begin(hw_nn *nn);
void hw_nn_forward_step(hw_nn *nn, int s);
/* Zeroes every gradient (as hw_nn_backward does first); dlogits must be set. */
void hw_nn_backward_begin(hw_nn *nn);
void hw_nn_backward_step(hw_nn *nn, int s);

int hw_nn_batch(const hw_nn *nn);
hw_nn_prec hw_nn_precision(const hw_nn *nn);
int hw_nn_n_params(const hw_nn *nn);
void hw_nn_param(const hw_nn *nn, int p, hw_nn_param_info *info);
/* Copies parameter p's values (grad = 0) or gradient (grad = 1) into out (n). */
void hw_nn_param_get(const hw_nn *nn, int p, int grad, double *out);
/* Sets parameter p's values from v (n): for tests and reference checks. */
void hw_nn_param_set(hw_nn *nn, int p, const double *v);

/* Conv and linear layers in parameter order: 3·N·k + 8 of them for N cells per
 * stage and k conv edges per cell (15·k + 8 for N = 5). */
int hw_nn_n_layers(const hw_nn *nn);
void hw_nn_layer_get(const hw_nn *nn, int l, hw_nn_layer *out);

/* ReLU sites in forward order, one per ReLU module of the PyTorch model (a map
 * feeding three conv edges is three sites). units = C·H·W per image.
 * hw_nn_relu_code writes c (B, nu) = (input[b, u0 + j] > 0) of the last forward. */
int hw_nn_n_relus(const hw_nn *nn);
size_t hw_nn_relu_units(const hw_nn *nn, int r);
void hw_nn_relu_code(const hw_nn *nn, int r, size_t u0, size_t nu, double *c);

/* Bytes of the network's arena (activations, gradients, parameters, scratch). */
size_t hw_nn_arena_bytes(const hw_nn *nn);
/* Multiply-accumulates of one forward pass per image in conv and linear layers. */
double hw_nn_macs(const hw_nn *nn);
/* Floating-point operations (2 per multiply-accumulate) of the conv and linear
 * GEMMs of one forward + backward pass of the batch: forward, weight gradients
 * of layers a gradient reaches, input gradients where the input needs one. */
double hw_nn_step_flops(const hw_nn *nn);

#endif
