/* hwnas/sgd_sim.h - discrete-event simulation of asynchronous parameter-server
 * SGD with W workers, from one worker's trace (hwnas/sgd_trace.h; methods.md
 * §5). Numerical core: no I/O, no MPI. Deterministic: event times are doubles
 * computed in a fixed order, ties broken by worker id, then tensor/op index.
 *
 * Worker loop (each worker independently; worker i starts at start_us[i], or
 * i * stagger_us without start_us):
 *  1. pull: the server sends every parameter tensor to the worker, one message
 *     per tensor, one message at a time per worker, in the pull policy's order;
 *  2. compute: one op at a time; whenever the worker's compute is idle it starts
 *     the lowest-index ready op. An op is ready when all its deps have finished
 *     and, for a FWD op, every tensor whose fwd_op it is has arrived. With no
 *     communication this is the trace's list order;
 *  3. push: the gradient of tensor k is ready when ops[grad_op] ends; the worker
 *     sends gradients one at a time in the push policy's order (strict: the next
 *     message in that order waits for its gradient even if a later one is
 *     ready), overlapping with the remaining backward ops;
 *  4. apply: the server applies gradients one at a time in arrival order (ties:
 *     worker id, then push order), each taking msg_overhead_us + bytes *
 *     apply_us_per_byte;
 *  5. the worker's step ends when its last op has finished and all its
 *     gradients have been applied (the worker waits for the server's update,
 *     as TensorFlow's train op does; with zero apply costs this is the arrival
 *     of its last push); its next step's pull starts then. Workers never wait
 *     for each other. Identical workers started together (stagger 0) with no
 *     server cost stay in lockstep for ever (their pulls and pushes never
 *     interleave); a stagger of (single-worker step) / W spreads them evenly
 *     (the best case); hw_sgd_simulate_phases averages over offsets.
 * Network: every worker has its own full-duplex link to a switch (bw_worker
 * bytes/µs each way, latency lat_worker_us); the server has one full-duplex
 * link (bw_server each way, lat_server_us). A message is a flow through both
 * links: its bytes drain at the rate allocated to it, recomputed whenever a
 * flow starts or ends, then it is delivered lat_server_us + lat_worker_us
 * later (the link is free for the next message as soon as the bytes are out).
 * Sharing: max-min fair (processor sharing) among the n flows in the same
 * direction of the server link; each worker has at most one flow per direction,
 * so each gets min(bw_worker, bw_server / n). An uncontended message of b bytes
 * takes latency + b / min(bw_worker, bw_server).
 * share = FCFS instead: the flows of a direction are served in the order in
 * which their worker's transfer of this step began (its first pull or push
 * message; ties: worker id), each at min(bw_worker, what is left of
 * bw_server), the others wait. A transfer that started first keeps the link,
 * as a TCP connection with a full window keeps its share of a FIFO queue.
 * share = NOISY: weighted max-min fair. Each transfer (a worker's pull, or
 * its push, messages of one step) draws a weight w = exp(sigma_d * z) when
 * its first message starts, z ~ N(0, 1) from hw_rng seeded (noise_seed,
 * HW_SGD_NOISE_STREAM), one hw_rng_normal per draw in the order the transfers
 * start (at one time: a fixed order, worker id then pull before push among
 * transfers whose start conditions are already met); sigma_d =
 * share_sigma[0] for pulls, [1] for pushes. The flows of a direction share
 * bw_server in proportion to their weights, each capped at bw_worker (water-
 * filling: capped flows get bw_worker, the rest share what is left by weight).
 * sigma = 0 gives exactly the fair rates. Real TCP sharing is fair only on
 * average; this noise moves the workers' relative phase where they contend
 * and not where they do not (README.md, "Sharing model" and "Calibrating the
 * test bed").
 * Measures: each worker runs warmup steps then steps measured steps; the run
 * stops when every worker has finished warmup + steps steps (workers that are
 * done keep running until then, so the load stays W throughout). A worker's
 * rate is steps / (end of its last measured step - end of its warmup); the
 * throughput is the sum over workers. Link utilisation: bytes carried by the
 * server link in each direction over [t_a, t_end] / (bw_server * (t_end -
 * t_a)), t_a = the last worker's end of warmup, t_end = the stop time. */
#ifndef HWNAS_SGD_SIM_H
#define HWNAS_SGD_SIM_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"
#include "hwnas/sgd_trace.h"

typedef struct hw_sgd_net {
    double bw_server;       /* bytes per µs, each direction (1 byte/µs = 8 Mbit/s) */
    double bw_worker;       /* bytes per µs, each direction, every worker */
    double lat_server_us;
    double lat_worker_us;
} hw_sgd_net;

typedef enum { HW_SGD_SHARE_FAIR = 0, HW_SGD_SHARE_FCFS = 1, HW_SGD_SHARE_NOISY = 2 } hw_sgd_share;
#define HW_SGD_NOISE_STREAM 0x5348415245ULL /* "SHARE" */

typedef struct hw_sgd_sim_cfg {
    int workers;            /* W >= 1 */
    int warmup;             /* >= 0 steps per worker not measured */
    int steps;              /* >= 1 measured steps per worker */
    hw_sgd_policy pull, push;
    uint64_t seed;          /* of the "random" order (the same permutation for pull and push) */
    hw_sgd_net net;
    int record;             /* 1: fill result->ev with every event (for a Chrome trace) */
    double stagger_us;      /* worker i (0-based) starts its first step at i * stagger_us */
    int cores;              /* 0: a node per rank; >= 1: all ranks share these cores (CPU sharing above) */
    double net_cpu_us_per_byte; /* with cores >= 1: network-stack CPU per byte carried, >= 0 */
    hw_sgd_share share;     /* sharing of the server link among concurrent flows (above) */
    const double *start_us; /* NULL: worker i starts at i * stagger_us; else at start_us[i] (finite, >= 0) */
    double share_sigma[2];  /* share = NOISY: lognormal sd of the pull [0] and push [1] weights, in [0, 5] */
    uint64_t noise_seed;    /* share = NOISY: seed of the weights */
} hw_sgd_sim_cfg;

typedef struct hw_sgd_sim_result {
    int workers;
    double steps_per_s;     /* sum over workers */
    double step_us;         /* mean over workers of their mean measured step time */
    double step_us_max;     /* the slowest worker's mean measured step time */
    double util_down;       /* server link, server -> workers (pulls), in [0, 1] */
    double util_up;         /* server link, workers -> server (pushes) */
    double server_busy;     /* fraction of the window the server spends applying */
    double t_end_us;        /* simulated time at the stop */
    double cpu_speed;       /* mean speed of running ops over the window (1 without CPU sharing) */
    hw_sgd_event *ev;       /* record = 1: n_ev events, in the order they end */
    size_t n_ev;
} hw_sgd_sim_result;

/* Checks c (returns HW_EINPUT with "field: what is wrong" naming the option:
 * workers, warmup, steps, bw_server, bw_worker, lat_*) and t, then simulates.
 * A step that takes no time at all is an error (infinite throughput). */
int hw_sgd_simulate(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, hw_sgd_sim_result *r, hw_err *err);
void hw_sgd_sim_result_free(hw_sgd_sim_result *r);
/* The simulated step time of one worker alone under c (c with workers = 1,
 * no recording). The auto stagger, which spreads W workers evenly over one
 * step, is this / W. */
int hw_sgd_single_step_us(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, double *step_us, hw_err *err);

/* Phase-averaged prediction (sgd-predict's and the campaign report's default).
 * Under fair sharing the workers' relative phase is neutral: the model keeps
 * any offset for ever, and throughput depends on it (at 10 Mbit/s, W = 2,
 * from 0.25 in lockstep to 0.49 steps/s in anti-phase). A real run's phase is
 * set by its start and then drifts with the jitter of compute and network; a
 * drift without a preferred direction is a random walk on the circle, whose
 * stationary distribution is uniform. So the prediction is the mean over
 * `samples` runs whose offsets are spread evenly over one single-worker step
 * P = step_us (hw_sgd_single_step_us under c; the caller simulates it once per
 * trace, not once per worker count): in run j (0-based) worker 0 starts at 0 and
 * worker i >= 1 at P * frac((j + 0.5) / samples + (i - 1) * g), g = (sqrt 5 -
 * 1) / 2 (a rank-1 lattice: each worker's offsets are stratified over [0, P),
 * different workers' are shifted apart). c->start_us and c->stagger_us are
 * ignored. Every field of r except ev is the mean over the runs (t_end_us: the
 * latest); with c->record, r->ev holds the events of the run whose throughput
 * is nearest the mean (ties: the lowest j). W = 1: one run. samples in
 * [1, 10000]; one sample puts worker 1 half a step after worker 0; step_us
 * finite and > 0. */
#define HW_SGD_PHASES_DEFAULT 16
int hw_sgd_simulate_phases(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, int samples, double step_us,
                           hw_sgd_sim_result *r, hw_err *err);

/* Mean over `runs` noisy runs (share = NOISY): run j (0-based) is c with
 * noise_seed = c->noise_seed + j, workers starting as c says (start_us or
 * i * stagger_us; 0: all together, as a real job starts after a barrier).
 * Every field of r except ev is the mean over the runs (t_end_us: the latest);
 * with c->record, r->ev holds the events of the run whose throughput is
 * nearest the mean (ties: the lowest j). runs in [1, 10000]; W = 1: one run
 * (a lone flow's weight does not change its rate). The prediction for a run
 * of warmup + steps steps from the start, transient included. */
#define HW_SGD_RUNS_DEFAULT 32
int hw_sgd_simulate_runs(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, int runs, hw_sgd_sim_result *r,
                         hw_err *err);

/* Network description strings (src/sgd/units.c), strict, returning 0 or -1:
 * a bandwidth per second: a number > 0 directly followed by bit, kbit, Mbit,
 * Gbit (decimal: 1 Mbit = 1e6 bit) or B, kB, MB, GB (decimal bytes),
 * optionally followed by "/s": "100Mbit", "1Gbit/s", "12.5MB" -> bytes/µs
 * (100Mbit = 12.5). */
int hw_sgd_parse_bandwidth(const char *s, double *bytes_per_us);
/* Worker counts: "N", "A..B" or a comma list of those ("1..4,8,16"), each in
 * [1, max]; writes at most cap counts into w (ascending, duplicates removed),
 * *n = how many. */
int hw_sgd_parse_workers(const char *s, int max, int *w, int cap, int *n);

#endif
