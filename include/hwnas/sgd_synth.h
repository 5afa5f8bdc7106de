/* hwnas/sgd_synth.h - a synthetic single-worker SGD trace (hwnas/sgd_trace.h)
 * of an NB201 network, built from the CNN engine's layer shapes (hwnas/nn.h)
 * and a stated compute speed, for when no measured trace (hwnas sgd-trace) is
 * at hand: throughput predictions for any arch, the saturation plot, tests.
 *
 * Ops: one FWD op per conv or linear layer, in parameter order, each after the
 * previous one (the cell's parallel edges are serialised, as on one compute
 * stream), then one BWD op per layer in reverse order, each after the previous
 * op. FWD duration = 2 x MACs x batch / flops_per_us; BWD = twice that (input
 * and weight gradients). BN, ReLU, pooling, skip and classifier-bias costs are
 * left out (a few % of the FLOPs). Tensors: every parameter (conv weight, BN
 * gamma and beta, linear weight and bias), float32 (4 bytes each), read by its
 * layer's FWD op, gradient complete at the end of its layer's BWD op. The
 * server costs are given. meta.arch = the arch string, meta.host "synthetic". */
#ifndef HWNAS_SGD_SYNTH_H
#define HWNAS_SGD_SYNTH_H

#include "hwnas/error.h"
#include "hwnas/nb201.h"
#include "hwnas/sgd_trace.h"

typedef struct hw_sgd_synth_cfg {
    int batch;                  /* >= 1 */
    double gflops;              /* worker compute speed, GFLOP/s (> 0) */
    double apply_us_per_byte;   /* server costs, >= 0 */
    double msg_overhead_us;
} hw_sgd_synth_cfg;

/* Fills t (free with hw_sgd_trace_free). No I/O. */
int hw_sgd_synth_nb201(const hw_nb201_arch *a, const hw_sgd_synth_cfg *c, hw_sgd_trace *t, hw_err *err);

#endif
