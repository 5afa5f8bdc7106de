/* `hwnas bench-fewshot [--seeds S] [--data-dir D]`: few-shot latency prediction
 * on HELP's NB201 protocol and leave-one-device-out over latency/nb201.csv and
 * latency/nb201_subset1999.csv; Markdown tables on stdout, progress on stderr. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fewshot.h"
#include "hwnas/cli.h"
#include "hwnas/config.h"
#include "hwnas/progress.h"

static const char *const HELP_SRC[] = {"1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r",
                                       "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7", "titanx_1",
                                       "titanx_32", "titanx_256", "gold_6240"};
static const char *const HELP_TEST[] = {"titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss"};
static const double HELP_PUBLISHED[] = {0.987, 0.989, 0.985, 0.802, 0.890, 0.940};
#define N_HELP_SRC 13
#define N_TEST 6
static const size_t HELP_N[] = {5, 10, 20, 50};
static const size_t LODO_N[] = {10, 20};

/* Running sums of one (method, N, device) cell; est/true pairs for calibration. */
typedef struct {
    double sum, min, ms, se, st, see, stt, set, abs_err;
    size_t n, agree;
} cell;

static void cell_add(cell *c, const fs_result *r, fs_method m)
{
    double s = r->srcc[m], e = r->est[m];
    c->min = c->n == 0 || s < c->min ? s : c->min;
    c->sum += s, c->ms += r->ms[m], c->n++;
    c->se += e, c->st += s, c->see += e * e, c->stt += s * s, c->set += e * s, c->abs_err += fabs(e - s);
    c->agree += (e >= 0.9) == (s >= 0.9);
}

static double cell_mean(const cell *c) { return c->n ? c->sum / (double)c->n : NAN; }

static void cell_merge(cell *dst, const cell *c)
{
    dst->min = dst->n == 0 || c->min < dst->min ? c->min : dst->min;
    dst->sum += c->sum, dst->ms += c->ms, dst->n += c->n, dst->se += c->se, dst->st += c->st;
    dst->see += c->see, dst->stt += c->stt, dst->set += c->set, dst->abs_err += c->abs_err, dst->agree += c->agree;
}

typedef struct { int seeds; char data[HW_PATH_MAX]; } bench_args;

static int parse_args(int argc, char **argv, bench_args *a, hw_err *err)
{
    a->seeds = 20;
    hw_default_data_dir(a->data, sizeof a->data);
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc || (strcmp(argv[i], "--seeds") && strcmp(argv[i], "--data-dir")))
            return hw_errf(err, HW_EINPUT, "hwnas bench-fewshot: unexpected argument '%s'; usage: hwnas bench-fewshot "
                           "[--seeds S] [--data-dir DIR]", argv[i]);
        if (!strcmp(argv[i], "--seeds")) {
            char *end;
            errno = 0;
            long v = strtol(argv[++i], &end, 10);
            if (errno || *end || v < 1 || v > 100000)
                return hw_errf(err, HW_EINPUT, "hwnas bench-fewshot: --seeds '%s' is not an integer from 1 to 100000",
                               argv[i]);
            a->seeds = (int)v;
        } else {
            snprintf(a->data, sizeof a->data, "%s", argv[++i]);
        }
    }
    return HW_OK;
}

static int column(const fs_table *ft, const char *name, hw_err *err)
{
    int c = hw_table_col(&ft->t, name);
    if (c < 0)
        hw_errf(err, HW_EINPUT, "%s: no column '%s'; bench-fewshot needs HELP's NB201 devices", ft->t.path, name);
    return c;
}

/* All seeds of one target at one N into cells[m]. */
static int run_target(const fs_table *ft, int target, const size_t *src, size_t n_src, size_t N, int seeds,
                      cell *cells, hw_err *err)
{
    fs_split sp;
    int rc = fs_split_make(ft, target, &sp, err);
    for (int s = 1; !rc && s <= seeds; s++) {
        fs_result r;
        rc = fs_trial(ft, target, src, n_src, &sp, N, (uint64_t)s, &r, err);
        for (int m = 0; !rc && m < FS_N_METHODS; m++)
            cell_add(&cells[m], &r, (fs_method)m);
    }
    fs_split_free(&sp);
    return rc;
}

static void help_row(const char *label, size_t N, const cell *c /* [N_TEST] */, double ms)
{
    double mean = 0;
    int beat = 0;
    printf("| %zu | %s |", N, label);
    for (int d = 0; d < N_TEST; d++) {
        double v = cell_mean(&c[d]);
        mean += v / N_TEST, beat += v >= HELP_PUBLISHED[d];
        printf(" %.4f |", v);
    }
    printf(" **%.4f** | %d/6 | %.2f |\n", mean, beat, ms);
}

static void help_tables(cell (*cells)[FS_N_METHODS][N_TEST], int seeds, double bank_ms)
{
    printf("## HELP protocol: NB201, 13 source devices, 6 test devices, 800-arch query set, %d seeds\n\n", seeds);
    puts("| N | method | titan_rtx_256 | gold_6226 | fpga | pixel2 | raspi4 | eyeriss | mean | >= HELP | fit ms |");
    puts("|---|---|---|---|---|---|---|---|---|---|---|");
    for (size_t i = 0; i < sizeof HELP_N / sizeof *HELP_N; i++) {
        for (int m = 0; m < FS_N_METHODS; m++) {
            double ms = 0;
            for (int d = 0; d < N_TEST; d++)
                ms += cells[i][m][d].ms / (double)cells[i][m][d].n / N_TEST;
            help_row(FS_METHOD_NAME[m], HELP_N[i], cells[i][m], ms);
        }
        if (HELP_N[i] == 10)
            puts("| 10 (+10 reference archs) | HELP, published (meta-trained on GPU) | 0.987 | 0.989 | 0.985 | 0.802 "
                 "| 0.890 | 0.940 | **0.932** | - | - |");
    }
    printf("\nfit ms = mean wall time of one fit per target on one core (selection included for diverse samples); "
           "the source bank (op-wise predictors of every column) is built once per table in %.0f ms.\n\n", bank_ms);
}

static void calib_row(const char *label, size_t N, const cell *cs, int nc)
{
    cell t = {0};
    for (int i = 0; i < nc; i++)
        cell_merge(&t, &cs[i]);
    double n = (double)t.n, cov = t.set / n - t.se * t.st / (n * n);
    double ve = t.see / n - t.se * t.se / (n * n), vt = t.stt / n - t.st * t.st / (n * n);
    printf("| %s | %zu | %.4f | %.4f | %+.4f | %.4f | %.3f | %.1f %% |\n", label, N, t.se / n, t.st / n,
           (t.se - t.st) / n, t.abs_err / n, cov / sqrt(ve * vt), 100.0 * (double)t.agree / n);
}

static void calib_header(const char *what)
{
    printf("### Calibration of the SRCC estimate (leave-one-out on the samples) against the true SRCC, %s\n\n", what);
    puts("| method | N | mean estimate | mean true | bias | mean abs. error | corr(est, true) | 0.9 rule agrees |");
    puts("|---|---|---|---|---|---|---|---|");
}

/* Column indices of HELP's sources and test devices. */
static int help_columns(const fs_table *ft, size_t *src, int *tgt, hw_err *err)
{
    for (int s = 0; s < N_HELP_SRC; s++) {
        int c = column(ft, HELP_SRC[s], err);
        if (c < 0)
            return HW_EINPUT;
        src[s] = (size_t)c;
    }
    for (int d = 0; d < N_TEST; d++)
        if ((tgt[d] = column(ft, HELP_TEST[d], err)) < 0)
            return HW_EINPUT;
    return HW_OK;
}

static void help_calibration(cell (*cells)[FS_N_METHODS][N_TEST])
{
    calib_header("HELP protocol (6 devices x seeds per row)");
    for (size_t i = 0; i < sizeof HELP_N / sizeof *HELP_N; i++)
        for (int m = 0; m < FS_N_METHODS; m++)
            if (m != FS_ADA_BEST)
                calib_row(FS_METHOD_NAME[m], HELP_N[i], cells[i][m], N_TEST);
    puts("\nAdaProxy's own estimate (7-fold CV) is left out: below 7 samples its folds are single archs.\n");
}

static int bench_help(const fs_table *ft, int seeds)
{
    static cell cells[4][FS_N_METHODS][N_TEST];
    hw_err err = {0};
    size_t src[N_HELP_SRC];
    int tgt[N_TEST];
    memset(cells, 0, sizeof cells);
    int rc = help_columns(ft, src, tgt, &err);
    for (size_t i = 0; !rc && i < sizeof HELP_N / sizeof *HELP_N; i++)
        for (int d = 0; !rc && d < N_TEST; d++) {
            cell per[FS_N_METHODS] = {{0}};
            fprintf(stderr, "[bench-fewshot] HELP N=%zu %s\n", HELP_N[i], HELP_TEST[d]);
            rc = run_target(ft, tgt[d], src, N_HELP_SRC, HELP_N[i], seeds, per, &err);
            for (int m = 0; !rc && m < FS_N_METHODS; m++)
                cells[i][m][d] = per[m];
        }
    if (rc) {
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
        return rc;
    }
    help_tables(cells, seeds, ft->bank_ms);
    help_calibration(cells);
    return HW_OK;
}

static void lodo_rows(const fs_table *ft, const char *label, size_t N, cell (*c)[FS_N_METHODS], size_t nd)
{
    for (int m = 0; m < FS_N_METHODS; m++) {
        double mean = 0, ms = 0, worst = INFINITY;
        size_t wd = 0;
        for (size_t d = 0; d < nd; d++) {
            double v = cell_mean(&c[d][m]);
            mean += v / (double)nd, ms += c[d][m].ms / (double)c[d][m].n / (double)nd;
            if (v < worst)
                worst = v, wd = d;
        }
        printf("| %s | %zu | %s | **%.4f** | %.4f (%s) | %.2f |\n", label, N, FS_METHOD_NAME[m], mean, worst,
               ft->t.col[wd], ms);
    }
}

static int bench_lodo(const fs_table *ft, const char *label, int seeds, cell (*calib)[FS_N_METHODS])
{
    hw_err err = {0};
    size_t nd = ft->t.n_cols, *src = hw_calloc(nd, sizeof *src, &err);
    cell(*c)[FS_N_METHODS] = hw_calloc(nd, sizeof *c, &err);
    int rc = src && c ? HW_OK : HW_ENOMEM;
    for (size_t i = 0; !rc && i < sizeof LODO_N / sizeof *LODO_N; i++) {
        memset(c, 0, nd * sizeof *c);
        for (size_t d = 0; !rc && d < nd; d++) {
            size_t ns = fs_lodo_sources(ft, (int)d, src);
            fprintf(stderr, "[bench-fewshot] LODO %s N=%zu %s (%zu sources)\n", label, LODO_N[i], ft->t.col[d], ns);
            rc = run_target(ft, (int)d, src, ns, LODO_N[i], seeds, c[d], &err);
        }
        if (!rc)
            lodo_rows(ft, label, LODO_N[i], c, nd);
        for (size_t d = 0; !rc && d < nd; d++)
            for (int m = 0; m < FS_N_METHODS; m++)
                cell_merge(&calib[i][m], &c[d][m]);
    }
    if (rc)
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    free(src), free(c);
    return rc;
}

static int bench_all(const bench_args *a)
{
    static const char *const tables[] = {"latency/nb201.csv", "latency/nb201_subset1999.csv"};
    cell calib[2][FS_N_METHODS];
    memset(calib, 0, sizeof calib);
    int rc = HW_OK;
    for (int t = 0; !rc && t < 2; t++) {
        char path[2 * HW_PATH_MAX];
        hw_err err = {0};
        fs_table ft;
        snprintf(path, sizeof path, "%s/%s", a->data, tables[t]);
        if ((rc = fs_table_load(&ft, path, &err))) {
            fprintf(stderr, "hwnas: error: %s\n", err.msg);
            break;
        }
        if (t == 0)
            rc = bench_help(&ft, a->seeds);
        if (!rc && t == 0) {
            printf("## Leave-one-device-out (every device of the table is the target once; sources = all other "
                   "columns but the other batch sizes of the same GPU model), %d seeds\n\n", a->seeds);
            puts("| table | N | method | mean SRCC | worst device | fit ms |\n|---|---|---|---|---|---|");
        }
        if (!rc)
            rc = bench_lodo(&ft, tables[t], a->seeds, calib);
        fs_table_free(&ft);
    }
    if (rc)
        return rc;
    puts("");
    calib_header("leave-one-device-out, both tables (45 devices x seeds per row)");
    for (size_t i = 0; i < sizeof LODO_N / sizeof *LODO_N; i++)
        for (int m = 0; m < FS_N_METHODS; m++)
            if (m != FS_ADA_BEST)
                calib_row(FS_METHOD_NAME[m], LODO_N[i], &calib[i][m], 1);
    return HW_OK;
}

int hw_cmd_bench_fewshot(int argc, char **argv)
{
    bench_args a;
    hw_err err = {0};
    if (parse_args(argc, argv, &a, &err)) {
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
        return HW_EINPUT;
    }
    double t0 = hw_now();
    printf("# hwnas bench-fewshot --seeds %d\n\n", a.seeds);
    int rc = bench_all(&a);
    fprintf(stderr, "[bench-fewshot] done in %.1f s\n", hw_now() - t0);
    return rc;
}
