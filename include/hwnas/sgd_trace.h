/* hwnas/sgd_trace.h - one worker's training step, profiled on one node, for
 * asynchronous parameter-server SGD (methods.md §5), and its file format.
 *
 * The model (hw_sgd_trace): ops in the worker's execution order, each FWD or
 * BWD, with its measured compute time and its dependencies (earlier ops that
 * must finish before it can start); every parameter tensor with its size in
 * bytes (float32; its gradient has the same size), the first FWD op that reads
 * it (it must have been pulled from the server before that op starts) and the
 * BWD op at whose end its gradient is complete (it can be pushed from then on);
 * the server's costs to apply one gradient: msg_overhead_us + bytes *
 * apply_us_per_byte.
 *
 * File: Chrome trace-event JSON, Object format, opened by Perfetto and
 * chrome://tracing:
 *   {"traceEvents": [...], "displayTimeUnit": "ms", "hwnas": {...},
 *    "prediction": {...}}                        (prediction: optional)
 * traceEvents are complete events ("ph":"X", ts and dur in µs): pid 0 = the
 * server, 1..W = workers; tid 0 = compute (worker ops, server applies), 1 =
 * pull (server -> worker), 2 = push (worker -> server); args carry step, op or
 * tensor index, bytes, deps. The reader does not read the events back (it
 * checks that traceEvents is an array): the "hwnas" object carries the whole
 * model:
 *   "hwnas": {"version": 1,
 *     "meta": {"arch": S, "host": S, "cpu": S, "coretype": S, "threads": N,
 *              "batch": N, "date": "ISO 8601", "step_us": X},
 *     "server": {"apply_us_per_byte": X, "msg_overhead_us": X},
 *     "ops": [{"name": S, "phase": "FWD"|"BWD", "dur_us": X, "deps": [N...]}...],
 *     "tensors": [{"name": S, "bytes": N, "fwd_op": N, "grad_op": N}...]}
 * Every key is required, none may repeat, no other key is allowed inside
 * "hwnas" (other top-level keys are ignored, as Chrome does).
 *
 * Rules checked by hw_sgd_trace_check (and so by the reader): version 1; at
 * least one op; durations, bytes and costs finite and >= 0; deps of op i in
 * [0, i) and not repeated; fwd_op a FWD op, grad_op a BWD op; threads, batch >= 1.
 *
 * Implementation: src/sgd/trace.c (model, checks, transmission orders) and
 * src/sgd/trace_json.c (JSON reader and writer; self-contained parser). */
#ifndef HWNAS_SGD_TRACE_H
#define HWNAS_SGD_TRACE_H
#include <stddef.h>
#include <stdint.h>

#include "hwnas/error.h"

#define HW_SGD_TRACE_VERSION 1
#define HW_SGD_NAME_MAX 128   /* names and metadata strings, with the NUL */

typedef enum { HW_SGD_FWD = 0, HW_SGD_BWD = 1 } hw_sgd_phase;

typedef struct hw_sgd_meta {
    char arch[HW_SGD_NAME_MAX];     /* NB201 arch string, or free text */
    char host[HW_SGD_NAME_MAX];
    char cpu[HW_SGD_NAME_MAX];      /* CPU model */
    char coretype[HW_SGD_NAME_MAX]; /* OpenBLAS core type */
    char date[HW_SGD_NAME_MAX];     /* ISO 8601 */
    int threads;                    /* BLAS threads of the worker */
    int batch;
    double step_us;                 /* measured single-worker step time (reference only) */
} hw_sgd_meta;

typedef struct hw_sgd_op {
    char name[HW_SGD_NAME_MAX];
    hw_sgd_phase phase;
    double dur_us;
    int n_deps;
    int *deps;                      /* n_deps indices, each < this op's index */
} hw_sgd_op;

typedef struct hw_sgd_tensor {
    char name[HW_SGD_NAME_MAX];
    int64_t bytes;
    int fwd_op;                     /* first FWD op reading it */
    int grad_op;                    /* BWD op completing its gradient */
} hw_sgd_tensor;

typedef struct hw_sgd_trace {
    hw_sgd_meta meta;
    double apply_us_per_byte;       /* server: plain SGD update, per byte */
    double msg_overhead_us;         /* server: per received gradient message */
    int n_ops;
    hw_sgd_op *ops;
    int n_tensors;
    hw_sgd_tensor *tensors;
} hw_sgd_trace;

/* Allocates n_ops zeroed ops and n_tensors zeroed tensors (meta zeroed,
 * threads = batch = 1). Free with hw_sgd_trace_free (also after a failure). */
int  hw_sgd_trace_alloc(hw_sgd_trace *t, int n_ops, int n_tensors, hw_err *err);
/* Sets op i's deps (a copy of deps[0..n)). */
int  hw_sgd_op_set_deps(hw_sgd_trace *t, int i, const int *deps, int n, hw_err *err);
void hw_sgd_trace_free(hw_sgd_trace *t);

/* Where a check failed: kind 0 = the trace (meta, server, version), 1 = ops[index],
 * 2 = tensors[index]. */
typedef struct hw_sgd_where { int kind, index; } hw_sgd_where;
/* Checks the rules above; on failure err says "field: what is wrong; what to
 * do" (e.g. "ops[3].deps[0]: 7 is not an earlier op ...") and where (may be
 * NULL) says which object. */
int  hw_sgd_trace_check(const hw_sgd_trace *t, hw_sgd_where *where, hw_err *err);

/* Transmission order policies (push order of gradients, pull order of
 * parameters), by name: "layer" (tensor index ascending), "reverse"
 * (descending), "largest" (bytes descending, ties by index ascending), "random"
 * (a fixed permutation: hw_rng_seed(seed, 0x5344) then, for i = n-1 down to 1,
 * swap order[i] with order[hw_rng_below(rng, i + 1)], starting from 0..n-1). */
typedef enum { HW_SGD_LAYER = 0, HW_SGD_REVERSE, HW_SGD_LARGEST, HW_SGD_RANDOM } hw_sgd_policy;
/* "layer" etc. -> policy; returns -1 for an unknown name. */
int hw_sgd_policy_parse(const char *name);
const char *hw_sgd_policy_name(hw_sgd_policy p);
/* order[0..n_tensors) = tensor indices in the order they are sent. */
void hw_sgd_order(const hw_sgd_trace *t, hw_sgd_policy p, uint64_t seed, int *order);

/* One complete event of the Chrome trace. Its name is derived: tid 0 on a
 * worker: ops[op].name; tid 0 on the server: "apply " + tensor name; tid 1:
 * "pull " + tensor name; tid 2: "push " + tensor name. op or tensor is -1
 * where it does not apply. */
typedef struct hw_sgd_event {
    int pid;        /* 0 = server, 1..W = worker */
    int tid;        /* 0 = compute, 1 = pull, 2 = push */
    int step;
    int op;
    int tensor;
    double ts_us, dur_us;
} hw_sgd_event;

/* Reads a trace file (path "-" = stdin). Errors (HW_EINPUT) are one line
 * "path:line: field: what is wrong; what to do" (JSON syntax, missing,
 * repeated or unknown keys, wrong types, and every hw_sgd_trace_check rule).
 * On failure *t is left empty (nothing to free, but freeing is harmless). */
int hw_sgd_trace_read(const char *path, hw_sgd_trace *t, hw_err *err);
/* The same from a buffer (len bytes, need not be NUL-terminated); name is
 * used in error messages. */
int hw_sgd_trace_parse(const char *text, size_t len, const char *name, hw_sgd_trace *t, hw_err *err);
/* Writes t, the events ev[0..n_ev) and, when prediction_json is not NULL, a
 * top-level "prediction" member whose value is that text verbatim (it must be
 * a JSON object). path "-" = stdout. Numbers are printed with %.17g (ts, dur
 * with %.3f), so a read-back gives the same doubles. Deterministic. */
int hw_sgd_trace_write(const char *path, const hw_sgd_trace *t, const hw_sgd_event *ev, size_t n_ev,
                       const char *prediction_json, hw_err *err);

#endif
