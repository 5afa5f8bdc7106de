/* Private to src/cli/sgd_*.c: the options `hwnas sgd-train` and `hwnas
 * sgd-trace` share (arch, network, data), the network, the CIFAR-10 batches
 * and the trace metadata. */
#ifndef HWNAS_CLI_SGD_H
#define HWNAS_CLI_SGD_H
#include <stdint.h>

#include "hwnas/cifar.h"
#include "hwnas/config.h"
#include "hwnas/nb201.h"
#include "hwnas/nn.h"
#include "hwnas/sgd_trace.h"

#define SGD_CIFAR_FILE "cifar10/data_batch_1_first1102.bin"

typedef struct sgd_opts {
    char arch_str[HW_NB201_STR_MAX];
    hw_nb201_arch arch;
    hw_nb201_net net;
    int steps, warmup, batch, batches, poll_us, poll_max_us, log_every, apply_reps;
    double lr;
    hw_sgd_policy policy, push_policy;
    uint64_t seed;
    char trace[HW_PATH_MAX]; /* sgd-train --trace / sgd-trace --output ("-" = stdout) */
    char data[HW_PATH_MAX];
} sgd_opts;

/* Parses argv[1..] of `hwnas CMD` (train = 1: sgd-train's options, else
 * sgd-trace's); errors are one line (HW_EINPUT) ending in the usage. */
int sgd_parse(const char *cmd, int train, int argc, char **argv, sgd_opts *o, hw_err *err);
/* The float32 network of o (batch o->batch), initialised from o->seed. */
int sgd_net(const sgd_opts *o, hw_nn **nn, hw_err *err);
/* o->batches batches (0: as many as the file holds) from the CIFAR-10 file. */
int sgd_data(sgd_opts *o, hw_batches *b, hw_err *err);
/* What both commands start from: sgd_data, sgd_net, then the network's
 * model (hw_sgd_model: ops, tensors), stopping at the first error. */
int sgd_prepare(sgd_opts *o, hw_batches *b, hw_nn **nn, hw_sgd_trace *model, hw_err *err);
/* Metadata of this host (name, CPU model, OpenBLAS core, date now). */
void sgd_meta(const sgd_opts *o, hw_sgd_meta *m);

#endif
