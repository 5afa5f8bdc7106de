/* hwnas/host.h - this machine as a latency device: inference latency of NB201
 * networks (batch 1, float32, hw_nn_infer) and of their single operations,
 * timed with CLOCK_MONOTONIC after warm-up, with OpenBLAS's thread count set
 * here and every thread of the process pinned to the first `threads` CPUs
 * the process may use. Device names: host_<threads>t.
 * A measurement is `repeats` samples; it reports their median and spread =
 * (q75 - q25) / median (relative interquartile range), and is noisy when the
 * spread exceeds the caller's threshold (hw_host_measure retries it). */
#ifndef HWNAS_HOST_H
#define HWNAS_HOST_H
#include <stddef.h>

#include "hwnas/error.h"
#include "hwnas/nb201.h"
#include "hwnas/nn.h"

typedef struct hw_timing {
    double median_ms, spread;
    int tries;        /* measurements taken (1 + retries) */
    int noisy;        /* spread still above the threshold after every try */
} hw_timing;

/* Median and relative IQR of t[0..n) (n >= 1; sorts a copy in scratch (n)). */
void hw_timing_stats(const double *t, int n, double *scratch, double *median, double *spread);

/* A sampler: writes n samples (ms) of one thing into out. */
typedef int (*hw_sampler)(void *ctx, int n, double *out, hw_err *err);
/* Takes `repeats` samples up to 1 + retries times until the spread is at most
 * max_spread; the last try's median and spread are reported. */
int hw_host_measure(hw_sampler s, void *ctx, int repeats, int retries, double max_spread, hw_timing *t,
                    hw_err *err);

typedef struct hw_host hw_host;
typedef struct hw_host_opts {
    int threads;      /* OpenBLAS threads and pinned CPUs */
    int warmup;       /* untimed runs before the samples */
    int repeats;      /* samples per measurement */
    int retries;      /* extra tries of a noisy measurement */
    double max_spread;
    double min_sample_ms; /* a sample repeats a short op until it lasts this long */
    hw_nb201_net net;
} hw_host_opts;

/* Sets the thread count and pinning (*pinned = 0 when sched_setaffinity was
 * refused or fewer CPUs are allowed: the run is then unpinned). */
int  hw_host_open(const hw_host_opts *o, hw_host **out, int *pinned, hw_err *err);
void hw_host_close(hw_host *h);
int  hw_host_arch(hw_host *h, const hw_nb201_arch *a, hw_timing *t, hw_err *err);
/* Unit u of hwnas/opwise.h, run alone: its tape ops in a network holding it. */
int  hw_host_unit(hw_host *h, int u, hw_timing *t, hw_err *err);

/* CPU model ("model name" of /proc/cpuinfo, else "unknown") and OpenBLAS core. */
void hw_host_cpu(char *cpu, size_t cpu_len, char *core, size_t core_len);
/* CPUs this process may run on. */
int  hw_host_ncpu(void);

#endif
