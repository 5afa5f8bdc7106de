/* The operation-wise latency predictor (include/hwnas/opwise.h): units, their
 * counts and costs, the overhead fit and the profiling driver. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/latency.h"
#include "hwnas/opwise.h"
#include "hwnas/rng.h"

const int HW_OPW_EDGE_OPS[4] = {HW_OP_SKIP, HW_OP_CONV1, HW_OP_CONV3, HW_OP_POOL3};

const char *hw_opw_kind_name(int k)
{
    static const char *const names[HW_OPW_KINDS] = {"skip", "conv1x1", "conv3x3", "pool3x3"};
    return k >= 0 && k < HW_OPW_KINDS ? names[k] : "?";
}

const char *hw_opw_unit_name(int u)
{
    static const char *const names[HW_OPW_UNITS] = {
        "stem",       "resblock1",  "resblock2",  "head",       "s0_skip",    "s0_conv1x1",
        "s0_conv3x3", "s0_pool3x3", "s1_skip",    "s1_conv1x1", "s1_conv3x3", "s1_pool3x3",
        "s2_skip",    "s2_conv1x1", "s2_conv3x3", "s2_pool3x3"};
    return u >= 0 && u < HW_OPW_UNITS ? names[u] : "?";
}

int hw_opw_edge_unit(int stage, int op)
{
    for (int k = 0; k < 4; k++)
        if (HW_OPW_EDGE_OPS[k] == op)
            return 4 + 4 * stage + k;
    return -1;
}

void hw_opw_counts(const hw_nb201_arch *a, const hw_nb201_net *net, double x[HW_OPW_UNITS])
{
    for (int u = 0; u < HW_OPW_UNITS; u++)
        x[u] = u < 4;
    for (int s = 0; s < 3; s++)
        for (int e = 0; e < HW_NB201_EDGES; e++) {
            int u = hw_opw_edge_unit(s, a->op[e]);
            if (u >= 0)
                x[u] += net->cells;
        }
}

/* MACs and float32 bytes of a k x k conv + BN from (c, h) to (o, h/stride). */
static void conv_cost(double c, double h, double o, double k, double stride, double *macs, double *bytes)
{
    double oh = h / stride, in = c * h * h, out = o * oh * oh, col = c * k * k * oh * oh;
    *macs += o * c * k * k * oh * oh;
    *bytes += 4 * (2 * in + (k > 1 || stride > 1 ? 2 * col : 0) + o * c * k * k + 2 * out);
}

void hw_opw_unit_cost(int u, const hw_nb201_net *net, double *flops, double *bytes)
{
    double macs = 0, elem = 0, c[3], h[3];
    *bytes = 0;
    for (int s = 0; s < 3; s++)
        c[s] = net->width[s], h[s] = (double)(net->input_hw >> s);
    if (u == 0) {
        conv_cost(3, h[0], c[0], 3, 1, &macs, bytes);
    } else if (u == 1 || u == 2) {
        double ci = c[u - 1], hi = h[u - 1], co = c[u], ho = h[u];
        conv_cost(ci, hi, co, 3, 2, &macs, bytes);
        conv_cost(co, ho, co, 3, 1, &macs, bytes);
        elem += ci * ho * ho, *bytes += 4 * (ci * hi * hi + ci * ho * ho);
        conv_cost(ci, ho, co, 1, 1, &macs, bytes);
    } else if (u == 3) {
        double n = c[2] * h[2] * h[2];
        elem += 3 * n, *bytes += 4 * (3 * n + c[2] * net->classes);
        macs += c[2] * net->classes;
    } else {
        int s = (u - 4) / 4, k = (u - 4) % 4;
        double n = c[s] * h[s] * h[s];
        if (k == 1 || k == 2)
            conv_cost(c[s], h[s], c[s], k == 1 ? 1 : 3, 1, &macs, bytes);
        else
            elem += k == 3 ? 9 * n : n, *bytes += 4 * 2 * n;
    }
    *flops = 2 * macs + elem;
}

double hw_opw_sum_ops(const hw_opw_model *m, const hw_nb201_arch *a, const hw_nb201_net *net)
{
    double x[HW_OPW_UNITS], s = 0;
    hw_opw_counts(a, net, x);
    for (int u = 0; u < HW_OPW_UNITS; u++)
        s += x[u] * m->unit_ms[u];
    return s;
}

/* The fixed units' time (stem, ResBlocks, head) and T_k per edge-op kind. */
static double kind_times(const hw_opw_model *m, const hw_nb201_arch *a, const hw_nb201_net *net,
                         double t[HW_OPW_KINDS])
{
    double x[HW_OPW_UNITS], fixed = 0;
    hw_opw_counts(a, net, x);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        t[k] = 0;
    for (int u = 0; u < HW_OPW_UNITS; u++) {
        if (u < 4)
            fixed += x[u] * m->unit_ms[u];
        else
            t[(u - 4) % 4] += x[u] * m->unit_ms[u];
    }
    return fixed;
}

double hw_opw_predict(const hw_opw_model *m, const hw_nb201_arch *a, const hw_nb201_net *net)
{
    double t[HW_OPW_KINDS], y = kind_times(m, a, net, t) + m->kind_overhead_ms;
    for (int k = 0; k < HW_OPW_KINDS; k++)
        y += m->kind_scale[k] * t[k];
    return y;
}

/* Per-kind relative least squares: rows (T_k / y, 1 / y) against 1 - fixed / y. */
static int fit_kinds(hw_opw_model *m, const hw_nb201_net *net, hw_err *err)
{
    int n = m->n_fit, K = HW_OPW_KINDS + 1;
    double *X = hw_calloc((size_t)n * K, sizeof *X, err), *y = X ? hw_calloc((size_t)n, sizeof *y, err) : NULL,
           w[HW_OPW_KINDS + 1];
    int rc = y ? HW_OK : HW_ENOMEM;
    for (int i = 0; !rc && i < n; i++) {
        hw_nb201_arch a;
        double t[HW_OPW_KINDS];
        hw_nb201_from_key(m->fit_key[i], &a);
        double fixed = kind_times(m, &a, net, t), yi = m->fit_ms[i];
        for (int k = 0; k < HW_OPW_KINDS; k++)
            X[(size_t)i * K + k] = t[k] / yi;
        X[(size_t)i * K + HW_OPW_KINDS] = 1 / yi;
        y[i] = 1 - fixed / yi;
    }
    if (!rc)
        rc = hw_lsq_minnorm(X, (size_t)n, (size_t)K, y, 1e-10, w, err);
    for (int k = 0; !rc && k < K; k++)
        if (!isfinite(w[k]))
            rc = hw_errf(err, HW_ENUM, "opwise: per-kind fit is not finite (%s)",
                         k < HW_OPW_KINDS ? hw_opw_kind_name(k) : "overhead");
    for (int k = 0; !rc && k < HW_OPW_KINDS; k++)
        m->kind_scale[k] = w[k];
    if (!rc)
        m->kind_overhead_ms = w[HW_OPW_KINDS];
    free(X), free(y);
    return rc;
}

int hw_opw_fit_overhead(hw_opw_model *m, const hw_nb201_net *net, hw_err *err)
{
    int n = m->n_fit;
    if (n < 1 || n > HW_OPW_MAX_FIT)
        return hw_errf(err, HW_EINPUT, "opwise: %d end-to-end archs for the overhead fit; need 1..%d", n,
                       HW_OPW_MAX_FIT);
    /* Relative least squares: minimise sum ((scale x + overhead - y) / y)^2, the
     * objective of RMSPE (an absolute fit lets the large archs set the line and
     * leaves the small ones with large relative errors). Weights w = 1 / y^2. */
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        hw_nb201_arch a;
        hw_nb201_from_key(m->fit_key[i], &a);
        double x = hw_opw_sum_ops(m, &a, net), y = m->fit_ms[i];
        if (!(y > 0))
            return hw_errf(err, HW_EINPUT, "opwise: end-to-end time %g ms of fit arch %d is not positive", y, i);
        double w = 1 / (y * y);
        sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
    }
    double mx = sx / sw, my = sy / sw, vxx = sxx / sw - mx * mx, vxy = sxy / sw - mx * my;
    if (n < 2 || !(vxx > 1e-12 * (mx * mx + 1e-300))) {
        m->scale = 1, m->overhead_ms = my - mx;
    } else {
        m->scale = vxy / vxx;
        m->overhead_ms = my - m->scale * mx;
    }
    if (!isfinite(m->scale) || !isfinite(m->overhead_ms))
        return hw_errf(err, HW_ENUM, "opwise: overhead fit is not finite (scale %g, overhead %g ms)", m->scale,
                       m->overhead_ms);
    /* the per-kind fit needs every kind's time T_k > 0 in some fit arch (a zero
     * column leaves its factor undetermined) */
    unsigned seen = 0;
    for (int i = 0; i < n; i++) {
        hw_nb201_arch a;
        double t[HW_OPW_KINDS];
        hw_nb201_from_key(m->fit_key[i], &a);
        kind_times(m, &a, net, t);
        for (int k = 0; k < HW_OPW_KINDS; k++)
            seen |= (unsigned)(t[k] > 0) << k;
    }
    if (n >= HW_OPW_KIND_MIN_FIT && seen == (1u << HW_OPW_KINDS) - 1)
        return fit_kinds(m, net, err);
    /* the one-scale fit in per-kind form: s (F + Σ T_k) + o = F + Σ s T_k + o + (s - 1) F */
    hw_nb201_arch a;
    double t[HW_OPW_KINDS];
    hw_nb201_from_key(m->fit_key[0], &a);
    double fixed = kind_times(m, &a, net, t);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        m->kind_scale[k] = m->scale;
    m->kind_overhead_ms = m->overhead_ms + (m->scale - 1) * fixed;
    return HW_OK;
}

void hw_opw_fit_archs(int n_fit, uint64_t seed, uint32_t *keys)
{
    hw_nb201_arch a;
    int n = 0;
    for (int k = 0; k < 2 && n < n_fit; k++) {
        for (int e = 0; e < HW_NB201_EDGES; e++)
            a.op[e] = (uint8_t)(k == 0 ? HW_OP_SKIP : HW_OP_CONV3);
        keys[n++] = hw_nb201_key(&a);
    }
    hw_rng r;
    hw_rng_seed(&r, seed, 0x6f70777365ULL);
    while (n < n_fit) {
        uint32_t key = (uint32_t)hw_rng_below(&r, HW_NB201_N_ARCHS);
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= keys[i] == key;
        if (!dup)
            keys[n++] = key;
    }
}

int hw_opw_profile(const hw_opw_dev *dev, const hw_nb201_net *net, int n_fit, uint64_t seed, hw_opw_model *m,
                   hw_err *err)
{
    if (n_fit < 2 || n_fit > HW_OPW_MAX_FIT)
        return hw_errf(err, HW_EINPUT, "opwise: %d end-to-end archs; use 2..%d", n_fit, HW_OPW_MAX_FIT);
    int rc = HW_OK;
    for (int u = 0; !rc && u < HW_OPW_UNITS; u++)
        rc = dev->unit_ms(dev->ctx, u, &m->unit_ms[u], err);
    m->n_fit = n_fit;
    hw_opw_fit_archs(n_fit, seed, m->fit_key);
    for (int i = 0; !rc && i < n_fit; i++) {
        hw_nb201_arch a;
        hw_nb201_from_key(m->fit_key[i], &a);
        rc = dev->arch_ms(dev->ctx, &a, &m->fit_ms[i], err);
    }
    m->measurements = HW_OPW_UNITS + n_fit;
    return rc ? rc : hw_opw_fit_overhead(m, net, err);
}

const hw_opw_model *hw_opw_find(const hw_opw_model *m, int n, const char *device)
{
    for (int i = 0; i < n; i++)
        if (strcmp(m[i].device, device) == 0)
            return &m[i];
    return NULL;
}
