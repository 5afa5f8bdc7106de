/* hwnas/sgd_ps.h - real asynchronous parameter-server SGD over MPI
 * (methods.md §5; `hwnas sgd-train`). Rank 0 is the server, ranks 1..W the
 * workers. One message per tensor (float32):
 *   worker -> server  tag CTRL (one int): PULL "send me the parameters", or DONE
 *                     at the end; tag GRAD + t: gradient of tensor t;
 *   server -> worker  tag PARAM + t: tensor t.
 * Worker loop, per step: send PULL and post a receive per tensor; forward op by
 * op, each op waiting only for the tensors it reads (hw_sgd_tensor.fwd_op);
 * loss; backward op by op; after each op the gradients are pushed (MPI_Isend)
 * in the push order, strictly: the next tensor in that order is sent as soon
 * as the op completing it (grad_op) has returned, and waits for it even if a
 * later one is ready (as helper 8a's simulator, hwnas/sgd_sim.h); with the
 * "reverse" order late layers' gradients travel while earlier layers still
 * compute. The step ends when every push has completed.
 * Server loop: MPI_Iprobe any source and tag; a gradient is received and
 * applied at once (plain SGD, hw_sgd_apply); a PULL is answered with one
 * MPI_Isend per tensor, in the transmission order of the policy, from a
 * snapshot of the parameters taken then (so later updates never touch a buffer
 * in flight). MPI keeps each worker's messages in order, so a worker's next
 * pull sees its own previous gradients applied.
 * Server receives are all posted in advance (MPI_Irecv: per worker a control
 * message, PULL or DONE, and the gradients of the step it pulled) and completed
 * with MPI_Testsome, so it never spins inside MPI waiting for one worker.
 * Polling: with poll_us > 0, a rank with nothing to do sleeps between tests
 * instead of spinning (fair to the workers when ranks share cores): poll_us
 * after something completed, then twice as long after every empty test, up to
 * poll_max_us.
 * Results are gathered on rank 0. Times are µs of hw_sgd_now_us (one clock for
 * every rank of one machine; namespaces share it). */
#ifndef HWNAS_SGD_PS_H
#define HWNAS_SGD_PS_H
#include <stdint.h>

#include "hwnas/error.h"
#include "hwnas/nn.h"
#include "hwnas/sgd_trace.h"

typedef struct hw_ps_cfg {
    int steps;              /* per worker */
    float lr;
    hw_sgd_policy policy;      /* pull order: the server sends the tensors in this order */
    hw_sgd_policy push_policy; /* push order, strict: the next tensor in it waits for its gradient */
    uint64_t seed;          /* initial parameters and the "random" order */
    int poll_us;            /* 0: spin */
    int poll_max_us;        /* back-off cap (<= poll_us: no back-off) */
    int record;             /* 1: record the timeline events */
} hw_ps_cfg;

/* A worker's data: n_batches batches of `batch` images; worker w (1..W) trains
 * step k on batch (k·W + w − 1) mod n_batches. */
typedef struct hw_ps_data {
    const double *x;        /* n_batches·batch images (3,S,S) */
    const int *y;
    int n_batches;
    size_t img_len;         /* doubles per image: 3·S·S */
} hw_ps_data;

/* On rank 0 after hw_ps_run: per worker w (0-based here: rank w + 1) and step
 * k, index w·steps + k. */
typedef struct hw_ps_result {
    int workers, steps;
    double *loss;           /* the worker's mean CE loss of the step */
    double *t_start;        /* worker: PULL sent */
    double *t_end;          /* worker: last push completed */
    double *t_applied;      /* server: last gradient of the step applied */
    double *op_us;          /* worker 1's op durations, steps × n_ops */
    int n_ops;
    double *cpu_frac;       /* W + 1 ranks (0 = the server): CPU time (user + system, the
                               process's) over wall time of the training loop */
    hw_sgd_event *ev;       /* all ranks' events (record = 1), ts in µs of the clock */
    size_t n_ev;
} hw_ps_result;

/* Runs the whole training on every rank. nn: this rank's network (workers: the
 * training network; the server: any network of the same arch, used for the
 * initial parameters and the sizes); model: hw_sgd_model(nn). Collective over
 * MPI_COMM_WORLD (size >= 2). Errors: HW_EIO (MPI), HW_ENOMEM; after an
 * error the other ranks may be blocked: the caller must MPI_Abort. */
int hw_ps_run(hw_nn *nn, const hw_sgd_trace *model, const hw_ps_cfg *cfg, const hw_ps_data *data,
              hw_ps_result *res, hw_err *err);
void hw_ps_result_free(hw_ps_result *r);

/* Worker w's rate after warm-up (steps/s): its steps after the first `warmup`
 * over the time from the server's completion of its step warmup − 1 to that of
 * its last step; 0 when warmup is not in [1, steps). The throughput is the sum
 * over the workers (the definition of helper 8a's simulator, hwnas/sgd_sim.h). */
double hw_ps_worker_rate(const hw_ps_result *r, int w, int warmup);
double hw_ps_throughput(const hw_ps_result *r, int warmup);

#endif
