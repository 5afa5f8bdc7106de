/* The host as the one proxy device (README "The host as a latency device"):
 * latency.host (a measured CSV in the tables' format) or latency.host_predictor
 * (an op-wise predictor file) gives the proxy's latency for every row of the
 * latency table; it is added to the table as the column latency.proxy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/host.h"
#include "hwnas/opwise.h"

static int from_csv(const hw_plan *p, const hw_table *lat, double *v, hw_err *err)
{
    hw_table h = {0};
    int rc = hw_table_load(p->latency.host, hw_nb201_key_fn, &h, err), col = rc ? -1 : hw_table_col(&h, p->latency.proxy);
    if (!rc && col < 0)
        rc = hw_errf(err, HW_EINPUT, "%s:%d: latency.proxy '%s' is not a column of latency.host %s; use one of its "
                     "columns (hwnas profile writes host_<threads>t)", p->config_path, p->latency.proxy_line,
                     p->latency.proxy, p->latency.host);
    long *row = rc ? NULL : hw_calloc(HW_NB201_N_ARCHS, sizeof *row, err);
    if (!rc && !row)
        rc = HW_ENOMEM;
    for (size_t k = 0; !rc && k < HW_NB201_N_ARCHS; k++)
        row[k] = -1;
    for (size_t r = 0; !rc && r < h.n_rows; r++)
        row[h.key[r]] = (long)r;
    for (size_t r = 0; !rc && r < lat->n_rows; r++) {
        long hr = row[lat->key[r]];
        v[r] = hr < 0 ? NAN : h.val[(size_t)hr * h.n_cols + (size_t)col];
        if (isnan(v[r]))
            rc = hw_errf(err, HW_EINPUT, "%s:%d: arch '%s' has no %s latency in latency.host %s; measure every arch "
                         "of the table (jobs/host-latency.sbatch) or use latency.host_predictor", lat->path,
                         lat->line[r], lat->arch_str[r], p->latency.proxy, p->latency.host);
    }
    free(row);
    hw_table_free(&h);
    return rc;
}

static int from_predictor(const hw_plan *p, const hw_table *lat, double *v, hw_err *err)
{
    hw_opw_model *m = hw_calloc(8, sizeof *m, err);
    int n = 0, rc = m ? hw_opw_load(p->latency.host_predictor, m, 8, &n, err) : HW_ENOMEM;
    const hw_opw_model *d = rc ? NULL : hw_opw_find(m, n, p->latency.proxy);
    if (!rc && !d)
        rc = hw_errf(err, HW_EINPUT, "%s:%d: latency.proxy '%s' is not a device of latency.host_predictor %s; "
                     "profile it (hwnas profile --predictor FILE --threads N)", p->config_path,
                     p->latency.proxy_line, p->latency.proxy, p->latency.host_predictor);
    if (d) {
        char cpu[128], core[64], today[32], msg[512];
        hw_host_cpu(cpu, sizeof cpu, core, sizeof core);
        hw_opw_today(today, sizeof today);
        if (hw_opw_check(d, cpu, core, today, HW_OPW_MAX_AGE_DAYS, msg, sizeof msg))
            fprintf(stderr, "[hwnas] warning: %s: %s\n", p->latency.host_predictor, msg);
        hw_nb201_net net = hw_nb201_default(10);
        for (size_t r = 0; r < lat->n_rows; r++) {
            hw_nb201_arch a;
            hw_nb201_from_key(lat->key[r], &a);
            v[r] = hw_opw_predict(d, &a, &net);
        }
    }
    free(m);
    return rc;
}

int hw_campaign_host_proxy(hw_campaign *c, hw_err *err)
{
    const hw_plan *p = &c->plan;
    if (!p->latency.host[0] && !p->latency.host_predictor[0])
        return HW_OK;
    if (hw_table_col(&c->lat, p->latency.proxy) >= 0)
        return hw_errf(err, HW_EINPUT, "%s:%d: latency.proxy '%s' is already a column of %s; the host proxy needs "
                       "its own name (host_1t, ...)", p->config_path, p->latency.proxy_line, p->latency.proxy,
                       c->lat.path);
    double *v = hw_calloc(c->lat.n_rows ? c->lat.n_rows : 1, sizeof *v, err);
    if (!v)
        return HW_ENOMEM;
    int rc = p->latency.host[0] ? from_csv(p, &c->lat, v, err) : from_predictor(p, &c->lat, v, err);
    if (!rc)
        rc = hw_table_add_col(&c->lat, p->latency.proxy, v, err);
    free(v);
    return rc;
}
