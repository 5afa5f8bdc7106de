/* test_host.c - the host as a latency device: the inference forward against a
 * BN-free network with the same weights and a hand-computed eval BN; the
 * op-wise predictor's unit counts against the engine's tape; a synthetic
 * device with known per-unit costs and overhead recovered exactly; timing
 * statistics and the spread rejection on scripted samples; predictor files
 * (round trip, foreign CPU / core / age warnings, stale versions); metrics. */
#include "testutil.h"

#include "hwnas/host.h"
#include "hwnas/nn.h"
#include "hwnas/nn_ops.h"
#include "hwnas/opwise.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"

static hw_nn *make(const hw_nb201_arch *a, const hw_nb201_net *net, int bn)
{
    hw_nn_cfg cfg = {1, bn, HW_NN_F64};
    hw_nn *nn = NULL;
    hw_err err;
    if (hw_nn_create(a, net, &cfg, NULL, &nn, &err))
        fail_msg("hw_nn_create: %s", err.msg);
    return nn;
}

/* eval BN by hand: y = gamma (x - mean) / sqrt(var + 1e-5) + beta, acc adds. */
static void test_bn_eval_kernel(void **state)
{
    (void)state;
    double x[4] = {1, 2, 3, 4}, g[2] = {2, 0.5}, b[2] = {1, -1}, rm[2] = {1, 2}, rv[2] = {4, 1}, y[4] = {10, 10, 10, 10};
    hw_bn_eval_f64(1, 2, 2, x, g, b, rm, rv, y, 0);
    assert_close(y[0], 2 * 0 / sqrt(4 + 1e-5) + 1, 1e-15);
    assert_close(y[1], 2 * 1 / sqrt(4 + 1e-5) + 1, 1e-15);
    assert_close(y[3], 0.5 * 2 / sqrt(1 + 1e-5) - 1, 1e-15);
    hw_bn_eval_f64(1, 2, 2, x, g, b, rm, rv, y, 1);
    assert_close(y[3], 2 * (0.5 * 2 / sqrt(1 + 1e-5) - 1), 1e-15);
}

/* With gamma = sqrt(1 + eps), beta = 0 and fresh running stats (0, 1), every
 * eval BN is the identity: the BN network's inference must equal the BN-free
 * network (cfg.bn = 0) with the same conv and linear weights. */
static void test_infer_matches_bn_free(void **state)
{
    (void)state;
    const char *archs[] = {"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
                           "|nor_conv_1x1~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"};
    hw_nb201_net net = {{4, 8, 8}, 2, 8, 5};
    for (int k = 0; k < 2; k++) {
        hw_nb201_arch a;
        assert_int_equal(hw_nb201_parse(archs[k], &a, NULL, 0), 0);
        hw_nn *bn = make(&a, &net, 1), *plain = make(&a, &net, 0);
        hw_nn_init(bn, HW_INIT_KAIMING_NORMAL, 3, 0);
        double buf[4096];
        for (int p = 0, q = 0; p < hw_nn_n_params(bn); p++) {
            hw_nn_param_info pi;
            hw_nn_param(bn, p, &pi);
            assert_true(pi.n <= 4096);
            if (pi.kind == HW_NN_BN_GAMMA || pi.kind == HW_NN_BN_BETA) {
                for (size_t i = 0; i < pi.n; i++)
                    buf[i] = pi.kind == HW_NN_BN_GAMMA ? sqrt(1 + 1e-5) : 0;
                hw_nn_param_set(bn, p, buf);
                continue;
            }
            hw_nn_param_get(bn, p, 0, buf);
            hw_nn_param_set(plain, q++, buf);
        }
        double x[3 * 64], z1[5], z2[5];
        hw_rng r;
        hw_rng_seed(&r, 9, 0);
        for (int i = 0; i < 3 * 64; i++)
            x[i] = hw_rng_normal(&r);
        hw_nn_set_input(bn, x), hw_nn_set_input(plain, x);
        hw_nn_infer(bn);
        hw_nn_forward(plain);
        hw_nn_logits(bn, z1), hw_nn_logits(plain, z2);
        for (int i = 0; i < 5; i++)
            assert_close(z1[i], z2[i], 1e-12 * (1 + fabs(z2[i])));
        /* the tape run piecewise gives the same logits */
        hw_nn_infer_ops(bn, 0, 5), hw_nn_infer_ops(bn, 5, hw_nn_n_ops(bn));
        hw_nn_logits(bn, z1);
        for (int i = 0; i < 5; i++)
            assert_close(z1[i], z2[i], 1e-12 * (1 + fabs(z2[i])));
        hw_nn_free(bn), hw_nn_free(plain);
    }
}

/* hw_opw_counts against the engine: distinct (stage, cell, edge) cell sites
 * with each op, and one stem / ResBlock / head, in the built network. */
static void test_counts_match_tape(void **state)
{
    (void)state;
    hw_nb201_net net = hw_nb201_default(10);
    for (uint32_t key = 0; key < HW_NB201_N_ARCHS; key += 97) {
        hw_nb201_arch a;
        hw_nb201_from_key(key, &a);
        hw_nn *nn = make(&a, &net, 1);
        double want[HW_OPW_UNITS] = {0}, got[HW_OPW_UNITS];
        int last_cell = -1, last_edge = -1, seen[4] = {0};
        for (int i = 0; i < hw_nn_n_ops(nn); i++) {
            hw_nn_site s;
            hw_nn_op_site(nn, i, &s);
            if (s.part != HW_NN_CELL) {
                int u = s.part == HW_NN_STEM ? 0 : s.part == HW_NN_HEAD ? 3 : s.stage;
                want[u] += !seen[u], seen[u] = 1;
                continue;
            }
            if (s.cell == last_cell && s.edge == last_edge)
                continue; /* the BN of the same conv edge */
            last_cell = s.cell, last_edge = s.edge;
            assert_int_equal(s.op, a.op[s.edge]);
            int k = s.op == HW_OP_SKIP ? 0 : s.op == HW_OP_CONV1 ? 1 : s.op == HW_OP_CONV3 ? 2 : 3;
            want[4 + 4 * s.stage + k] += 1;
        }
        hw_opw_counts(&a, &net, got);
        for (int u = 0; u < HW_OPW_UNITS; u++)
            assert_close(got[u], want[u], 0);
        hw_nn_free(nn);
    }
}

/* A synthetic device: unit u costs 0.01·(u + 1)² ms, end to end is
 * 1.25 · Σ count·cost + 0.3 ms. */
static double syn_cost(int u) { return 0.01 * (u + 1) * (u + 1); }

static int syn_unit(void *ctx, int u, double *ms, hw_err *err)
{
    (void)err;
    (*(int *)ctx)++;
    *ms = syn_cost(u);
    return HW_OK;
}

/* The synthetic network: the fixed units' cost + each edge op's cost times
 * its kind's factor f[k] (skip, conv 1x1, conv 3x3, pool). */
static double syn_network(const hw_nb201_arch *a, const double f[4])
{
    hw_nb201_net net = hw_nb201_default(10);
    double s = syn_cost(0) + syn_cost(1) + syn_cost(2) + syn_cost(3);
    for (int st = 0; st < 3; st++)
        for (int e = 0; e < HW_NB201_EDGES; e++) {
            int k = a->op[e] == HW_OP_SKIP ? 0 : a->op[e] == HW_OP_CONV1 ? 1 : a->op[e] == HW_OP_CONV3 ? 2 : a->op[e] == HW_OP_POOL3 ? 3 : -1;
            if (k >= 0)
                s += net.cells * f[k] * syn_cost(4 + 4 * st + k);
        }
    return s;
}

static int syn_arch(void *ctx, const hw_nb201_arch *a, double *ms, hw_err *err)
{
    static const double ones[4] = {1, 1, 1, 1};
    (void)err;
    (*(int *)ctx)++;
    *ms = 1.25 * syn_network(a, ones) + 0.3;
    return HW_OK;
}

/* A synthetic device whose network runs each op kind at its own factor of the
 * isolated time (skip 2, conv 1x1 1.3, conv 3x3 1.1, pool 0.9) plus 0.05 ms. */
static const double syn_kind[4] = {2.0, 1.3, 1.1, 0.9};

static int syn_arch_kinds(void *ctx, const hw_nb201_arch *a, double *ms, hw_err *err)
{
    (void)err;
    (*(int *)ctx)++;
    *ms = syn_network(a, syn_kind) + 0.05;
    return HW_OK;
}

/* With >= HW_OPW_KIND_MIN_FIT end-to-end archs the per-kind factors and the
 * overhead are recovered exactly and predict every arch; with fewer, the one
 * scale cannot (the kinds' factors differ). */
static void test_per_kind_device_recovered(void **state)
{
    (void)state;
    int calls = 0;
    hw_opw_dev dev = {&calls, syn_unit, syn_arch_kinds};
    hw_opw_model m;
    memset(&m, 0, sizeof m);
    hw_nb201_net net = hw_nb201_default(10);
    hw_err err;
    assert_int_equal(hw_opw_profile(&dev, &net, HW_OPW_KIND_MIN_FIT, 5, &m, &err), 0);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        assert_close(m.kind_scale[k], syn_kind[k], 1e-9);
    assert_close(m.kind_overhead_ms, 0.05, 1e-9);
    double worst = 0, worst_one = 0;
    for (uint32_t key = 0; key < HW_NB201_N_ARCHS; key++) {
        hw_nb201_arch a;
        double truth;
        hw_nb201_from_key(key, &a);
        syn_arch_kinds(&calls, &a, &truth, &err);
        worst = fmax(worst, fabs(hw_opw_predict(&m, &a, &net) - truth) / truth);
        worst_one = fmax(worst_one, fabs(m.scale * hw_opw_sum_ops(&m, &a, &net) + m.overhead_ms - truth) / truth);
    }
    assert_true(worst < 1e-9);
    assert_true(worst_one > 0.05); /* the one-scale form misses by more than 5 % somewhere */
    memset(&m, 0, sizeof m);
    assert_int_equal(hw_opw_profile(&dev, &net, HW_OPW_KIND_MIN_FIT - 1, 5, &m, &err), 0);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        assert_close(m.kind_scale[k], m.scale, 0); /* too few archs: the one scale for every kind */
    /* enough archs, but none with conv 1x1 or pool: the one scale too, not an undetermined 0 */
    m.n_fit = HW_OPW_KIND_MIN_FIT;
    for (int i = 0; i < m.n_fit; i++) {
        hw_nb201_arch a;
        for (int e = 0; e < HW_NB201_EDGES; e++)
            a.op[e] = (uint8_t)((i + 1) >> e & 1 ? HW_OP_CONV3 : HW_OP_SKIP);
        m.fit_key[i] = hw_nb201_key(&a);
        syn_arch_kinds(&calls, &a, &m.fit_ms[i], &err);
    }
    assert_int_equal(hw_opw_fit_overhead(&m, &net, &err), 0);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        assert_close(m.kind_scale[k], m.scale, 0);
}

/* The overhead fit minimises the RMSPE objective sum ((s x + o - y) / y)^2:
 * checked by its optimality conditions (both partial derivatives zero) on
 * noisy fit times, where the absolute least-squares line differs. */
static void test_overhead_fit_is_relative(void **state)
{
    (void)state;
    hw_nb201_net net = hw_nb201_default(10);
    hw_opw_model m;
    memset(&m, 0, sizeof m);
    for (int u = 0; u < HW_OPW_UNITS; u++)
        m.unit_ms[u] = syn_cost(u);
    m.n_fit = 8;
    hw_opw_fit_archs(m.n_fit, 3, m.fit_key);
    const double noise[8] = {1.30, 0.97, 1.02, 0.90, 1.10, 1.00, 0.95, 1.05};
    double x[8];
    for (int i = 0; i < m.n_fit; i++) {
        hw_nb201_arch a;
        hw_nb201_from_key(m.fit_key[i], &a);
        x[i] = hw_opw_sum_ops(&m, &a, &net);
        m.fit_ms[i] = (1.1 * x[i] + 0.05) * noise[i];
    }
    hw_err err;
    assert_int_equal(hw_opw_fit_overhead(&m, &net, &err), 0);
    double gs = 0, go = 0, as = 0, ao = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < m.n_fit; i++) {
        double y = m.fit_ms[i], r = m.scale * x[i] + m.overhead_ms - y;
        gs += r * x[i] / (y * y), go += r / (y * y);
        as += fabs(x[i] / (y * y)), ao += 1 / (y * y);
        sx += x[i], sy += y, sxx += x[i] * x[i], sxy += x[i] * y;
    }
    assert_true(fabs(gs) < 1e-12 * as * (1 + fabs(m.scale)));
    assert_true(fabs(go) < 1e-12 * ao * (1 + fabs(m.overhead_ms)));
    double n = m.n_fit, abs_scale = (sxy / n - sx / n * sy / n) / (sxx / n - sx / n * sx / n);
    assert_true(fabs(abs_scale - m.scale) > 1e-3); /* the weighting matters here */
    m.fit_ms[2] = 0;
    assert_int_equal(hw_opw_fit_overhead(&m, &net, &err), HW_EINPUT);
}

static void test_synthetic_device_recovered(void **state)
{
    (void)state;
    int calls = 0;
    hw_opw_dev dev = {&calls, syn_unit, syn_arch};
    hw_opw_model m;
    memset(&m, 0, sizeof m);
    hw_nb201_net net = hw_nb201_default(10);
    hw_err err;
    assert_int_equal(hw_opw_profile(&dev, &net, 6, 1, &m, &err), 0);
    assert_int_equal(calls, HW_OPW_UNITS + 6);
    assert_int_equal(m.measurements, HW_OPW_UNITS + 6);
    for (int u = 0; u < HW_OPW_UNITS; u++)
        assert_close(m.unit_ms[u], syn_cost(u), 0);
    assert_close(m.scale, 1.25, 1e-12);
    assert_close(m.overhead_ms, 0.3, 1e-10);
    for (uint32_t key = 0; key < HW_NB201_N_ARCHS; key++) {
        hw_nb201_arch a;
        double truth;
        hw_nb201_from_key(key, &a);
        syn_arch(&calls, &a, &truth, &err);
        assert_close(hw_opw_predict(&m, &a, &net), truth, 1e-10 * truth);
    }
    /* the fit archs: all-skip, all-conv3x3 first, then distinct */
    for (int i = 0; i < m.n_fit; i++)
        for (int j = 0; j < i; j++)
            assert_true(m.fit_key[i] != m.fit_key[j]);
    assert_int_equal(m.fit_key[0], 1 * (1 + 5 + 25 + 125 + 625 + 3125));
    assert_int_equal(m.fit_key[1], 3 * (1 + 5 + 25 + 125 + 625 + 3125));
}

/* Samples {5,1,3,2,4}: median 3, q25 2, q75 4 (linear interpolation): spread 2/3. */
static void test_timing_stats(void **state)
{
    (void)state;
    double t[5] = {5, 1, 3, 2, 4}, s[5], med, spread;
    hw_timing_stats(t, 5, s, &med, &spread);
    assert_close(med, 3, 0);
    assert_close(spread, 2.0 / 3, 1e-15);
    double u[4] = {4, 1, 2, 3};
    hw_timing_stats(u, 4, s, &med, &spread);
    assert_close(med, 2.5, 0);
    assert_close(spread, (3.25 - 1.75) / 2.5, 1e-15);
}

typedef struct { int calls; double jitter; } scripted;

static int scripted_sampler(void *ctx, int n, double *out, hw_err *err)
{
    (void)err;
    scripted *s = ctx;
    s->calls++;
    for (int i = 0; i < n; i++)
        out[i] = 1 + s->jitter * (i % 2); /* half at 1, half at 1 + jitter */
    return HW_OK;
}

static void test_spread_rejection(void **state)
{
    (void)state;
    hw_err err;
    hw_timing t;
    scripted noisy = {0, 0.5}, quiet = {0, 0.001};
    assert_int_equal(hw_host_measure(scripted_sampler, &noisy, 8, 2, 0.05, &t, &err), 0);
    assert_int_equal(t.noisy, 1);
    assert_int_equal(t.tries, 3);
    assert_int_equal(noisy.calls, 3);
    assert_true(t.spread > 0.05);
    assert_int_equal(hw_host_measure(scripted_sampler, &quiet, 8, 2, 0.05, &t, &err), 0);
    assert_int_equal(t.noisy, 0);
    assert_int_equal(t.tries, 1);
    assert_int_equal(quiet.calls, 1);
    assert_int_equal(hw_host_measure(scripted_sampler, &quiet, 0, 2, 0.05, &t, &err), HW_EINPUT);
}

static hw_opw_model sample_model(const char *cpu, const char *core, const char *date)
{
    hw_opw_model m;
    memset(&m, 0, sizeof m);
    snprintf(m.device, sizeof m.device, "host_1t");
    m.threads = 1, m.scale = 1.1, m.overhead_ms = -0.02, m.measurements = 24, m.seconds = 3.5, m.canary_ms = 1.4375;
    for (int k = 0; k < HW_OPW_KINDS; k++)
        m.kind_scale[k] = 0.9 + 0.1 * k / 3.0;
    m.kind_overhead_ms = 0.0625;
    for (int u = 0; u < HW_OPW_UNITS; u++)
        m.unit_ms[u] = 0.001 * (u + 1) / 3.0;
    m.n_fit = 2, m.fit_key[0] = 3906, m.fit_key[1] = 11718, m.fit_ms[0] = 0.3, m.fit_ms[1] = 5.7;
    snprintf(m.cpu, sizeof m.cpu, "%s", cpu);
    snprintf(m.blas_core, sizeof m.blas_core, "%s", core);
    snprintf(m.date, sizeof m.date, "%s", date);
    return m;
}

static void test_predictor_file(void **state)
{
    (void)state;
    char path[64];
    test_write_tmp(path, ".txt", "");
    hw_opw_model m = sample_model("Other CPU 9000", "Haswell", "2025-01-10T08:00:00Z"), r[2];
    hw_err err;
    int n;
    assert_int_equal(hw_opw_save(path, &m, 1, &err), 0);
    assert_int_equal(hw_opw_load(path, r, 2, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].device, "host_1t");
    assert_string_equal(r[0].cpu, "Other CPU 9000");
    for (int u = 0; u < HW_OPW_UNITS; u++)
        assert_true(r[0].unit_ms[u] == m.unit_ms[u]); /* %.17g round-trips */
    assert_true(r[0].scale == m.scale && r[0].overhead_ms == m.overhead_ms && r[0].n_fit == 2);
    assert_true(r[0].fit_key[1] == 11718 && r[0].fit_ms[1] == 5.7);
    assert_true(r[0].canary_ms == 1.4375 && r[0].kind_overhead_ms == 0.0625);
    for (int k = 0; k < HW_OPW_KINDS; k++)
        assert_true(r[0].kind_scale[k] == m.kind_scale[k]);
    char msg[512];
    /* foreign CPU: a clear warning naming both */
    assert_int_equal(hw_opw_check(&r[0], "AMD EPYC", "Haswell", "2025-02-01", 180, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "another CPU"));
    assert_non_null(strstr(msg, "Other CPU 9000"));
    assert_non_null(strstr(msg, "AMD EPYC"));
    assert_int_equal(hw_opw_check(&r[0], "Other CPU 9000", "SkylakeX", "2025-02-01", 180, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "OpenBLAS core"));
    assert_int_equal(hw_opw_check(&r[0], "Other CPU 9000", "Haswell", "2025-07-09", 180, msg, sizeof msg), 0);
    assert_int_equal(hw_opw_check(&r[0], "Other CPU 9000", "Haswell", "2025-07-10", 180, msg, sizeof msg), 4);
    assert_non_null(strstr(msg, "stale"));
    /* stale versions and broken files are errors with file:line */
    char p2[64];
    test_write_tmp(p2, ".txt", "format 0\nengine 1\ncpu x\nblas_core y\ndate 2025-01-01\n");
    assert_int_equal(hw_opw_load(p2, r, 2, &n, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, ":1: stale predictor: format version 0"));
    char p3[64];
    test_write_tmp(p3, ".txt", "format 2\nengine 1\ncpu x\nblas_core y\ndate d\ndevice host_1t\nthreads 1\nend\n");
    assert_int_equal(hw_opw_load(p3, r, 2, &n, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, ":8: device block lacks a unit, a kind_scale"));
    char p4[64];
    test_write_tmp(p4, ".txt", "format 2\nengine 1\ncpu x\nblas_core y\ndate d\ndevice host_1t\nthreads 1\ncanary_ms 0\n");
    assert_int_equal(hw_opw_load(p4, r, 2, &n, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, ":8: canary_ms is not positive"));
    remove(path), remove(p2), remove(p3), remove(p4);
}

/* y = {1, 2, 4}, p = {1, 2.125, 3.5}: relative errors 0, 1/16, 1/8 (exact in binary). */
static void test_metrics(void **state)
{
    (void)state;
    double y[4] = {1, 2, 4, NAN}, p[4] = {1, 2.125, 3.5, 7};
    hw_lat_metrics m;
    hw_lat_metrics_of(p, y, 4, &m);
    assert_int_equal(m.n_used, 3);
    assert_close(m.rmse, sqrt((0.015625 + 0.25) / 3), 1e-15);
    assert_close(m.rmspe, 100 * sqrt((1.0 / 256 + 1.0 / 64) / 3), 1e-12);
    assert_close(m.within5, 100.0 / 3, 1e-12);
    assert_close(m.within10, 200.0 / 3, 1e-12);
    assert_close(m.srcc, 1, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bn_eval_kernel),
        cmocka_unit_test(test_infer_matches_bn_free),
        cmocka_unit_test(test_counts_match_tape),
        cmocka_unit_test(test_synthetic_device_recovered),
        cmocka_unit_test(test_overhead_fit_is_relative),
        cmocka_unit_test(test_per_kind_device_recovered),
        cmocka_unit_test(test_timing_stats),
        cmocka_unit_test(test_spread_rejection),
        cmocka_unit_test(test_predictor_file),
        cmocka_unit_test(test_metrics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
