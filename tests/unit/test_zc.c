/* test_zc.c - the zero-shot proxies: ZiCo's statistic on gradients computed by
 * hand, -INFINITY for degenerate archs, seeded determinism, ZiCo-BC's beta and
 * map options, argument checks, and SynFlow's Euler identity (with BN removed
 * and |w|, R − Σ bias is linear in the stem's and in the classifier's weights,
 * so both layers' Σ w·∂R/∂w equal it). PyTorch agreement: test_golden.c. */
#include "testutil.h"

#include "hwnas/rng.h"
#include "hwnas/zeroshot.h"

#define ARCH "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"

/* Two layers of 3 and 2 elements plus an all-zero layer, N = 2 batches.
 * layer 0: k0 g = (1, 3): mu 2, sigma 1 -> 2; k1 (2, 2): sigma 0, skipped;
 *          k2 (0, 0) skipped: S0 = 2.
 * layer 1: k0 (-1, 1): mu 1, sigma 1 -> 1; k1 (4, 0): mu 2, sigma 2 -> 1: S1 = 2.
 * layer 2: zeros: S2 = 0, skipped. ZiCo = 2 ln 2; BC sum = t0 + t1. */
static void test_zico_stat_by_hand(void **state)
{
    (void)state;
    const double g1[] = {1, 2, 0, -1, 4, 0, 0}, g2[] = {3, 2, 0, 1, 0, 0, 0};
    const double *g[2] = {g1, g2};
    const size_t n[3] = {3, 2, 2};
    const double t[3] = {1, 10, 100};
    double bc = -1;
    assert_close(hw_zc_zico_stat(g, 2, n, 3, t, &bc), 2 * log(2.0), 1e-15);
    assert_close(bc, 11, 0);
    /* N = 3: g = (1, 2, 3): mu 2, population sigma sqrt(2/3) -> sqrt(6) */
    const double a[] = {1}, b[] = {2}, c[] = {3};
    const double *g3[3] = {a, b, c};
    const size_t n1[1] = {1};
    assert_close(hw_zc_zico_stat(g3, 3, n1, 1, NULL, NULL), log(sqrt(6.0)), 1e-15);
    /* every layer constant across batches: no S_l != 0, the defined lowest score */
    const double *same[2] = {g1, g1};
    assert_true(hw_zc_zico_stat(same, 2, n, 3, t, &bc) == -INFINITY);
    assert_close(bc, 0, 0);
}

static void test_degenerate_rule(void **state)
{
    (void)state;
    const char *deg[] = {
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|none~1|none~2|",
        "|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|skip_connect~2|", /* nodes 1, 2 unreached */
    };
    const char *ok[] = {
        "|skip_connect~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|", /* 0 -> 1 -> 3 */
        "|none~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|nor_conv_1x1~2|", /* 0 -> 2 -> 3 */
        ARCH,
    };
    hw_nb201_arch a;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(hw_nb201_parse(deg[i], &a, NULL, 0), 0);
        assert_int_equal(hw_zc_degenerate(&a), 1);
        assert_int_equal(hw_nb201_parse(ok[i], &a, NULL, 0), 0);
        assert_int_equal(hw_zc_degenerate(&a), 0);
    }
}

typedef struct {
    hw_nb201_net net;
    hw_zc_data d;
    hw_zc_opts o;
} env;

/* A small skeleton and 2 batches of 6 random images with labels, no files. */
static void env_make(env *e, hw_nn_prec prec)
{
    hw_nb201_net net = {{4, 8, 8}, 1, 8, 10};
    e->net = net;
    size_t per = 3 * 8 * 8, ni = 12;
    e->d.n_batches = 2, e->d.batch = 6, e->d.side = 8, e->d.classes = 10;
    e->d.x = malloc(ni * per * sizeof(double));
    e->d.y = malloc(ni * sizeof(int));
    hw_rng r;
    hw_rng_seed(&r, 5, 5);
    for (size_t i = 0; i < ni * per; i++)
        e->d.x[i] = hw_rng_normal(&r);
    for (size_t i = 0; i < ni; i++)
        e->d.y[i] = (int)hw_rng_below(&r, 10);
    hw_zc_opts_default(&e->o);
    e->o.batch_size = 6, e->o.prec = prec;
}

static void env_free(env *e)
{
    free(e->d.x);
    free(e->d.y);
}

typedef int (*zc_fn)(const hw_nb201_arch *, const hw_nb201_net *, const hw_zc_data *, const hw_zc_opts *, uint64_t,
                     double *, hw_err *);

static const zc_fn ALL[] = {hw_zc_zico, hw_zc_zico_bc, hw_zc_naswot, hw_zc_synflow, hw_zc_grad_norm, hw_zc_snip};
static const char *const NAMES[] = {"zico", "zico_bc", "naswot", "synflow", "grad_norm", "snip"};

static double run(zc_fn f, const char *arch, const env *e, uint64_t seed)
{
    hw_nb201_arch a;
    assert_int_equal(hw_nb201_parse(arch, &a, NULL, 0), 0);
    double s = NAN;
    hw_err err;
    if (f(&a, &e->net, &e->d, &e->o, seed, &s, &err))
        fail_msg("%s", err.msg);
    return s;
}

static void test_degenerate_scores(void **state)
{
    (void)state;
    env e;
    env_make(&e, HW_NN_F32);
    for (int i = 0; i < 6; i++) {
        double s = run(ALL[i], "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|none~1|none~2|", &e, 1);
        if (s != -INFINITY)
            fail_msg("%s of a degenerate arch: %g, expected -inf", NAMES[i], s);
        s = run(ALL[i], ARCH, &e, 1);
        if (!isfinite(s))
            fail_msg("%s of a normal arch: %g, expected finite", NAMES[i], s);
    }
    env_free(&e);
}

/* Same (seed, arch, data): bit-identical; another seed: another score. */
static void test_determinism(void **state)
{
    (void)state;
    for (int prec = 0; prec <= 1; prec++) {
        env e;
        env_make(&e, (hw_nn_prec)prec);
        for (int i = 0; i < 6; i++) {
            double a = run(ALL[i], ARCH, &e, 77), b = run(ALL[i], ARCH, &e, 77), c = run(ALL[i], ARCH, &e, 78);
            assert_memory_equal(&a, &b, sizeof a);
            if (a == c && i != 2) /* NASWOT's codes may coincide at this size */
                fail_msg("%s: seeds 77 and 78 give the same score %g", NAMES[i], a);
        }
        env_free(&e);
    }
}

/* ZiCo-BC is linear in beta with ZiCo at beta = 0; input and output maps
 * differ; float32 and float64 engines agree on ZiCo to float32 noise. */
static void test_zico_bc_options(void **state)
{
    (void)state;
    env e;
    env_make(&e, HW_NN_F64);
    double z = run(hw_zc_zico, ARCH, &e, 3), b1 = run(hw_zc_zico_bc, ARCH, &e, 3);
    e.o.bc_beta = 0;
    assert_close(run(hw_zc_zico_bc, ARCH, &e, 3), z, 1e-12 * fabs(z));
    e.o.bc_beta = 2;
    assert_close(run(hw_zc_zico_bc, ARCH, &e, 3) - z, 2 * (b1 - z), 1e-9 * fabs(z));
    e.o.bc_beta = 1, e.o.bc_map = HW_ZC_BC_INPUT;
    assert_true(fabs(run(hw_zc_zico_bc, ARCH, &e, 3) - b1) > 1e-6);
    e.o.prec = HW_NN_F32;
    assert_close(run(hw_zc_zico, ARCH, &e, 3), z, 1e-3 * fabs(z));
    env_free(&e);
}

/* A workspace reused across archs (left dirty by a bigger network) gives the
 * same bits as a fresh arena, in both precisions and every proxy. */
static void test_workspace_reuse(void **state)
{
    (void)state;
    const char *big = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
    for (int prec = 0; prec <= 1; prec++) {
        env e;
        env_make(&e, (hw_nn_prec)prec);
        hw_nn_ws ws = {0};
        for (int i = 0; i < 6; i++) {
            double fresh = run(ALL[i], ARCH, &e, 4);
            e.o.ws = &ws;
            run(ALL[i], big, &e, 5);
            double reused = run(ALL[i], ARCH, &e, 4);
            e.o.ws = NULL;
            if (memcmp(&fresh, &reused, sizeof fresh) != 0)
                fail_msg("%s: fresh arena %.17g, reused workspace %.17g", NAMES[i], fresh, reused);
        }
        assert_non_null(ws.mem);
        hw_nn_ws_free(&ws);
        env_free(&e);
    }
}

/* hw_zc_all gives each single proxy's bits (with and without a workspace). */
static void test_all_matches_single(void **state)
{
    (void)state;
    for (int prec = 0; prec <= 1; prec++) {
        env e;
        env_make(&e, (hw_nn_prec)prec);
        hw_nn_ws ws = {0};
        hw_nb201_arch a;
        hw_nb201_parse(ARCH, &a, NULL, 0);
        for (int use_ws = 0; use_ws <= 1; use_ws++) {
            hw_zc_scores all;
            hw_err err;
            e.o.ws = use_ws ? &ws : NULL;
            assert_int_equal(hw_zc_all(&a, &e.net, &e.d, &e.o, 6, &all, &err), 0);
            const double got[6] = {all.zico, all.zico_bc, all.naswot, all.synflow, all.grad_norm, all.snip};
            for (int i = 0; i < 6; i++) {
                double one = run(ALL[i], ARCH, &e, 6);
                if (memcmp(&one, &got[i], sizeof one) != 0)
                    fail_msg("%s: hw_zc_all %.17g, single call %.17g", NAMES[i], got[i], one);
            }
        }
        hw_nb201_parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", &a, NULL, 0);
        hw_zc_scores deg;
        hw_err err;
        assert_int_equal(hw_zc_all(&a, &e.net, &e.d, &e.o, 6, &deg, &err), 0);
        assert_true(deg.zico == -INFINITY && deg.zico_bc == -INFINITY && deg.naswot == -INFINITY &&
                    deg.synflow == -INFINITY && deg.grad_norm == -INFINITY && deg.snip == -INFINITY);
        e.o.ws = NULL;
        hw_nn_ws_free(&ws);
        env_free(&e);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    env e;
    env_make(&e, HW_NN_F32);
    hw_nb201_arch a;
    hw_nb201_parse(ARCH, &a, NULL, 0);
    double s;
    hw_err err;
    e.o.batch_size = 64;
    assert_int_equal(hw_zc_zico(&a, &e.net, &e.d, &e.o, 1, &s, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "batch_size 64"));
    e.o.batch_size = 6, e.o.n_batches = 3;
    assert_int_equal(hw_zc_zico(&a, &e.net, &e.d, &e.o, 1, &s, &err), HW_EINPUT);
    e.o.n_batches = 2, e.net.input_hw = 16;
    assert_int_equal(hw_zc_naswot(&a, &e.net, &e.d, &e.o, 1, &s, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "8x8"));
    assert_int_equal(hw_zc_grad_norm(&a, &e.net, NULL, &e.o, 1, &s, &err), HW_EINPUT);
    env_free(&e);
}

/* Per-layer Σ w·g of layer l of nn. */
static double layer_wg(const hw_nn *nn, int l)
{
    hw_nn_layer ly;
    hw_nn_param_info pi;
    hw_nn_layer_get(nn, l, &ly);
    hw_nn_param(nn, ly.param, &pi);
    double *w = malloc(pi.n * sizeof *w), *g = malloc(pi.n * sizeof *g), s = 0;
    hw_nn_param_get(nn, ly.param, 0, w);
    hw_nn_param_get(nn, ly.param, 1, g);
    for (size_t i = 0; i < pi.n; i++)
        s += w[i] * g[i];
    free(w), free(g);
    return s;
}

static void test_synflow_euler(void **state)
{
    (void)state;
    hw_nb201_arch a;
    hw_nb201_parse(ARCH, &a, NULL, 0);
    hw_nb201_net net = {{4, 8, 8}, 2, 16, 10};
    hw_nn_cfg cfg = {1, 0, HW_NN_F64};
    hw_nn *nn;
    hw_err err;
    assert_int_equal(hw_nn_create(&a, &net, &cfg, NULL, &nn, &err), 0);
    hw_nn_init(nn, HW_INIT_TORCH, 9, hw_nb201_key(&a));
    hw_nn_abs_params(nn);
    double x[3 * 16 * 16], z[10], bias[10], r = 0;
    for (int i = 0; i < 3 * 16 * 16; i++)
        x[i] = 1;
    hw_nn_set_input(nn, x);
    hw_nn_forward(nn);
    hw_nn_logits(nn, z);
    hw_nn_param_get(nn, hw_nn_n_params(nn) - 1, 0, bias);
    for (int k = 0; k < 10; k++)
        r += z[k] - bias[k];
    hw_nn_sum_grad(nn);
    hw_nn_backward(nn);
    assert_close(layer_wg(nn, 0), r, 1e-12 * r);
    assert_close(layer_wg(nn, hw_nn_n_layers(nn) - 1), r, 1e-12 * r);
    hw_nn_free(nn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zico_stat_by_hand),
        cmocka_unit_test(test_degenerate_rule),
        cmocka_unit_test(test_degenerate_scores),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_zico_bc_options),
        cmocka_unit_test(test_workspace_reuse),
        cmocka_unit_test(test_all_matches_single),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_synflow_euler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
