/* tests/bench/zico_bench.c - times ZiCo (batch 64 x 2 batches, float32, one
 * thread) on a fixed set of 20 non-degenerate NB201 archs and compares the
 * achieved GFLOP/s of the conv/linear forward + backward work with
 * single-thread SGEMM measured in the same run. Not part of `make check`.
 *
 * Build and run from the repository root after `make`:
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude \
 *      -I/usr/include/x86_64-linux-gnu/openblas-pthread tests/bench/zico_bench.c \
 *      build/libhwnas.a -o build/zico_bench -llapacke -lopenblas -lm
 *   OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 build/zico_bench [n_archs]
 * (hwnas itself sets the core type at start-up, src/cli/blas.c; a bench binary
 * must be given it in the environment.) Times are wall clock and process CPU
 * time; on a shared machine the CPU time is the one to read. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hwnas/cifar.h"
#include "hwnas/nn.h"
#include "hwnas/rng.h"
#include "hwnas/zeroshot.h"

char *openblas_get_corename(void);

typedef struct { double wall, cpu; } stamp;

static stamp now(void)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    stamp s = {a.tv_sec + 1e-9 * a.tv_nsec, b.tv_sec + 1e-9 * b.tv_nsec};
    return s;
}

/* Best-of-5 single-thread SGEMM GFLOP/s (CPU time) of C(M,N) = op(A) op(B). */
static double sgemm_rate(int m, int n, int k, int ta, int tb)
{
    float *a = calloc((size_t)m * k, 4), *b = calloc((size_t)k * n, 4), *c = calloc((size_t)m * n, 4);
    for (size_t i = 0; i < (size_t)m * k; i++)
        a[i] = (float)(i % 7) * 1e-3f;
    for (size_t i = 0; i < (size_t)k * n; i++)
        b[i] = (float)(i % 5) * 1e-3f;
    int reps = (int)(1e9 / (2.0 * m * n * k)) + 1;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        stamp t0 = now();
        for (int i = 0; i < reps; i++)
            cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1,
                        a, ta ? m : k, b, tb ? k : n, 0, c, n);
        double t = (now().cpu - t0.cpu) / reps;
        best = t < best ? t : best;
    }
    free(a), free(b), free(c);
    return 2.0 * m * n * k / best / 1e9;
}

/* The per-image GEMMs of a 3x3 conv at the three NB201 stages (forward, weight
 * grad, input grad): equal-work harmonic mean. */
static double sgemm_nb201_mix(void)
{
    const int s[3][2] = {{16, 1024}, {32, 256}, {64, 64}};
    double inv = 0;
    for (int i = 0; i < 3; i++) {
        int o = s[i][0], n = s[i][1], k = 9 * o;
        inv += 1 / sgemm_rate(o, n, k, 0, 0) + 1 / sgemm_rate(o, k, n, 0, 1) + 1 / sgemm_rate(k, n, o, 1, 0);
    }
    return 9 / inv;
}

/* CIFAR-10 batches if the shared data are here, else normal noise. */
static int data(hw_batches *d, hw_err *err)
{
    const char *dir = getenv("HWNAS_DATA_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/cifar10/data_batch_1_first1102.bin", dir && *dir ? dir : "../shared/data");
    hw_cifar c;
    if (hw_cifar_load(path, 10, &c, err) == HW_OK) {
        int rc = hw_cifar_batches(&c, 64, 2, 1, d, err);
        hw_cifar_free(&c);
        printf("data: %s\n", path);
        return rc;
    }
    printf("data: %s not readable, using N(0,1) noise\n", path);
    d->n_batches = 2, d->batch = 64, d->side = 32, d->classes = 10;
    d->x = malloc(sizeof(double) * 128 * HW_CIFAR_PIXELS);
    d->y = malloc(sizeof(int) * 128);
    hw_rng r;
    hw_rng_seed(&r, 1, 1);
    for (int i = 0; i < 128 * HW_CIFAR_PIXELS; i++)
        d->x[i] = hw_rng_normal(&r);
    for (int i = 0; i < 128; i++)
        d->y[i] = (int)hw_rng_below(&r, 10);
    return HW_OK;
}

/* The fixed arch set: keys drawn from seed 2024, degenerate ones skipped. */
static void archs(hw_nb201_arch *a, int n)
{
    hw_rng r;
    hw_rng_seed(&r, 2024, 0);
    for (int i = 0; i < n;) {
        hw_nb201_from_key((uint32_t)hw_rng_below(&r, HW_NB201_N_ARCHS), &a[i]);
        i += !hw_zc_degenerate(&a[i]);
    }
}

/* Engine-only time of the 2 training steps ZiCo runs, on a built network. */
static double engine_cpu(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_batches *d, hw_nn_ws *ws,
                         double *flops)
{
    hw_nn_cfg cfg = {64, 1, HW_NN_F32};
    hw_nn *nn;
    hw_err err;
    if (hw_nn_create(a, net, &cfg, ws, &nn, &err))
        return -1;
    hw_nn_init(nn, HW_INIT_TORCH, 1, hw_nb201_key(a));
    stamp t0 = now();
    for (int b = 0; b < 2; b++) {
        hw_nn_set_input(nn, d->x + (size_t)b * 64 * HW_CIFAR_PIXELS);
        hw_nn_forward(nn);
        hw_nn_ce_grad(nn, d->y + b * 64);
        hw_nn_backward(nn);
    }
    double t = now().cpu - t0.cpu;
    *flops = 2 * hw_nn_step_flops(nn);
    hw_nn_free(nn);
    return t;
}

/* ZiCo of every arch; returns total CPU seconds, adds wall seconds to *wall. */
static double zico_all(const hw_nb201_arch *a, int n, const hw_nb201_net *net, const hw_batches *d,
                       const hw_zc_opts *o, int verbose, double *wall, const double *flops)
{
    double cpu = 0;
    for (int i = 0; i < n; i++) {
        char s[HW_NB201_STR_MAX];
        double z;
        hw_err err;
        stamp t0 = now();
        if (hw_zc_zico(&a[i], net, d, o, 1, &z, &err)) {
            fprintf(stderr, "zico_bench: %s\n", err.msg);
            exit(1);
        }
        stamp t1 = now();
        cpu += t1.cpu - t0.cpu, *wall += t1.wall - t0.wall;
        hw_nb201_format(&a[i], s);
        if (verbose)
            printf("%2d %-92s zico %9.4f  %.3f s cpu  %5.1f GFLOP/s\n", i, s, z, t1.cpu - t0.cpu,
                   flops[i] / (t1.cpu - t0.cpu) / 1e9);
    }
    return cpu;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20;
    hw_nb201_arch *a = calloc((size_t)n, sizeof *a);
    double *fl = calloc((size_t)n, sizeof *fl);
    hw_nb201_net net = hw_nb201_default(10);
    hw_batches d;
    hw_err err;
    hw_zc_opts o;
    hw_nn_ws ws = {0};
    if (n < 1 || !a || !fl || data(&d, &err)) {
        fprintf(stderr, "zico_bench: %s\n", n < 1 ? "n_archs must be >= 1" : err.msg);
        return 1;
    }
    hw_zc_opts_default(&o);
    archs(a, n);
    printf("OpenBLAS core %s, OPENBLAS_NUM_THREADS=%s\n", openblas_get_corename(),
           getenv("OPENBLAS_NUM_THREADS") ? getenv("OPENBLAS_NUM_THREADS") : "(unset)");
    double peak = sgemm_rate(512, 512, 512, 0, 0), mix = sgemm_nb201_mix();
    printf("single-thread SGEMM: 512^3 %.1f GFLOP/s; NB201 per-image conv GEMM mix %.1f GFLOP/s\n", peak, mix);
    double ecpu = 0, flops = 0, macs = 0, wall = 0, wall0 = 0, f;
    hw_nb201_arch big;
    for (int e = 0; e < HW_NB201_EDGES; e++)
        big.op[e] = HW_OP_CONV3; /* the largest network */
    engine_cpu(&big, &net, &d, &ws, &f); /* grows the workspace to the largest network once */
    for (int i = 0; i < n; i++) {
        ecpu += engine_cpu(&a[i], &net, &d, &ws, &fl[i]);
        flops += fl[i], macs += hw_nb201_flops(&a[i], &net);
    }
    o.ws = &ws;
    double cpu = zico_all(a, n, &net, &d, &o, 1, &wall, fl);
    o.ws = NULL;
    double cpu0 = zico_all(a, n, &net, &d, &o, 0, &wall0, fl);
    printf("archs %d, mean %.1f MFLOPs/image (NB201 API), conv/linear work %.2f GFLOP/arch\n", n, macs / n / 1e6,
           flops / n / 1e9);
    printf("ZiCo end to end, reused workspace: %.3f s/arch wall, %.3f s/arch cpu: %.1f GFLOP/s = %.0f%% of SGEMM "
           "512^3, %.0f%% of the NB201 GEMM mix\n", wall / n, cpu / n, flops / cpu / 1e9,
           100 * flops / cpu / 1e9 / peak, 100 * flops / cpu / 1e9 / mix);
    printf("ZiCo end to end, fresh arena per arch: %.3f s/arch wall, %.3f s/arch cpu: %.1f GFLOP/s\n", wall0 / n,
           cpu0 / n, flops / cpu0 / 1e9);
    printf("engine only (2 steps on a built network): %.3f s/arch cpu, %.1f GFLOP/s\n", ecpu / n, flops / ecpu / 1e9);
    hw_nn_ws_free(&ws);
    hw_batches_free(&d);
    free(a), free(fl);
    return 0;
}
