/* Options, network, data and trace metadata shared by `hwnas sgd-train` and
 * `hwnas sgd-trace` (sgd_cli.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hwnas/cli.h"
#include "hwnas/sgd_profile.h"
#include "sgd_cli.h"

char *openblas_get_corename(void);

static const char *usage(int train)
{
    return train ? "usage: hwnas sgd-train --arch ARCH [--steps N] [--warmup K] [--batch B] [--lr X] "
                   "[--policy layer|reverse|largest|random] [--push-policy P] [--batches N] [--cells N] [--width C] [--seed S] "
                   "[--poll-us U] [--poll-max-us U] [--log-every N] [--trace FILE] [--data-dir DIR]"
                 : "usage: hwnas sgd-trace --arch ARCH [--steps N] [--warmup K] [--batch B] [--cells N] "
                   "[--width C] [--seed S] [--apply-reps N] [--output FILE] [--data-dir DIR]";
}

static int int_arg(const char *cmd, const char *opt, const char *s, long lo, long hi, long *v, hw_err *err)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    if (errno || end == s || *end || *v < lo || *v > hi)
        return hw_errf(err, HW_EINPUT, "hwnas %s: %s '%s' is not an integer from %ld to %ld", cmd, opt, s, lo, hi);
    return HW_OK;
}

int sgd_parse(const char *cmd, int train, int argc, char **argv, sgd_opts *o, hw_err *err)
{
    memset(o, 0, sizeof *o);
    o->net = hw_nb201_default(10);
    o->steps = train ? 20 : 10, o->warmup = train ? 3 : 2, o->batch = 64, o->lr = 0.05;
    o->poll_us = 20, o->poll_max_us = 1000, o->log_every = 1, o->apply_reps = 50, o->seed = 1;
    o->policy = HW_SGD_LAYER, o->push_policy = HW_SGD_REVERSE;
    snprintf(o->trace, sizeof o->trace, "%s", train ? "" : "-");
    hw_default_data_dir(o->data, sizeof o->data);
    int have_arch = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return hw_errf(err, HW_EINPUT, "hwnas %s: '%s' needs a value or is unknown; %s", cmd, a, usage(train));
        const char *v = argv[++i];
        long n = 0;
        int rc = HW_OK;
        if (!strcmp(a, "--arch")) {
            char why[128];
            if (hw_nb201_parse(v, &o->arch, why, sizeof why))
                return hw_errf(err, HW_EINPUT, "hwnas %s: --arch '%s': %s; give an NB201 arch string like "
                               "'|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|"
                               "nor_conv_3x3~2|'", cmd, v, why);
            hw_nb201_format(&o->arch, o->arch_str);
            have_arch = 1;
        } else if (!strcmp(a, "--steps")) {
            rc = int_arg(cmd, a, v, 2, 1000000, &n, err), o->steps = (int)n;
        } else if (!strcmp(a, "--warmup")) {
            rc = int_arg(cmd, a, v, 0, 1000000, &n, err), o->warmup = (int)n;
        } else if (!strcmp(a, "--batch")) {
            rc = int_arg(cmd, a, v, 1, 1024, &n, err), o->batch = (int)n;
        } else if (!strcmp(a, "--cells")) {
            rc = int_arg(cmd, a, v, 1, 20, &n, err), o->net.cells = (int)n;
        } else if (!strcmp(a, "--width")) {
            rc = int_arg(cmd, a, v, 1, 256, &n, err);
            o->net.width[0] = (int)n, o->net.width[1] = 2 * (int)n, o->net.width[2] = 4 * (int)n;
        } else if (!strcmp(a, "--seed")) {
            rc = int_arg(cmd, a, v, 0, 2147483647L, &n, err), o->seed = (uint64_t)n;
        } else if (!strcmp(a, "--data-dir")) {
            snprintf(o->data, sizeof o->data, "%s", v);
        } else if (train && !strcmp(a, "--lr")) {
            char *end;
            errno = 0;
            o->lr = strtod(v, &end);
            if (errno || end == v || *end || !(o->lr > 0 && o->lr <= 10))
                return hw_errf(err, HW_EINPUT, "hwnas %s: --lr '%s' is not a number in (0, 10]", cmd, v);
        } else if (train && (!strcmp(a, "--policy") || !strcmp(a, "--push-policy"))) {
            int p = hw_sgd_policy_parse(v);
            if (p < 0)
                return hw_errf(err, HW_EINPUT, "hwnas %s: %s '%s' is unknown; use layer, reverse, largest or "
                               "random", cmd, a, v);
            *(!strcmp(a, "--push-policy") ? &o->push_policy : &o->policy) = (hw_sgd_policy)p;
        } else if (train && !strcmp(a, "--batches")) {
            rc = int_arg(cmd, a, v, 0, 1000000, &n, err), o->batches = (int)n;
        } else if (train && !strcmp(a, "--poll-us")) {
            rc = int_arg(cmd, a, v, 0, 100000, &n, err), o->poll_us = (int)n;
        } else if (train && !strcmp(a, "--poll-max-us")) {
            rc = int_arg(cmd, a, v, 0, 1000000, &n, err), o->poll_max_us = (int)n;
        } else if (train && !strcmp(a, "--log-every")) {
            rc = int_arg(cmd, a, v, 1, 1000000, &n, err), o->log_every = (int)n;
        } else if ((train && !strcmp(a, "--trace")) || (!train && !strcmp(a, "--output"))) {
            snprintf(o->trace, sizeof o->trace, "%s", v);
        } else if (!train && !strcmp(a, "--apply-reps")) {
            rc = int_arg(cmd, a, v, 1, 100000, &n, err), o->apply_reps = (int)n;
        } else {
            return hw_errf(err, HW_EINPUT, "hwnas %s: unknown option '%s'; %s", cmd, a, usage(train));
        }
        if (rc)
            return rc;
    }
    if (!have_arch)
        return hw_errf(err, HW_EINPUT, "hwnas %s: --arch is required; %s", cmd, usage(train));
    if (o->warmup >= o->steps)
        return hw_errf(err, HW_EINPUT, "hwnas %s: --warmup %d must be below --steps %d (steps after warm-up are "
                       "measured)", cmd, o->warmup, o->steps);
    return HW_OK;
}

int sgd_net(const sgd_opts *o, hw_nn **nn, hw_err *err)
{
    hw_nn_cfg cfg = {o->batch, 1, HW_NN_F32};
    int rc = hw_nn_create(&o->arch, &o->net, &cfg, NULL, nn, err);
    if (rc == HW_OK)
        hw_nn_init(*nn, HW_INIT_TORCH, o->seed, 0);
    return rc;
}

int sgd_data(sgd_opts *o, hw_batches *b, hw_err *err)
{
    char path[HW_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", o->data, SGD_CIFAR_FILE);
    hw_cifar c;
    int rc = hw_cifar_load(path, 10, &c, err);
    if (rc)
        return rc;
    int most = (int)(c.n / o->batch);
    if (o->batches == 0)
        o->batches = most;
    if (most < 1 || o->batches > most)
        rc = hw_errf(err, HW_EINPUT, "%s: %ld images hold %d batches of %d, %d asked; lower --batch or --batches",
                     path, c.n, most, o->batch, o->batches);
    else
        rc = hw_cifar_batches(&c, o->batch, o->batches, o->seed, b, err);
    hw_cifar_free(&c);
    return rc;
}

int sgd_prepare(sgd_opts *o, hw_batches *b, hw_nn **nn, hw_sgd_trace *model, hw_err *err)
{
    int rc = sgd_data(o, b, err);
    if (rc == HW_OK)
        rc = sgd_net(o, nn, err);
    if (rc == HW_OK)
        rc = hw_sgd_model(*nn, model, err);
    return rc;
}

/* The first "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        char *c = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && c) {
            c += 1 + (c[1] == ' ');
            c[strcspn(c, "\n")] = 0;
            snprintf(out, len, "%s", c);
            break;
        }
    }
    if (f)
        fclose(f);
}

void sgd_meta(const sgd_opts *o, hw_sgd_meta *m)
{
    snprintf(m->arch, sizeof m->arch, "%.*s", (int)sizeof m->arch - 1, o->arch_str);
    if (gethostname(m->host, sizeof m->host - 1))
        snprintf(m->host, sizeof m->host, "unknown");
    cpu_model(m->cpu, sizeof m->cpu);
    const char *core = openblas_get_corename();
    snprintf(m->coretype, sizeof m->coretype, "%s", core ? core : "unknown");
    const char *th = getenv("OPENBLAS_NUM_THREADS");
    m->threads = th && atoi(th) > 0 ? atoi(th) : 1;
    m->batch = o->batch;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(m->date, sizeof m->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
