/* tests/bench/zico_precision.c - ZiCo from the float32 engine against the
 * float64 engine on a uniform sample of NB201 archs (batch 64 x 2 CIFAR-10
 * batches, PyTorch-default init): per-arch relative spread, rank agreement
 * (Spearman, Kendall) of the two, and each one's Spearman against NB201
 * CIFAR-10 test accuracy. Not part of `make check` (minutes of CPU).
 *
 * Build and run from the repository root after `make`:
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude \
 *      -I/usr/include/x86_64-linux-gnu/openblas-pthread tests/bench/zico_precision.c \
 *      build/libhwnas.a -o build/zico_precision -llapacke -lopenblas -lm
 *   OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 build/zico_precision [n_archs [first [step]]]
 * Archs: a seeded permutation of the 15,625 keys (seed 2024); this run scores
 * positions first, first + step, ... (so two processes can split the work) and
 * prints one line per arch; degenerate archs (-inf in both) are counted apart. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/cifar.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"
#include "hwnas/table.h"
#include "hwnas/zeroshot.h"

static const char *data_dir(void)
{
    const char *d = getenv("HWNAS_DATA_DIR");
    return d && *d ? d : "../shared/data";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* CIFAR-10 test accuracy of key, or NaN. */
static double accuracy(const hw_table *t, int col, uint32_t key)
{
    long r = t && col >= 0 ? hw_table_find_key(t, key) : -1;
    return r < 0 ? NAN : t->val[(size_t)r * t->n_cols + (size_t)col];
}

static void summary(const double *z32, const double *z64, const double *acc, int n)
{
    double *rel = malloc((size_t)n * sizeof *rel), mean = 0;
    for (int i = 0; i < n; i++)
        rel[i] = fabs(z32[i] - z64[i]) / fabs(z64[i]), mean += rel[i] / n;
    qsort(rel, (size_t)n, sizeof *rel, cmp_double);
    printf("\nfloat32 vs float64 ZiCo over %d archs: relative |z32 - z64| / |z64|: median %.2e, mean %.2e, "
           "p95 %.2e, max %.2e\n", n, rel[n / 2], mean, rel[(int)(0.95 * (n - 1))], rel[n - 1]);
    printf("rank agreement z32 vs z64: Spearman %.6f, Kendall tau-b %.6f\n", hw_spearman(z32, z64, (size_t)n, NULL),
           hw_kendall_tau_b(z32, z64, (size_t)n, NULL));
    size_t used;
    double s32 = hw_spearman(z32, acc, (size_t)n, &used), s64 = hw_spearman(z64, acc, (size_t)n, NULL);
    printf("Spearman vs NB201 CIFAR-10 test accuracy (%zu archs): float32 ZiCo %.4f, float64 ZiCo %.4f\n", used, s32,
           s64);
    free(rel);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200, first = argc > 2 ? atoi(argv[2]) : 0, step = argc > 3 ? atoi(argv[3]) : 1;
    char path[1024];
    hw_cifar c;
    hw_batches d;
    hw_table acc_t;
    hw_err err;
    snprintf(path, sizeof path, "%s/cifar10/data_batch_1_first1102.bin", data_dir());
    if (n < 1 || step < 1 || hw_cifar_load(path, 10, &c, &err) || hw_cifar_batches(&c, 64, 2, 1, &d, &err)) {
        fprintf(stderr, "zico_precision: %s\n", n < 1 || step < 1 ? "bad arguments" : err.msg);
        return 1;
    }
    snprintf(path, sizeof path, "%s/nb201/accuracy.csv", data_dir());
    int have_acc = hw_table_load(path, hw_nb201_key_fn, &acc_t, &err) == HW_OK;
    int col = have_acc ? hw_table_col(&acc_t, "cifar10_test") : -1;
    size_t *keys = malloc(HW_NB201_N_ARCHS * sizeof *keys);
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        keys[i] = i;
    hw_rng r;
    hw_rng_seed(&r, 2024, 0);
    hw_rng_partial_shuffle(&r, keys, HW_NB201_N_ARCHS, HW_NB201_N_ARCHS);
    double *z32 = malloc((size_t)n * sizeof *z32), *z64 = malloc((size_t)n * sizeof *z64);
    double *acc = malloc((size_t)n * sizeof *acc);
    hw_nb201_net net = hw_nb201_default(10);
    hw_nn_ws ws = {0};
    hw_zc_opts o;
    hw_zc_opts_default(&o);
    o.ws = &ws;
    int m = 0, degenerate = 0;
    for (int i = first; i < first + n * step && i < (int)HW_NB201_N_ARCHS; i += step) {
        hw_nb201_arch a;
        char s[HW_NB201_STR_MAX];
        hw_nb201_from_key((uint32_t)keys[i], &a);
        hw_nb201_format(&a, s);
        if (hw_zc_degenerate(&a)) {
            degenerate++;
            printf("%5zu %s degenerate\n", keys[i], s);
            continue;
        }
        o.prec = HW_NN_F32;
        if (hw_zc_zico(&a, &net, &d, &o, 1, &z32[m], &err) == HW_OK)
            o.prec = HW_NN_F64;
        if (o.prec != HW_NN_F64 || hw_zc_zico(&a, &net, &d, &o, 1, &z64[m], &err)) {
            fprintf(stderr, "zico_precision: %s\n", err.msg);
            return 1;
        }
        acc[m] = accuracy(have_acc ? &acc_t : NULL, col, (uint32_t)keys[i]);
        printf("%5zu %s z32 %.10f z64 %.10f rel %.3e acc %.3f\n", keys[i], s, z32[m], z64[m],
               fabs(z32[m] - z64[m]) / fabs(z64[m]), acc[m]);
        fflush(stdout);
        m++;
    }
    printf("degenerate archs skipped: %d\n", degenerate);
    if (m > 1)
        summary(z32, z64, acc, m);
    hw_nn_ws_free(&ws);
    if (have_acc)
        hw_table_free(&acc_t);
    hw_batches_free(&d);
    hw_cifar_free(&c);
    free(keys), free(z32), free(z64), free(acc);
    return 0;
}
