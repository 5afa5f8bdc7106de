/* Figures with gnuplot (optional): the device SRCC heatmap and the Pareto
 * fronts. The script embeds its data, so it can be re-rendered by hand. */
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hwnas/report.h"

extern char **environ;

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char buf[HW_PATH_MAX];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)n, path);
        if (access(buf, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

static void heatmap_script(FILE *f, const hw_campaign *c)
{
    size_t n = c->n_mat;
    fprintf(f, "set terminal pngcairo noenhanced size %zu,%zu font ',8'\nset output 'devices_srcc.png'\n",
            300 + 28 * n, 220 + 28 * n);
    fprintf(f, "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\n", n - 1, n - 1);
    fputs("set title 'Latency monotonicity: SRCC between devices'\nset cbrange [0:1]\nset palette rgb 33,13,10\n"
          "unset key\nset xtics rotate by 60 right\nset size ratio -1\n", f);
    fputs("set xtics (", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s'%s' %zu", i ? ", " : "", c->mat_name[i], i);
    fputs(")\nset ytics (", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s'%s' %zu", i ? ", " : "", c->mat_name[i], i);
    fputs(")\n$m << EOD\n", f);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double v = c->mat_srcc[i * n + j];
            isfinite(v) ? fprintf(f, "%.3f ", v) : fputs("NaN ", f);
        }
        fputc('\n', f);
    }
    fputs("EOD\nplot $m matrix with image, $m matrix using 1:2:(sprintf('%.2f',$3)) with labels font ',6'\n", f);
}

/* One panel: the predicted front at true latency and accuracy when the device
 * has them (else at predicted latency / the rank_by score), and the true front. */
static void pareto_panel(FILE *f, const hw_campaign *c, const hw_device *d)
{
    int truth = d->true_front.n > 0, acc = c->acc_col >= 0;
    fprintf(f, "set title '%s%s'\nset xlabel '%s latency ms'\nset ylabel '%s'\n", d->name,
            d->is_proxy ? " (proxy)" : "", truth ? "true" : "predicted", acc ? "accuracy" : c->score[c->rank_by]->name);
    fprintf(f, "plot 'pareto_%s.csv' using (strcol(1) eq 'predicted' ? $%d : 1/0):%d with points pt 7 ps 0.5 "
            "lc rgb 'red' notitle", d->name, truth ? 7 : 5, acc ? 6 : 4);
    if (truth)
        fputs(", '' using (strcol(1) eq 'true' ? $7 : 1/0):6 with steps lc rgb 'black' notitle", f);
    fputc('\n', f);
}

static void pareto_script(FILE *f, const hw_campaign *c)
{
    size_t n = c->n_dev, cols = (size_t)ceil(sqrt((double)n));
    size_t rows = (n + cols - 1) / cols;
    fprintf(f, "set terminal pngcairo noenhanced size %zu,%zu font ',8'\nset output 'pareto.png'\n"
            "set datafile separator ','\n", 360 * cols, 280 * rows);
    fprintf(f, "set multiplot layout %zu,%zu title 'Pareto fronts by %s vs latency: predicted front (red, at true "
            "values where known), true front (black)'\n", rows, cols, c->score[c->rank_by]->name);
    for (size_t d = 0; d < n; d++)
        pareto_panel(f, c, &c->dev[d]);
    fputs("unset multiplot\n", f);
}

static int run_gnuplot(const char *dir, const char *script)
{
    char cmd[2 * HW_PATH_MAX];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot '%s' 2>/dev/null", dir, script);
    char *argv[] = {"sh", "-c", cmd, NULL};
    pid_t pid;
    int st = 0;
    if (posix_spawnp(&pid, "sh", NULL, NULL, argv, environ) != 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int plot_one(const hw_campaign *c, const char *dir, const char *name,
                    void (*script)(FILE *, const hw_campaign *), hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, name, err);
    if (rc)
        return rc;
    script(o.f, c);
    rc = hw_out_commit(&o, err);
    if (!rc && run_gnuplot(dir, name) != 0)
        fprintf(stderr, "[hwnas] warning: gnuplot failed on %s/%s; the CSV results are complete\n", dir, name);
    return rc;
}

int hw_report_plots(const hw_campaign *c, const char *dir, hw_err *err)
{
    if (!have_gnuplot())
        return HW_OK;
    int rc = plot_one(c, dir, "devices_srcc.gp", heatmap_script, err);
    return rc ? rc : plot_one(c, dir, "pareto.gp", pareto_script, err);
}
