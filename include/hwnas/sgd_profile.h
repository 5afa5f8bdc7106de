/* hwnas/sgd_profile.h - the worker side of asynchronous parameter-server SGD
 * (methods.md §5) on the CNN engine: the structure of one training step as a
 * hw_sgd_trace (ops, dependencies, tensors), one step run op by op with a
 * clock, and the server's plain SGD update. No I/O, no MPI.
 *
 * Ops of a step, in the worker's order (n = hw_nn_n_steps):
 *   0 .. n-1   FWD of engine step s (op s), named "fwd <s> <kind>";
 *   n          BWD "loss": cross-entropy gradient + zeroing every gradient;
 *   n+1 ..     BWD of each engine step with a backward (bwd = 1), s descending,
 *              named "bwd <s> <kind>".
 * Deps: FWD s on every earlier FWD op writing the tensor it reads (and, for an
 * accumulating step, the earlier writers of its output); "loss" on the last FWD;
 * BWD s on the BWD ops of the steps reading its output, or on "loss" if none.
 * Tensors = the engine's parameters, in parameter order, named "p<i> <kind>"
 * (conv_w, linear_w, linear_b, bn_gamma, bn_beta), bytes = 4·n (float32),
 * fwd_op = FWD of the owning step, grad_op = BWD of the owning step, or "loss"
 * when the step has no backward (its gradient is the zero set by "loss"). */
#ifndef HWNAS_SGD_PROFILE_H
#define HWNAS_SGD_PROFILE_H
#include <stddef.h>

#include "hwnas/error.h"
#include "hwnas/nn.h"
#include "hwnas/sgd_trace.h"

/* The op layout of nn's step: op_of_fwd[s] = s, op_of_bwd[s] = BWD op index of
 * step s or -1 (arrays of hw_nn_n_steps ints); returns the number of ops. */
int hw_sgd_op_layout(const hw_nn *nn, int *op_of_bwd);

/* Fills t (allocated here; free with hw_sgd_trace_free) with the ops, deps and
 * tensors above; durations 0, meta zeroed but batch = hw_nn_batch, threads 1. */
int hw_sgd_model(const hw_nn *nn, hw_sgd_trace *t, hw_err *err);

/* Hooks around every op of hw_sgd_step_run, in layout order: before(op) just
 * before it (e.g. wait for the parameters it reads), after(op, t0, t1) with its
 * start and end times in µs of hw_sgd_now_us (e.g. push the gradients it
 * completed). Either may be NULL; ctx is the caller's. */
typedef struct hw_sgd_hooks {
    void (*before)(void *ctx, int op);
    void (*after)(void *ctx, int op, double t0_us, double t1_us);
    void *ctx;
} hw_sgd_hooks;

/* One training step on images x (B,3,S,S) with labels y (B): the ops of the
 * layout above (h may be NULL). Returns the mean cross-entropy loss; the
 * parameters' gradients are those of hw_nn_backward. */
double hw_sgd_step_run(hw_nn *nn, const double *x, const int *y, const hw_sgd_hooks *h);

/* Monotonic clock in µs. */
double hw_sgd_now_us(void);

/* Plain SGD on the server: w[i] -= lr · g[i], i < n. */
void hw_sgd_apply(float *w, const float *g, size_t n, float lr);

/* The server's cost of hw_sgd_apply, measured in-process: for every tensor
 * size of t (plus 1 element), the median of `reps` timed updates, then a
 * least-squares line time = overhead + bytes · per_byte (clamped at >= 0) into
 * t->msg_overhead_us and t->apply_us_per_byte. */
int hw_sgd_measure_apply(hw_sgd_trace *t, int reps, hw_err *err);

#endif
