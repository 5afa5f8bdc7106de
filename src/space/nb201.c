/* NAS-Bench-201 arch strings, canonical keys, one-hot encoding, params/FLOPs. */
#include "hwnas/nb201.h"

#include <stdio.h>
#include <string.h>

static const char *const OP_NAMES[HW_NB201_OPS] = {
    "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
/* Source node of each edge, in string order. */
static const int EDGE_FROM[HW_NB201_EDGES] = {0, 0, 1, 0, 1, 2};

hw_nb201_net hw_nb201_default(int classes)
{
    hw_nb201_net n = {{16, 32, 64}, 5, 32, classes};
    return n;
}

const char *hw_nb201_op_name(int op)
{
    return op >= 0 && op < HW_NB201_OPS ? OP_NAMES[op] : "?";
}

static int set_why(char *why, size_t len, const char *msg, int edge)
{
    if (why && len)
        snprintf(why, len, edge >= 0 ? "%s (edge %d)" : "%s", msg, edge + 1);
    return -1;
}

/* Parses "op~k" ending at '|'; returns characters consumed or -1. */
static int parse_edge(const char *s, int from, uint8_t *op)
{
    for (int o = 0; o < HW_NB201_OPS; o++) {
        size_t n = strlen(OP_NAMES[o]);
        if (strncmp(s, OP_NAMES[o], n) == 0 && s[n] == '~' && s[n + 1] == '0' + from && s[n + 2] == '|') {
            *op = (uint8_t)o;
            return (int)n + 3;
        }
    }
    return -1;
}

int hw_nb201_parse(const char *s, hw_nb201_arch *a, char *why, size_t why_len)
{
    if (!s || !*s)
        return set_why(why, why_len, "empty arch string", -1);
    const char *p = s;
    int e = 0;
    for (int node = 1; node <= 3; node++) {
        if (node > 1 && *p++ != '+')
            return set_why(why, why_len, "expected '+' between nodes", e);
        if (*p++ != '|')
            return set_why(why, why_len, "expected '|' before an edge", e);
        for (int k = 0; k < node; k++, e++) {
            int used = parse_edge(p, EDGE_FROM[e], &a->op[e]);
            if (used < 0)
                return set_why(why, why_len,
                               "expected op~input with op one of none, skip_connect, nor_conv_1x1, "
                               "nor_conv_3x3, avg_pool_3x3 and the right input node",
                               e);
            p += used;
        }
    }
    if (*p)
        return set_why(why, why_len, "trailing characters after the third node", -1);
    return 0;
}

void hw_nb201_format(const hw_nb201_arch *a, char out[HW_NB201_STR_MAX])
{
    int e = 0, len = 0;
    for (int node = 1; node <= 3; node++) {
        len += snprintf(out + len, (size_t)(HW_NB201_STR_MAX - len), "%s|", node > 1 ? "+" : "");
        for (int k = 0; k < node; k++, e++)
            len += snprintf(out + len, (size_t)(HW_NB201_STR_MAX - len), "%s~%d|", OP_NAMES[a->op[e]], k);
    }
}

uint32_t hw_nb201_key(const hw_nb201_arch *a)
{
    uint32_t k = 0;
    for (int e = HW_NB201_EDGES - 1; e >= 0; e--)
        k = k * HW_NB201_OPS + a->op[e];
    return k;
}

void hw_nb201_from_key(uint32_t key, hw_nb201_arch *a)
{
    for (int e = 0; e < HW_NB201_EDGES; e++) {
        a->op[e] = (uint8_t)(key % HW_NB201_OPS);
        key /= HW_NB201_OPS;
    }
}

int hw_nb201_key_fn(const char *s, uint32_t *key, char *why, size_t why_len)
{
    hw_nb201_arch a;
    if (hw_nb201_parse(s, &a, why, why_len))
        return -1;
    *key = hw_nb201_key(&a);
    return 0;
}

void hw_nb201_onehot(const hw_nb201_arch *a, double *x)
{
    memset(x, 0, sizeof(double) * HW_NB201_ONEHOT);
    for (int e = 0; e < HW_NB201_EDGES; e++)
        x[e * HW_NB201_OPS + a->op[e]] = 1.0;
    x[HW_NB201_ONEHOT - 1] = 1.0;
}

void hw_nb201_live(const hw_nb201_arch *a, hw_nb201_arch *out)
{
    static const int from[HW_NB201_EDGES] = {0, 0, 1, 0, 1, 2}, to[HW_NB201_EDGES] = {1, 2, 2, 3, 3, 3};
    int fw[4] = {1, 0, 0, 0}, bw[4] = {0, 0, 0, 1};
    for (int e = 0; e < HW_NB201_EDGES; e++) /* edges are in topological order of their heads */
        if (a->op[e] != HW_OP_NONE && fw[from[e]])
            fw[to[e]] = 1;
    for (int e = HW_NB201_EDGES - 1; e >= 0; e--) /* ... and reverse order of their tails */
        if (a->op[e] != HW_OP_NONE && bw[to[e]])
            bw[from[e]] = 1;
    for (int e = 0; e < HW_NB201_EDGES; e++)
        out->op[e] = fw[from[e]] && bw[to[e]] ? a->op[e] : (uint8_t)HW_OP_NONE;
}

void hw_nb201_mp_features(const hw_nb201_arch *a, double *x)
{
    hw_nb201_arch l;
    hw_nb201_onehot(a, x);
    hw_nb201_live(a, &l);
    memset(x + HW_NB201_ONEHOT, 0, sizeof(double) * HW_NB201_EDGES * HW_NB201_OPS);
    for (int e = 0; e < HW_NB201_EDGES; e++)
        x[HW_NB201_ONEHOT + e * HW_NB201_OPS + l.op[e]] = 1.0;
}

void hw_nb201_op_counts(const hw_nb201_arch *a, double *c)
{
    hw_nb201_arch l;
    hw_nb201_live(a, &l);
    memset(c, 0, sizeof(double) * HW_NB201_MPTIED);
    for (int e = 0; e < HW_NB201_EDGES; e++)
        c[a->op[e]] += 1, c[HW_NB201_OPS + l.op[e]] += 1;
}

int hw_nb201_conv_edges(const hw_nb201_arch *a)
{
    int k = 0;
    for (int e = 0; e < HW_NB201_EDGES; e++)
        k += a->op[e] == HW_OP_CONV1 || a->op[e] == HW_OP_CONV3;
    return k;
}

/* Parameters and MACs of one cell edge with c channels on an hw x hw map. */
static void edge_cost(int op, double c, double hw, double *params, double *macs)
{
    double k2 = op == HW_OP_CONV3 ? 9.0 : op == HW_OP_CONV1 ? 1.0 : 0.0;
    *params = k2 > 0 ? k2 * c * c + 2.0 * c : 0.0; /* conv (no bias) + BN affine */
    *macs = k2 * c * c * hw * hw;
}

/* ResBlock(a -> b, stride 2) from an input of side hw_in. */
static void resblock_cost(double a, double b, double hw_in, double *params, double *macs)
{
    double hw = hw_in / 2.0;
    *params = (9.0 * a * b + 2.0 * b) + (9.0 * b * b + 2.0 * b) + a * b;
    *macs = (9.0 * a * b + 9.0 * b * b + a * b) * hw * hw;
}

static void net_cost(const hw_nb201_arch *a, const hw_nb201_net *net, double *params, double *macs)
{
    double hw = net->input_hw, c0 = net->width[0];
    *params = 27.0 * c0 + 2.0 * c0;
    *macs = 27.0 * c0 * hw * hw;
    for (int s = 0; s < 3; s++) {
        double c = net->width[s], p, m;
        if (s > 0) {
            resblock_cost(net->width[s - 1], c, hw, &p, &m);
            *params += p, *macs += m;
            hw /= 2.0;
        }
        for (int e = 0; e < HW_NB201_EDGES; e++) {
            edge_cost(a->op[e], c, hw, &p, &m);
            *params += p * net->cells, *macs += m * net->cells;
        }
    }
    double cl = net->width[2], k = net->classes;
    *params += 2.0 * cl + cl * k + k; /* last BN + linear with bias */
    *macs += cl * k + k;
}

double hw_nb201_params(const hw_nb201_arch *a, const hw_nb201_net *net)
{
    double p, m;
    net_cost(a, net, &p, &m);
    return p;
}

double hw_nb201_flops(const hw_nb201_arch *a, const hw_nb201_net *net)
{
    double p, m;
    net_cost(a, net, &p, &m);
    return m;
}
