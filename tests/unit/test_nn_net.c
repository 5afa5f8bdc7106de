/* test_nn_net.c - the NB201 network's structure against methods.md §1 and the
 * independent analytic costs of src/space/nb201.c: conv/linear layer count
 * 15·k + 8 for every arch, parameter count and MACs, ReLU sites; exact-zero
 * gradients of layers fed only through `none`; seeded determinism. */
#include "testutil.h"

#include "hwnas/nn.h"
#include "hwnas/rng.h"

static hw_nn *make(const char *arch, hw_nb201_net net, int batch, hw_nn_prec prec)
{
    hw_nb201_arch a;
    assert_int_equal(hw_nb201_parse(arch, &a, NULL, 0), 0);
    hw_nn_cfg cfg = {batch, 1, prec};
    hw_nn *nn = NULL;
    hw_err err;
    if (hw_nn_create(&a, &net, &cfg, NULL, &nn, &err))
        fail_msg("hw_nn_create: %s", err.msg);
    return nn;
}

static double total_params(const hw_nn *nn)
{
    double s = 0;
    for (int p = 0; p < hw_nn_n_params(nn); p++) {
        hw_nn_param_info pi;
        hw_nn_param(nn, p, &pi);
        s += (double)pi.n;
    }
    return s;
}

/* Every arch: layers = 15k + 8, ReLUs = 15k + 5, params and FLOPs as the API. */
static void test_counts_all_archs(void **state)
{
    (void)state;
    hw_nb201_net net = hw_nb201_default(10);
    hw_nn_ws ws = {0}; /* one arena for all 15,625 networks */
    for (uint32_t key = 0; key < HW_NB201_N_ARCHS; key++) {
        hw_nb201_arch a;
        hw_nb201_from_key(key, &a);
        hw_nn_cfg cfg = {1, 1, HW_NN_F32};
        hw_nn *nn;
        hw_err err;
        assert_int_equal(hw_nn_create(&a, &net, &cfg, &ws, &nn, &err), 0);
        int k = hw_nb201_conv_edges(&a);
        assert_int_equal(hw_nn_n_layers(nn), 15 * k + 8);
        assert_int_equal(hw_nn_n_relus(nn), 15 * k + 5);
        assert_close(total_params(nn), hw_nb201_params(&a, &net), 0);
        assert_close(hw_nn_macs(nn) + net.classes, hw_nb201_flops(&a, &net), 1e-6); /* API adds the bias adds */
        hw_nn_free(nn);
    }
    hw_nn_ws_free(&ws);
}

/* Other skeletons: 3·N·k + 8 layers; published params of methods.md §1. */
static void test_counts_skeletons(void **state)
{
    (void)state;
    hw_nb201_net small = {{8, 16, 32}, 2, 16, 120};
    hw_nn *nn = make("|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|", small,
                     2, HW_NN_F64);
    assert_int_equal(hw_nn_n_layers(nn), 3 * 2 * 3 + 8);
    hw_nn_layer l;
    hw_nn_layer_get(nn, hw_nn_n_layers(nn) - 1, &l);
    assert_int_equal(l.in_c, 32), assert_int_equal(l.out_c, 120), assert_int_equal(l.out_h, 1);
    hw_nn_layer_get(nn, 0, &l); /* the stem */
    assert_int_equal(l.in_c, 3), assert_int_equal(l.out_c, 8), assert_int_equal(l.out_h, 16);
    hw_nn_free(nn);
    nn = make("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", hw_nb201_default(10), 1, HW_NN_F32);
    assert_close(total_params(nn) / 1e6, 0.073306, 1e-6);
    hw_nn_free(nn);
}

static double *input(int batch, int side, uint64_t seed)
{
    size_t n = (size_t)batch * 3 * side * side;
    double *x = malloc(n * sizeof *x);
    hw_rng r;
    hw_rng_seed(&r, seed, 0);
    for (size_t i = 0; i < n; i++)
        x[i] = hw_rng_normal(&r);
    return x;
}

/* Forward + CE backward with labels 0, 1, 2, ... */
static void run(hw_nn *nn, const double *x, double *logits)
{
    int y[16];
    for (int i = 0; i < 16; i++)
        y[i] = i % 10;
    hw_nn_set_input(nn, x);
    hw_nn_forward(nn);
    hw_nn_logits(nn, logits);
    hw_nn_ce_grad(nn, y);
    hw_nn_backward(nn);
}

static double max_abs_grad(const hw_nn *nn, int p)
{
    hw_nn_param_info pi;
    hw_nn_param(nn, p, &pi);
    double *g = malloc(pi.n * sizeof *g), m = 0;
    hw_nn_param_get(nn, p, 1, g);
    for (size_t i = 0; i < pi.n; i++)
        m = fmax(m, fabs(g[i]));
    free(g);
    return m;
}

/* Cell: conv3 on 0->1 feeds only `none` edges; node 2 is all `none` so the
 * conv1 on 2->3 sees a zero input: both get exactly zero weight gradients. */
static void test_none_fed_layers_zero(void **state)
{
    (void)state;
    hw_nb201_net net = {{4, 8, 8}, 2, 8, 10};
    hw_nn *nn = make("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|", net, 4, HW_NN_F32);
    hw_nn_init(nn, HW_INIT_TORCH, 1, 2);
    double *x = input(4, 8, 3), logits[40];
    run(nn, x, logits);
    /* layers: stem 0; cells 1-4; ResBlock 5-7; cells 8-11; ResBlock 12-14;
     * cells 15-18; classifier 19. Every cell layer is none-fed here. */
    assert_int_equal(hw_nn_n_layers(nn), 20);
    for (int l = 0; l < 20; l++) {
        hw_nn_layer ly;
        hw_nn_layer_get(nn, l, &ly);
        int cell = (l >= 1 && l <= 4) || (l >= 8 && l <= 11) || (l >= 15 && l <= 18);
        double m = max_abs_grad(nn, ly.param);
        if (cell ? m != 0 : !(m > 0))
            fail_msg("layer %d: max |grad| %g, expected %s", l, m, cell ? "exactly 0" : "> 0");
    }
    hw_nn_free(nn);
    free(x);
}

/* Same seed: bit-identical logits and gradients; another stream: different. */
static void test_determinism(void **state)
{
    (void)state;
    const char *arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|";
    hw_nb201_net net = {{4, 8, 8}, 1, 16, 10};
    double *x = input(3, 16, 9), l1[30], l2[30], l3[30];
    for (int prec = 0; prec <= 1; prec++) {
        hw_nn *a = make(arch, net, 3, (hw_nn_prec)prec), *b = make(arch, net, 3, (hw_nn_prec)prec);
        hw_nn_init(a, HW_INIT_TORCH, 42, 7);
        hw_nn_init(b, HW_INIT_TORCH, 42, 7);
        run(a, x, l1);
        run(b, x, l2);
        run(a, x, l3); /* a second pass over the same network changes nothing */
        assert_memory_equal(l1, l2, sizeof l1);
        assert_memory_equal(l1, l3, sizeof l1);
        hw_nn_init(b, HW_INIT_TORCH, 42, 8);
        run(b, x, l2);
        assert_true(memcmp(l1, l2, sizeof l1) != 0);
        hw_nn_free(a), hw_nn_free(b);
    }
    free(x);
}

/* Init statistics: U(±1/√fan_in) and N(0, 2/fan_in) per layer; BN γ=1, β=0. */
static void test_init_schemes(void **state)
{
    (void)state;
    hw_nn *nn = make("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                     hw_nb201_default(10), 1, HW_NN_F64);
    for (int s = 0; s <= 1; s++) {
        hw_nn_init(nn, (hw_nn_init_scheme)s, 1, 1);
        for (int p = 0; p < hw_nn_n_params(nn); p++) {
            hw_nn_param_info pi;
            hw_nn_param(nn, p, &pi);
            double *w = malloc(pi.n * sizeof *w), mx = 0, sq = 0;
            hw_nn_param_get(nn, p, 0, w);
            for (size_t i = 0; i < pi.n; i++)
                mx = fmax(mx, fabs(w[i])), sq += w[i] * w[i];
            double b = 1 / sqrt(pi.fan_in ? pi.fan_in : 1), var = sq / (double)pi.n;
            if (pi.kind == HW_NN_BN_GAMMA)
                assert_close(mx, 1, 0);
            else if (pi.kind == HW_NN_BN_BETA)
                assert_close(mx, 0, 0);
            else if (pi.kind == HW_NN_LINEAR_B || s == HW_INIT_TORCH) {
                assert_true(mx <= b);
                if (pi.n > 1000)
                    assert_close(var, b * b / 3, 0.1 * b * b / 3);
            } else if (pi.n > 1000) {
                assert_close(var, 2.0 / pi.fan_in, 0.1 * 2.0 / pi.fan_in);
            }
            free(w);
        }
    }
    hw_nn_free(nn);
}

static void test_bad_config(void **state)
{
    (void)state;
    hw_nb201_arch a = {{0}};
    hw_nb201_net net = hw_nb201_default(10);
    hw_nn_cfg cfg = {0, 1, HW_NN_F32};
    hw_nn *nn = (hw_nn *)&a;
    hw_err err;
    assert_int_equal(hw_nn_create(&a, &net, &cfg, NULL, &nn, &err), HW_EINPUT);
    assert_null(nn);
    assert_non_null(strstr(err.msg, "batch"));
    cfg.batch = 1;
    net.input_hw = 30;
    assert_int_equal(hw_nn_create(&a, &net, &cfg, NULL, &nn, &err), HW_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_all_archs),
        cmocka_unit_test(test_counts_skeletons),
        cmocka_unit_test(test_none_fed_layers_zero),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_init_schemes),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
