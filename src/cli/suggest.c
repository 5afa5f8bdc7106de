/* `hwnas suggest-measurements CONFIG --n N [--device NAME] [--seed S]`: the N
 * archs to measure on a new device, chosen from the config's latency table (the
 * source devices) alone: k-center in the sources' latency space, seeded by
 * (seed, device name) exactly as `sample_select = "diverse"` in a campaign.
 * CSV `arch_index,arch_str` on stdout. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/cli.h"
#include "hwnas/multiproxy.h"

typedef struct {
    const char *config, *device;
    size_t n;
    hw_overrides ov;
} suggest_args;

#define USAGE "usage: hwnas suggest-measurements CONFIG --n N [--device NAME] [--seed S]"

static int parse_uint(const char *opt, const char *s, unsigned long long lo, unsigned long long *v, hw_err *err)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 10);
    if (errno || *end || !*s || s[0] == '-' || *v < lo)
        return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: %s '%s' is not an integer >= %llu; " USAGE, opt, s,
                       lo);
    return HW_OK;
}

static int parse_opt(int argc, char **argv, int *i, suggest_args *a, hw_err *err)
{
    const char *opt = argv[*i];
    unsigned long long v;
    if (*i + 1 >= argc)
        return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: option '%s' needs a value; " USAGE, opt);
    const char *val = argv[++*i];
    if (!strcmp(opt, "--device")) {
        a->device = val;
        return HW_OK;
    }
    if (parse_uint(opt, val, !strcmp(opt, "--n"), &v, err))
        return HW_EINPUT;
    if (!strcmp(opt, "--n"))
        a->n = (size_t)v;
    else
        a->ov.seed = v, a->ov.has_seed = 1;
    return HW_OK;
}

static int parse_args(int argc, char **argv, suggest_args *a, hw_err *err)
{
    memset(a, 0, sizeof *a);
    a->device = "new_device";
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (!strcmp(opt, "--n") || !strcmp(opt, "--device") || !strcmp(opt, "--seed")) {
            if (parse_opt(argc, argv, &i, a, err))
                return HW_EINPUT;
        } else if (opt[0] == '-') {
            return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: unknown option '%s'; " USAGE, opt);
        } else if (a->config) {
            return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: more than one config given ('%s'); " USAGE, opt);
        } else {
            a->config = opt;
        }
    }
    if (!a->config)
        return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: no config file; " USAGE);
    if (!a->n)
        return hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: --n is required; " USAGE);
    return HW_OK;
}

/* The candidates to measure: the device's measured rows if it has any, its
 * known table rows if it is a column, else every table row (table order). */
static size_t pool_of(const hw_campaign *c, const char *device, uint32_t *pk)
{
    size_t m = 0;
    int col = hw_table_col(&c->lat, device);
    for (size_t i = 0; i < c->meas.n; i++)
        if (!strcmp(c->meas.device[i], device))
            pk[m++] = c->meas.key[i];
    size_t measured = m;
    for (size_t r = 0; measured == 0 && r < c->lat.n_rows; r++)
        if (col < 0 || !isnan(c->lat.val[r * c->lat.n_cols + (size_t)col]))
            pk[m++] = c->lat.key[r];
    return m;
}

static int print_choice(hw_campaign *c, const hw_mp_bank *b, const suggest_args *a, hw_err *err)
{
    size_t cap = c->lat.n_rows + c->meas.n + 1, n = 0;
    uint32_t *pk = hw_calloc(cap, sizeof *pk, err), *key = hw_calloc(cap, sizeof *key, err);
    double *py = hw_calloc(cap, sizeof *py, err), *y = hw_calloc(cap, sizeof *y, err);
    int rc = pk && key && py && y ? HW_OK : HW_ENOMEM;
    size_t m = rc ? 0 : pool_of(c, a->device, pk);
    if (!rc && a->n > m)
        rc = hw_errf(err, HW_EINPUT, "hwnas suggest-measurements: --n %zu exceeds the %zu archs of %s to choose from; "
                     "ask for fewer", a->n, m, c->lat.path);
    if (!rc)
        rc = hw_campaign_draw_diverse(c, b, a->device, pk, py, m, a->n, key, y, &n, err);
    if (!rc)
        puts("arch_index,arch_str");
    for (size_t i = 0; !rc && i < n; i++) {
        hw_nb201_arch arch;
        char s[HW_NB201_STR_MAX];
        hw_nb201_from_key(key[i], &arch);
        hw_nb201_format(&arch, s);
        c->index_of[key[i]] >= 0 ? printf("%ld,%s\n", c->index_of[key[i]], s) : printf(",%s\n", s);
    }
    free(pk), free(key), free(py), free(y);
    return rc;
}

int hw_cmd_suggest(int argc, char **argv)
{
    hw_err err = {0};
    suggest_args a;
    hw_campaign c = {0};
    hw_mp_bank bank = {0};
    char data[HW_PATH_MAX];
    hw_default_data_dir(data, sizeof data);
    int rc = parse_args(argc, argv, &a, &err);
    if (!rc)
        rc = hw_campaign_setup(&c, a.config, data, &a.ov, &err);
    if (!rc)
        rc = hw_campaign_bank(&c, &bank, &err);
    if (!rc)
        rc = print_choice(&c, &bank, &a, &err);
    if (rc)
        fprintf(stderr, "hwnas: error: %s\n", err.msg[0] ? err.msg : "(no message)");
    hw_mp_bank_free(&bank);
    hw_campaign_free(&c);
    return rc;
}
