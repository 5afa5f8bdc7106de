/* `hwnas sgd-predict (TRACE.json | --arch ARCH) [options]`: predicted training
 * throughput of asynchronous parameter-server SGD for W workers from one
 * worker's trace (hwnas/sgd_sim.h), CSV on stdout; optionally the synthetic
 * W-worker Chrome trace. Needs no MPI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/cli.h"
#include "hwnas/sgd_sim.h"
#include "hwnas/sgd_synth.h"
#include "hwnas/sgd_trace.h"

#define USAGE "usage: hwnas sgd-predict (TRACE.json | --arch ARCH) [--workers 1..8] [--bw-server 1Gbit] " \
              "[--bw-worker 1Gbit] [--latency-us 100] [--policy layer|reverse|largest|random] [--steps N] " \
              "[--phases K | --stagger-us X|auto] [--share fair|fcfs|noisy] [--share-sigma P[,Q]] [--runs K] [--cores N] [--net-cpu-ns-per-byte X] [--trace-out FILE] (see hwnas --help)"
#define MAX_WORKERS 4096

typedef struct {
    const char *trace, *arch, *trace_out;
    hw_sgd_synth_cfg synth;
    hw_sgd_sim_cfg sim;
    int workers[MAX_WORKERS], n_workers, trace_workers;
    double stagger;     /* -1: auto; < -1: not given (phase average over `phases` runs) */
    int phases;         /* 0: not given (HW_SGD_PHASES_DEFAULT) */
    int runs;           /* 0: not given (HW_SGD_RUNS_DEFAULT with --share noisy) */
    int sigma_given;
} predict_args;

static int num(const char *opt, const char *v, double lo, double *out, hw_err *err)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo) || x > 1e15)
        return hw_errf(err, HW_EINPUT, "%s: '%s' is not a number >= %g; %s", opt, v, lo, USAGE);
    *out = x;
    return 0;
}

static int count(const char *opt, const char *v, int lo, int *out, hw_err *err)
{
    double x;
    if (num(opt, v, lo, &x, err) || x != (int)x || x > 1e7)
        return hw_errf(err, HW_EINPUT, "%s: '%s' is not a whole number >= %d; %s", opt, v, lo, USAGE);
    *out = (int)x;
    return 0;
}

static int policy(const char *opt, const char *v, hw_sgd_policy *out, hw_err *err)
{
    int p = hw_sgd_policy_parse(v);
    if (p < 0)
        return hw_errf(err, HW_EINPUT, "%s: '%s' is not a policy; use layer, reverse, largest or random", opt, v);
    *out = (hw_sgd_policy)p;
    return 0;
}

static int bandwidth(const char *opt, const char *v, double *out, hw_err *err)
{
    if (hw_sgd_parse_bandwidth(v, out))
        return hw_errf(err, HW_EINPUT, "%s: '%s' is not a bandwidth; write a number > 0 and a unit, e.g. 100Mbit, "
                       "1Gbit, 12.5MB (per second; bit, kbit, Mbit, Gbit, B, kB, MB, GB)", opt, v);
    return 0;
}

static int parse_opt(const char *o, const char *v, predict_args *a, hw_err *err)
{
    hw_sgd_sim_cfg *c = &a->sim;
    double lat, x;
    if (!strcmp(o, "--arch"))
        a->arch = v;
    else if (!strcmp(o, "--trace-out"))
        a->trace_out = v;
    else if (!strcmp(o, "--workers")) {
        if (hw_sgd_parse_workers(v, MAX_WORKERS, a->workers, MAX_WORKERS, &a->n_workers))
            return hw_errf(err, HW_EINPUT, "--workers: '%s' is not a worker count list; write e.g. 4, 1..8 or "
                           "1..4,8,16 (each in [1, %d])", v, MAX_WORKERS);
    } else if (!strcmp(o, "--trace-workers"))
        return count(o, v, 1, &a->trace_workers, err);
    else if (!strcmp(o, "--bw-server"))
        return bandwidth(o, v, &c->net.bw_server, err);
    else if (!strcmp(o, "--bw-worker"))
        return bandwidth(o, v, &c->net.bw_worker, err);
    else if (!strcmp(o, "--latency-us")) {
        if (num(o, v, 0, &lat, err))
            return HW_EINPUT;
        c->net.lat_server_us = c->net.lat_worker_us = lat / 2;
    } else if (!strcmp(o, "--lat-server-us"))
        return num(o, v, 0, &c->net.lat_server_us, err);
    else if (!strcmp(o, "--lat-worker-us"))
        return num(o, v, 0, &c->net.lat_worker_us, err);
    else if (!strcmp(o, "--policy")) {
        int rc = policy(o, v, &c->pull, err);
        return rc ? rc : policy(o, v, &c->push, err);
    }
    else if (!strcmp(o, "--pull-policy"))
        return policy(o, v, &c->pull, err);
    else if (!strcmp(o, "--push-policy"))
        return policy(o, v, &c->push, err);
    else if (!strcmp(o, "--seed")) {
        if (num(o, v, 0, &x, err) || x != (double)(uint64_t)x)
            return hw_errf(err, HW_EINPUT, "--seed: '%s' is not a whole number >= 0; %s", v, USAGE);
        c->seed = (uint64_t)x;
    } else if (!strcmp(o, "--steps"))
        return count(o, v, 1, &c->steps, err);
    else if (!strcmp(o, "--warmup"))
        return count(o, v, 0, &c->warmup, err);
    else if (!strcmp(o, "--stagger-us")) {
        if (!strcmp(v, "auto"))
            a->stagger = -1;
        else
            return num(o, v, 0, &a->stagger, err);
    } else if (!strcmp(o, "--phases")) {
        if (count(o, v, 1, &a->phases, err))
            return HW_EINPUT;
        if (a->phases > 10000)
            return hw_errf(err, HW_EINPUT, "--phases: %d is above 10000; %s", a->phases, USAGE);
    } else if (!strcmp(o, "--runs")) {
        if (count(o, v, 1, &a->runs, err))
            return HW_EINPUT;
        if (a->runs > 10000)
            return hw_errf(err, HW_EINPUT, "--runs: %d is above 10000; %s", a->runs, USAGE);
    } else if (!strcmp(o, "--share")) {
        if (!strcmp(v, "fair"))
            c->share = HW_SGD_SHARE_FAIR;
        else if (!strcmp(v, "fcfs"))
            c->share = HW_SGD_SHARE_FCFS;
        else if (!strcmp(v, "noisy"))
            c->share = HW_SGD_SHARE_NOISY;
        else
            return hw_errf(err, HW_EINPUT, "--share: '%s' is not a sharing model; use fair, fcfs or noisy", v);
    } else if (!strcmp(o, "--share-sigma")) {
        char *end;
        double p = strtod(v, &end), u = p;
        int ok = end != v;
        if (ok && *end == ',') { /* PULL,PUSH */
            const char *q = end + 1;
            u = strtod(q, &end);
            ok = end != q;
        }
        if (!ok || *end || !(p >= 0 && p <= 5 && u >= 0 && u <= 5))
            return hw_errf(err, HW_EINPUT, "--share-sigma: '%s' is not S or PULL,PUSH with each in [0, 5] (the "
                           "lognormal sd of transfer weights; scripts/sgd-share-calibrate.sh measures it)", v);
        c->share_sigma[0] = p, c->share_sigma[1] = u;
        a->sigma_given = 1;
    } else if (!strcmp(o, "--cores"))
        return count(o, v, 0, &c->cores, err);
    else if (!strcmp(o, "--net-cpu-ns-per-byte")) {
        if (num(o, v, 0, &x, err))
            return HW_EINPUT;
        c->net_cpu_us_per_byte = x / 1e3;
    } else if (!strcmp(o, "--gflops"))
        return num(o, v, 1e-9, &a->synth.gflops, err);
    else if (!strcmp(o, "--batch"))
        return count(o, v, 1, &a->synth.batch, err);
    else if (!strcmp(o, "--apply-ns-per-byte")) {
        if (num(o, v, 0, &x, err))
            return HW_EINPUT;
        a->synth.apply_us_per_byte = x / 1e3;
    } else if (!strcmp(o, "--msg-overhead-us"))
        return num(o, v, 0, &a->synth.msg_overhead_us, err);
    else
        return hw_errf(err, HW_EINPUT, "unknown option '%s'; %s", o, USAGE);
    return 0;
}

static int parse_args(int argc, char **argv, predict_args *a, hw_err *err)
{
    *a = (predict_args){0};
    a->sim = (hw_sgd_sim_cfg){1, 2, 20, HW_SGD_LAYER, HW_SGD_REVERSE, 1, {125, 125, 50, 50}, 0, 0, 0, 0, HW_SGD_SHARE_FAIR, NULL,
                              {0, 0}, 0};
    a->synth = (hw_sgd_synth_cfg){64, 20, 0.25e-3, 10};
    a->stagger = -2;
    if (hw_sgd_parse_workers("1..8", MAX_WORKERS, a->workers, MAX_WORKERS, &a->n_workers))
        return hw_errf(err, HW_EINPUT, "internal: default workers");
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2)) {
            if (a->trace)
                return hw_errf(err, HW_EINPUT, "two traces ('%s', '%s'); give one; %s", a->trace, argv[i], USAGE);
            a->trace = argv[i];
            continue;
        }
        if (i + 1 >= argc)
            return hw_errf(err, HW_EINPUT, "%s: missing value; %s", argv[i], USAGE);
        int rc = parse_opt(argv[i], argv[i + 1], a, err);
        if (rc)
            return rc;
        i++;
    }
    if (!a->trace == !a->arch)
        return hw_errf(err, HW_EINPUT, "give either a trace file or --arch ARCH (a synthetic trace); %s", USAGE);
    if (a->phases && a->stagger > -2)
        return hw_errf(err, HW_EINPUT, "--phases and --stagger-us: give one (phases average over start offsets, "
                       "a stagger fixes them); %s", USAGE);
    if (a->sim.share == HW_SGD_SHARE_NOISY) {
        if (!a->sigma_given)
            return hw_errf(err, HW_EINPUT, "--share noisy: give --share-sigma PULL,PUSH (scripts/"
                           "sgd-share-calibrate.sh measures it on the test bed); %s", USAGE);
        if (a->phases)
            return hw_errf(err, HW_EINPUT, "--phases: not with --share noisy (noisy runs start together, or at "
                           "--stagger-us, and average over --runs seeds); %s", USAGE);
        if (!a->runs)
            a->runs = HW_SGD_RUNS_DEFAULT;
    } else if (a->sigma_given || a->runs)
        return hw_errf(err, HW_EINPUT, "%s: only with --share noisy; %s", a->runs ? "--runs" : "--share-sigma", USAGE);
    a->sim.noise_seed = a->sim.seed;
    if (!a->phases)
        a->phases = a->stagger > -2 ? 1 : HW_SGD_PHASES_DEFAULT; /* 1 with a stagger: one run */
    if (!a->trace_workers)
        a->trace_workers = a->workers[a->n_workers - 1];
    return 0;
}

static int load(const predict_args *a, hw_sgd_trace *t, hw_err *err)
{
    if (a->trace)
        return hw_sgd_trace_read(a->trace, t, err);
    hw_nb201_arch arch;
    char why[128];
    if (hw_nb201_parse(a->arch, &arch, why, sizeof why))
        return hw_errf(err, HW_EINPUT, "--arch: '%s' is not an NB201 arch string: %s", a->arch, why);
    return hw_sgd_synth_nb201(&arch, &a->synth, t, err);
}

static void prediction_json(const predict_args *a, const hw_sgd_sim_result *r, char *buf, size_t len)
{
    const hw_sgd_sim_cfg *c = &a->sim;
    snprintf(buf, len,
             "{\"workers\":%d,\"steps_per_s\":%.6f,\"step_us\":%.3f,\"step_us_max\":%.3f,\"util_down\":%.6f,"
             "\"util_up\":%.6f,\"server_busy\":%.6f,\"pull_policy\":\"%s\",\"push_policy\":\"%s\",\"seed\":%llu,"
             "\"bw_server_bytes_per_us\":%.17g,\"bw_worker_bytes_per_us\":%.17g,\"lat_server_us\":%.17g,"
             "\"lat_worker_us\":%.17g,\"warmup\":%d,\"steps\":%d,\"stagger_us\":%.17g,\"share\":\"%s\",\"cores\":%d,"
             "\"net_cpu_us_per_byte\":%.17g,\"cpu_speed\":%.6f,\"phases\":%d,\"share_sigma\":[%.17g,%.17g],"
             "\"runs\":%d}",
             r->workers, r->steps_per_s, r->step_us, r->step_us_max, r->util_down, r->util_up, r->server_busy,
             hw_sgd_policy_name(c->pull), hw_sgd_policy_name(c->push), (unsigned long long)c->seed, c->net.bw_server,
             c->net.bw_worker, c->net.lat_server_us, c->net.lat_worker_us, c->warmup, c->steps, c->stagger_us,
             c->share == HW_SGD_SHARE_FCFS ? "fcfs" : c->share == HW_SGD_SHARE_NOISY ? "noisy" : "fair", c->cores,
             c->net_cpu_us_per_byte, r->cpu_speed, a->phases, c->share_sigma[0], c->share_sigma[1], a->runs);
}

static int predict(predict_args *a, const hw_sgd_trace *t, hw_err *err)
{
    double step1 = 0; /* the single-worker step: auto stagger step1 / W, or the phases' period */
    const int noisy = a->sim.share == HW_SGD_SHARE_NOISY;
    int rc = a->stagger < 0 ? hw_sgd_single_step_us(t, &a->sim, &step1, err) : 0;
    if (rc)
        return rc;
    puts("workers,steps_per_s,step_us,step_us_max,util_down,util_up,server_busy,cpu_speed");
    for (int k = 0; !rc && k < a->n_workers; k++) {
        hw_sgd_sim_result r;
        hw_sgd_sim_cfg c = a->sim;
        c.workers = a->workers[k];
        c.stagger_us = a->stagger >= 0 ? a->stagger : a->stagger == -1 ? step1 / c.workers : 0;
        c.record = a->trace_out && c.workers == a->trace_workers;
        if (noisy) /* started together (or staggered), mean over seeds */
            rc = hw_sgd_simulate_runs(t, &c, a->runs, &r, err);
        else
            rc = a->stagger > -2 ? hw_sgd_simulate(t, &c, &r, err)
                                 : hw_sgd_simulate_phases(t, &c, a->phases, step1, &r, err);
        if (rc)
            break;
        printf("%d,%.6g,%.3f,%.3f,%.6f,%.6f,%.6f,%.6f\n", r.workers, r.steps_per_s, r.step_us, r.step_us_max,
               r.util_down, r.util_up, r.server_busy, r.cpu_speed);
        if (c.record) {
            char pj[1024];
            a->sim.stagger_us = c.stagger_us;
            prediction_json(a, &r, pj, sizeof pj);
            rc = hw_sgd_trace_write(a->trace_out, t, r.ev, r.n_ev, pj, err);
        }
        hw_sgd_sim_result_free(&r);
    }
    return rc;
}

int hw_cmd_sgd_predict(int argc, char **argv)
{
    predict_args *a = calloc(1, sizeof *a);
    hw_sgd_trace t = {0};
    hw_err err = {0};
    int rc = a ? parse_args(argc, argv, a, &err) : hw_errf(&err, HW_ENOMEM, "out of memory");
    if (!rc && a->trace_out) {
        int found = 0;
        for (int k = 0; k < a->n_workers; k++)
            found |= a->workers[k] == a->trace_workers;
        if (!found)
            rc = hw_errf(&err, HW_EINPUT, "--trace-workers: %d is not among --workers; pick one of them",
                         a->trace_workers);
    }
    if (!rc)
        rc = load(a, &t, &err);
    if (!rc)
        rc = predict(a, &t, &err);
    if (rc)
        fprintf(stderr, "hwnas: error: %s\n", err.msg[0] ? err.msg : "(no message)");
    hw_sgd_trace_free(&t);
    free(a);
    return rc;
}
