/* This machine as a latency device (include/hwnas/host.h): threads, pinning,
 * and the samplers that time whole networks and single units. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/host.h"
#include "hwnas/opwise.h"
#include "hwnas/progress.h"
#include "hwnas/rng.h"

char *openblas_get_corename(void);
void openblas_set_num_threads(int n);

struct hw_host {
    hw_host_opts o;
    cpu_set_t set, orig; /* pinned set; the process's set before, restored at close */
    int pin, have_orig;
    hw_nn_ws ws;
    double *input;
};

int hw_host_ncpu(void)
{
    cpu_set_t s;
    return sched_getaffinity(0, sizeof s, &s) == 0 ? CPU_COUNT(&s) : 1;
}

void hw_host_cpu(char *cpu, size_t cpu_len, char *core, size_t core_len)
{
    char line[512];
    snprintf(cpu, cpu_len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *c = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !c)
            continue;
        c += 1 + strspn(c + 1, " \t");
        c[strcspn(c, "\r\n")] = 0;
        snprintf(cpu, cpu_len, "%s", c);
        break;
    }
    if (f)
        fclose(f);
    const char *name = openblas_get_corename();
    snprintf(core, core_len, "%s", name ? name : "unknown");
}

/* Sets the affinity of every thread of the process (OpenBLAS's workers too). */
static void set_all(const cpu_set_t *set)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            sched_setaffinity((pid_t)atoi(e->d_name), sizeof *set, set);
    if (d)
        closedir(d);
}

static void pin_all(hw_host *h)
{
    if (h->pin)
        set_all(&h->set);
}

int hw_host_open(const hw_host_opts *o, hw_host **out, int *pinned, hw_err *err)
{
    *out = NULL;
    if (o->threads < 1 || o->warmup < 0 || o->repeats < 1)
        return hw_errf(err, HW_EINPUT, "host: threads %d, warmup %d, repeats %d: need >= 1, >= 0, >= 1",
                       o->threads, o->warmup, o->repeats);
    hw_host *h = hw_calloc(1, sizeof *h, err);
    if (!h)
        return HW_ENOMEM;
    h->o = *o;
    size_t n = (size_t)3 * o->net.input_hw * o->net.input_hw;
    if (!(h->input = hw_calloc(n, sizeof *h->input, err))) {
        free(h);
        return HW_ENOMEM;
    }
    hw_rng r;
    hw_rng_seed(&r, 1, 0x686f7374ULL);
    for (size_t i = 0; i < n; i++)
        h->input[i] = hw_rng_normal(&r);
    openblas_set_num_threads(o->threads);
    CPU_ZERO(&h->set);
    h->have_orig = sched_getaffinity(0, sizeof h->orig, &h->orig) == 0;
    if (h->have_orig && CPU_COUNT(&h->orig) >= o->threads) {
        for (int c = 0, k = 0; c < CPU_SETSIZE && k < o->threads; c++)
            if (CPU_ISSET(c, &h->orig))
                CPU_SET(c, &h->set), k++;
        h->pin = sched_setaffinity(0, sizeof h->set, &h->set) == 0;
    }
    pin_all(h);
    *pinned = h->pin;
    *out = h;
    return HW_OK;
}

void hw_host_close(hw_host *h)
{
    if (!h)
        return;
    if (h->pin && h->have_orig)
        set_all(&h->orig);
    hw_nn_ws_free(&h->ws);
    free(h->input);
    free(h);
}

/* Tape ops [i0, i1) of a built network, run `inner` times per sample. */
typedef struct {
    hw_nn *nn;
    int i0, i1, inner;
} run_ctx;

static int sample_runs(void *ctx, int n, double *out, hw_err *err)
{
    (void)err;
    run_ctx *c = ctx;
    for (int s = 0; s < n; s++) {
        double t0 = 1e3 * hw_now();
        for (int k = 0; k < c->inner; k++)
            hw_nn_infer_ops(c->nn, c->i0, c->i1);
        out[s] = (1e3 * hw_now() - t0) / c->inner;
    }
    return HW_OK;
}

static int build(hw_host *h, const hw_nb201_arch *a, hw_nn **nn, hw_err *err)
{
    hw_nn_cfg cfg = {1, 1, HW_NN_F32};
    int rc = hw_nn_create(a, &h->o.net, &cfg, &h->ws, nn, err);
    if (rc)
        return rc;
    hw_nn_init(*nn, HW_INIT_TORCH, 1, 0);
    hw_nn_set_input(*nn, h->input);
    hw_nn_infer(*nn);
    return HW_OK;
}

/* Warm-up, then the measurement of ops [i0, i1) of nn; inner from a first run. */
static int time_range(hw_host *h, hw_nn *nn, int i0, int i1, hw_timing *t, hw_err *err)
{
    run_ctx c = {nn, i0, i1, 1};
    pin_all(h);
    double t0 = 1e3 * hw_now();
    hw_nn_infer_ops(nn, i0, i1);
    double one = 1e3 * hw_now() - t0;
    if (one > 0 && one < h->o.min_sample_ms)
        c.inner = (int)(h->o.min_sample_ms / one) + 1;
    for (int w = 0; w < h->o.warmup * c.inner; w++)
        hw_nn_infer_ops(nn, i0, i1);
    return hw_host_measure(sample_runs, &c, h->o.repeats, h->o.retries, h->o.max_spread, t, err);
}

int hw_host_arch(hw_host *h, const hw_nb201_arch *a, hw_timing *t, hw_err *err)
{
    hw_nn *nn;
    int rc = build(h, a, &nn, err);
    if (rc)
        return rc;
    rc = time_range(h, nn, 0, hw_nn_n_ops(nn), t, err);
    hw_nn_free(nn);
    return rc;
}

/* Does op site s belong to unit u (edge units: stage's cell 0, edge 0)? */
static int in_unit(const hw_nn_site *s, int u)
{
    if (u == 0)
        return s->part == HW_NN_STEM;
    if (u == 1 || u == 2)
        return s->part == HW_NN_RESBLOCK && s->stage == u;
    if (u == 3)
        return s->part == HW_NN_HEAD;
    return s->part == HW_NN_CELL && s->stage == (u - 4) / 4 && s->cell == 0 && s->edge == 0;
}

int hw_host_unit(hw_host *h, int u, hw_timing *t, hw_err *err)
{
    if (u < 0 || u >= HW_OPW_UNITS)
        return hw_errf(err, HW_EINPUT, "host: no unit %d", u);
    hw_nb201_arch a;
    int op = u < 4 ? HW_OP_CONV3 : HW_OPW_EDGE_OPS[(u - 4) % 4];
    for (int e = 0; e < HW_NB201_EDGES; e++)
        a.op[e] = (uint8_t)op;
    hw_nn *nn;
    int rc = build(h, &a, &nn, err), i0 = -1, i1 = -1;
    for (int i = 0; !rc && i < hw_nn_n_ops(nn); i++) {
        hw_nn_site s;
        hw_nn_op_site(nn, i, &s);
        if (in_unit(&s, u))
            i0 = i0 < 0 ? i : i0, i1 = i + 1;
    }
    if (!rc && i0 < 0)
        rc = hw_errf(err, HW_EINPUT, "host: unit %s not found in its network", hw_opw_unit_name(u));
    if (!rc)
        rc = time_range(h, nn, i0, i1, t, err);
    hw_nn_free(nn);
    return rc;
}
