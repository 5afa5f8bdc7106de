/* Campaign setup on rank 0: config, tables, devices, candidates, score proxies.
 * Every input error is reported here, before any MPI work, as file:line. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwnas/campaign.h"
#include "hwnas/rng.h"

static int check_readable(const hw_plan *p, const char *path, int line, const char *key, hw_err *err)
{
    if (access(path, R_OK) == 0)
        return HW_OK;
    return hw_errf(err, HW_EINPUT, "%s:%d: %s: cannot read '%s' (%s); fix the path, or set data_dir / "
                   "$HWNAS_DATA_DIR for data tables", p->config_path, line, key, path, strerror(errno));
}

static int32_t *key_rows(const hw_table *t, hw_err *err)
{
    int32_t *m = hw_calloc(HW_NB201_N_ARCHS, sizeof *m, err);
    if (!m)
        return NULL;
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        m[i] = -1;
    for (size_t r = 0; t && r < t->n_rows; r++)
        m[t->key[r]] = (int32_t)r;
    return m;
}

/* key -> benchmark arch_index from both tables; they must agree. */
static int build_index_map(hw_campaign *c, hw_err *err)
{
    c->index_of = hw_calloc(HW_NB201_N_ARCHS, sizeof *c->index_of, err);
    if (!c->index_of)
        return HW_ENOMEM;
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        c->index_of[i] = -1;
    const hw_table *ts[2] = {&c->lat, &c->acc};
    for (int t = 0; t < 2; t++)
        for (size_t r = 0; r < ts[t]->n_rows; r++) {
            long *slot = &c->index_of[ts[t]->key[r]];
            if (*slot >= 0 && *slot != ts[t]->arch_index[r])
                return hw_errf(err, HW_EINPUT, "%s:%d: arch_index %ld of '%s' disagrees with index %ld in %s; "
                               "both tables must use the NB201 benchmark index", ts[t]->path, ts[t]->line[r],
                               ts[t]->arch_index[r], ts[t]->arch_str[r], *slot, ts[0]->path);
            *slot = ts[t]->arch_index[r];
        }
    return HW_OK;
}

static int add_device(hw_campaign *c, const char *name, int col, hw_err *err)
{
    for (size_t d = 0; d < c->n_dev; d++)
        if (strcmp(c->dev[d].name, name) == 0)
            return HW_OK;
    hw_device *nd = realloc(c->dev, (c->n_dev + 1) * sizeof *nd);
    if (!nd)
        return hw_errf(err, HW_ENOMEM, "out of memory adding device %s", name);
    c->dev = nd;
    memset(&nd[c->n_dev], 0, sizeof *nd);
    snprintf(nd[c->n_dev].name, sizeof nd->name, "%s", name);
    nd[c->n_dev].table_col = col;
    c->n_dev++;
    return HW_OK;
}

static int is_measured_device(const hw_measured *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->device[i], name) == 0)
            return 1;
    return 0;
}

/* latency.sources: every listed name is a table column or a measured device. */
static int check_sources(const hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    for (size_t s = 0; s < p->latency.n_sources; s++) {
        const char *name = p->latency.sources[s];
        if (strcmp(name, "*") != 0 && hw_table_col(&c->lat, name) < 0 && !is_measured_device(&c->meas, name))
            return hw_errf(err, HW_EINPUT, "%s:%d: latency.sources: unknown device '%s'; use columns of %s, devices of "
                           "latency.measured, or [\"*\"]", p->config_path, p->latency.sources_line, name, c->lat.path);
    }
    return HW_OK;
}

static int list_devices(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    int pc = hw_table_col(&c->lat, p->latency.proxy);
    if (pc < 0)
        return hw_errf(err, HW_EINPUT, "%s:%d: latency.proxy '%s' is not a device column of %s; pick one of its "
                       "columns (see its header)", p->config_path, p->latency.proxy_line, p->latency.proxy,
                       c->lat.path);
    int rc = add_device(c, p->latency.proxy, pc, err);
    c->dev[0].is_proxy = 1;
    int all = p->latency.n_targets == 1 && strcmp(p->latency.targets[0], "*") == 0;
    for (size_t j = 0; !rc && all && j < c->lat.n_cols; j++)
        rc = add_device(c, c->lat.col[j], (int)j, err);
    for (size_t i = 0; !rc && all && i < c->meas.n; i++)
        rc = add_device(c, c->meas.device[i], -1, err);
    for (size_t t = 0; !rc && !all && t < p->latency.n_targets; t++) {
        const char *name = p->latency.targets[t];
        int col = hw_table_col(&c->lat, name);
        if (col < 0 && !is_measured_device(&c->meas, name))
            return hw_errf(err, HW_EINPUT, "%s:%d: latency.targets: unknown device '%s'; use a column of %s or a "
                           "device of latency.measured, or \"*\"", p->config_path, p->latency.targets_line, name,
                           c->lat.path);
        rc = add_device(c, name, col, err);
    }
    if (!rc && c->n_dev < 2)
        rc = hw_errf(err, HW_EINPUT, "%s:%d: latency.targets: no target device besides the proxy",
                     p->config_path, p->latency.targets_line);
    return rc;
}

static int load_measured(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    if (!p->latency.measured[0])
        return HW_OK;
    int rc = check_readable(p, p->latency.measured, p->latency.measured_line, "latency.measured", err);
    if (!rc)
        rc = hw_measured_load(p->latency.measured, hw_nb201_key_fn, &c->meas, err);
    for (size_t i = 0; !rc && i < c->meas.n; i++)
        if (hw_table_col(&c->lat, c->meas.device[i]) >= 0)
            rc = hw_errf(err, HW_EINPUT, "%s:%d: device '%s' is already a column of %s; latency.measured is for "
                         "new devices: rename it", c->meas.path, c->meas.line[i], c->meas.device[i], c->lat.path);
    return rc;
}

static int load_tables(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    int rc = check_readable(p, p->latency.table, p->latency.table_line, "latency.table", err);
    if (!rc)
        rc = hw_table_load(p->latency.table, hw_nb201_key_fn, &c->lat, err);
    if (!rc && p->accuracy.table[0]) {
        rc = check_readable(p, p->accuracy.table, p->accuracy.table_line, "accuracy.table", err);
        if (!rc)
            rc = hw_table_load(p->accuracy.table, hw_nb201_key_fn, &c->acc, err);
        c->acc_col = rc ? -1 : hw_table_col(&c->acc, p->accuracy.column);
        if (!rc && c->acc_col < 0)
            rc = hw_errf(err, HW_EINPUT, "%s:%d: accuracy.column '%s' is not a column of %s", p->config_path,
                         p->accuracy.column_line, p->accuracy.column, c->acc.path);
    }
    if (!rc)
        rc = load_measured(c, err);
    if (!rc && (!(c->lat_row = key_rows(&c->lat, err)) || !(c->acc_row = key_rows(&c->acc, err))))
        rc = HW_ENOMEM;
    return rc ? rc : build_index_map(c, err);
}

/* Options of the zero-shot proxies and, when one of them reads images, the
 * labelled batches (loaded once here, broadcast to the workers). */
static int setup_env(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    int needs_data = 0;
    for (size_t s = 0; s < c->n_scores; s++)
        needs_data |= c->score[s]->needs_data, c->env.zc_together += c->score[s]->needs_data;
    c->env.zc_together = c->env.zc_together >= 2;
    c->env.net = hw_nb201_default(p->score.classes);
    c->env.seed = p->seed;
    hw_zc_opts_default(&c->env.zc);
    c->env.zc.batch_size = p->score.batch_size, c->env.zc.n_batches = p->score.zico_batches;
    c->env.zc.init = (hw_nn_init_scheme)p->score.init, c->env.zc.prec = (hw_nn_prec)p->score.precision;
    c->env.zc.bc_beta = p->score.zico_bc_beta, c->env.zc.bc_map = (hw_zc_bc_map)p->score.zico_bc_map;
    if (!needs_data)
        return HW_OK;
    hw_cifar cif = {0};
    int rc = check_readable(p, p->score.data, p->score.data_line, "score.data", err);
    if (!rc)
        rc = hw_cifar_load(p->score.data, p->score.classes, &cif, err);
    if (!rc)
        rc = hw_cifar_batches(&cif, p->score.batch_size, p->score.zico_batches, p->seed, &c->batches, err);
    if (rc == HW_EINPUT && !strstr(err->msg, p->config_path)) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        hw_errf(err, rc, "%s:%d: score.data: %.900s", p->config_path, p->score.data_line, m);
    }
    hw_cifar_free(&cif);
    c->env.data = rc ? NULL : &c->batches;
    return rc;
}

static int setup_scores(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    c->n_scores = p->score.n_proxies;
    c->score = hw_calloc(c->n_scores, sizeof *c->score, err);
    if (!c->score)
        return HW_ENOMEM;
    c->rank_by = -1;
    for (size_t s = 0; s < c->n_scores; s++) {
        c->score[s] = hw_proxy_find(p->score.proxies[s]);
        if (!c->score[s])
            return hw_errf(err, HW_EINPUT, "%s:%d: score.proxies: unknown proxy '%s'; `hwnas --help` lists them",
                           p->config_path, p->score.proxies_line, p->score.proxies[s]);
        if (strcmp(p->score.proxies[s], p->score.rank_by) == 0)
            c->rank_by = (int)s;
    }
    return setup_env(c, err);
}

static void apply_overrides(hw_plan *p, const hw_overrides *ov)
{
    if (ov && ov->output_dir)
        snprintf(p->output_dir, sizeof p->output_dir, "%s", ov->output_dir);
    if (ov && ov->has_seed)
        p->seed = ov->seed;
}

int hw_campaign_setup(hw_campaign *c, const char *config_path, const char *default_data_dir,
                      const hw_overrides *ov, hw_err *err)
{
    memset(c, 0, sizeof *c);
    c->acc_col = -1;
    int rc = hw_config_load(config_path, default_data_dir, &c->plan, err);
    if (!rc)
        apply_overrides(&c->plan, ov);
    if (!rc && strcmp(c->plan.space, "nb201") != 0)
        rc = hw_errf(err, HW_EINPUT, "%s: space '%s' is not supported; use \"nb201\"", config_path, c->plan.space);
    if (!rc)
        rc = load_tables(c, err);
    if (!rc)
        rc = hw_campaign_host_proxy(c, err);
    if (!rc)
        rc = list_devices(c, err);
    if (!rc)
        rc = check_sources(c, err);
    if (!rc)
        rc = setup_scores(c, err);
    if (!rc)
        rc = hw_campaign_select(c, err);
    c->width = c->n_scores + c->n_dev;
    return rc;
}
