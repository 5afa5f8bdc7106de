/* Debian's OpenBLAS 0.3.21 detects AVX-512 Xeons as "Prescott" and runs SGEMM
 * 4x slower. OPENBLAS_CORETYPE is read when the library loads, so when the
 * detected core is not the best this CPU supports, set it and re-exec once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hwnas/cli.h"

char *openblas_get_corename(void);
void openblas_set_num_threads(int n);

static const char *best_core(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2"))
        return "Haswell";
    return NULL;
}

void hw_blas_setup(char **argv)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1); /* one BLAS thread per MPI rank */
    const char *want = best_core(), *have = openblas_get_corename();
    if (!want || !have || strcasecmp(want, have) == 0 || getenv("OPENBLAS_CORETYPE") || getenv("HWNAS_REEXEC"))
        return;
    setenv("OPENBLAS_CORETYPE", want, 1);
    setenv("HWNAS_REEXEC", "1", 1);
    if (!getenv("OPENBLAS_NUM_THREADS"))
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "[hwnas] warning: OpenBLAS core '%s' detected; re-exec with OPENBLAS_CORETYPE=%s failed: "
            "set it yourself for full speed\n", have, want);
}

/* The repository root is the nearest ancestor of the binary's directory with a
 * Makefile (bin/hwnas, build-asan/bin/hwnas, ...); the data sit beside it. */
void hw_default_data_dir(char *buf, unsigned long len)
{
    char dir[4096], probe[4200];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    snprintf(buf, len, "../shared/data");
    if (n <= 0)
        return;
    dir[n] = 0;
    for (char *s = strrchr(dir, '/'); s && s != dir; s = strrchr(dir, '/')) {
        *s = 0;
        snprintf(probe, sizeof probe, "%s/Makefile", dir);
        if (access(probe, F_OK) == 0) {
            snprintf(buf, len, "%s/../shared/data", dir);
            return;
        }
    }
}
