/* NB201 space: arch strings, keys, one-hot, params/FLOPs against methods.md §1
 * and against NAS-Bench-Suite-Zero's independently computed params/flops. */
#include "testutil.h"

#include "hwnas/nb201.h"
#include "hwnas/table.h"

#define IDX0 "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
#define CONV3 "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#define NONE "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"

static void test_roundtrip_all(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < HW_NB201_N_ARCHS; k++) {
        hw_nb201_arch a, b;
        char s[HW_NB201_STR_MAX];
        hw_nb201_from_key(k, &a);
        hw_nb201_format(&a, s);
        assert_int_equal(hw_nb201_parse(s, &b, NULL, 0), 0);
        assert_int_equal(hw_nb201_key(&b), k);
    }
}

static void test_parse_fields(void **state)
{
    (void)state;
    hw_nb201_arch a;
    assert_int_equal(hw_nb201_parse(IDX0, &a, NULL, 0), 0);
    uint8_t want[6] = {HW_OP_POOL3, HW_OP_CONV1, HW_OP_SKIP, HW_OP_CONV1, HW_OP_SKIP, HW_OP_SKIP};
    assert_memory_equal(a.op, want, 6);
    double x[HW_NB201_ONEHOT];
    hw_nb201_onehot(&a, x);
    double sum = 0;
    for (int j = 0; j < HW_NB201_ONEHOT; j++)
        sum += x[j];
    assert_close(sum, 7.0, 0); /* one per edge + constant */
    assert_close(x[0 * 5 + 4], 1.0, 0);
    assert_close(x[1 * 5 + 2], 1.0, 0);
    assert_close(x[30], 1.0, 0);
    assert_int_equal(hw_nb201_conv_edges(&a), 2);
}

/* Dead edges (on no input -> output path) by hand: node 1 unreachable; node 2
 * with no way out; the whole cell cut off; nothing dead. */
static void test_live_edges(void **state)
{
    (void)state;
    static const struct { const char *s; uint8_t live[6]; } cases[] = {
        {"|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|skip_connect~2|",
         {0, HW_OP_CONV3, 0, 0, 0, HW_OP_SKIP}},
        {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|",
         {HW_OP_CONV3, 0, 0, HW_OP_SKIP, HW_OP_CONV1, 0}},
        {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|", {0, 0, 0, 0, 0, 0}},
        {"|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|",
         {HW_OP_SKIP, HW_OP_CONV1, HW_OP_POOL3, HW_OP_CONV3, 0, HW_OP_SKIP}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        hw_nb201_arch a, l;
        assert_int_equal(hw_nb201_parse(cases[c].s, &a, NULL, 0), 0);
        hw_nb201_live(&a, &l);
        assert_memory_equal(l.op, cases[c].live, 6);
        double x[HW_NB201_MPFEAT], n[HW_NB201_MPTIED], want[HW_NB201_MPTIED] = {0};
        hw_nb201_mp_features(&a, x);
        hw_nb201_op_counts(&a, n);
        for (int e = 0; e < 6; e++) {
            assert_close(x[e * 5 + a.op[e]], 1.0, 0);
            assert_close(x[HW_NB201_ONEHOT + e * 5 + cases[c].live[e]], 1.0, 0);
            want[a.op[e]] += 1, want[5 + cases[c].live[e]] += 1;
        }
        double sum = 0;
        for (int j = 0; j < HW_NB201_MPFEAT; j++)
            sum += x[j];
        assert_close(sum, 13.0, 0); /* 6 + constant + 6 */
        for (int j = 0; j < HW_NB201_MPTIED; j++)
            assert_close(n[j], want[j], 0);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "|none~0|", "|none~0|+|none~0|none~1|+|none~0|none~1|",              /* too short */
        "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|",                       /* wrong input node */
        "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|",                       /* unknown op */
        "|none~0||none~0|none~1|+|none~0|none~1|none~2|",                        /* missing + */
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x",                      /* trailing */
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2",                        /* no final | */
        " |none~0|+|none~0|none~1|+|none~0|none~1|none~2|",                      /* leading space */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hw_nb201_arch a;
        char why[200] = "";
        if (hw_nb201_parse(bad[i], &a, why, sizeof why) == 0)
            fail_msg("accepted bad arch string '%s'", bad[i]);
        assert_true(strlen(why) > 0);
    }
}

/* methods.md §1 reference values (CIFAR-10, 10 classes). */
static void test_params_flops_reference(void **state)
{
    (void)state;
    struct { const char *s; double params, flops; } ref[] = {
        {IDX0, 129306, 15647370}, {CONV3, 1531546, 220119690}, {NONE, 73306, 7783050}};
    hw_nb201_net net = hw_nb201_default(10);
    for (int i = 0; i < 3; i++) {
        hw_nb201_arch a;
        assert_int_equal(hw_nb201_parse(ref[i].s, &a, NULL, 0), 0);
        assert_close(hw_nb201_params(&a, &net), ref[i].params, 0);
        assert_close(hw_nb201_flops(&a, &net), ref[i].flops, 0);
    }
}

/* all-none by hand: stem 27*16+32 = 464; ResBlock 16->32: 9*16*32+64 + 9*32*32+64 + 16*32 = 14464;
 * ResBlock 32->64: 18432+128+36864+128+2048 = 57600; last BN 128; linear 64*100+100 = 6500. */
static void test_params_100_classes(void **state)
{
    (void)state;
    hw_nb201_arch a;
    hw_nb201_net net = hw_nb201_default(100);
    assert_int_equal(hw_nb201_parse(NONE, &a, NULL, 0), 0);
    assert_close(hw_nb201_params(&a, &net), 464 + 14464 + 57600 + 128 + 6500, 0);
}

/* NASLib's counter adds element-wise work that the NB201 API does not count:
 * ReLU (1) + BN (2) per output element of every conv edge, 9 per element of
 * every 3x3 avg-pool edge. An edge's map has 32*32*16 = 16384, 16*16*32 = 8192
 * and 8*8*64 = 4096 elements in stages 1-3, 5 cells per stage. */
static double naslib_elementwise(const hw_nb201_arch *a)
{
    double per = 0;
    for (int e = 0; e < HW_NB201_EDGES; e++)
        per += a->op[e] == HW_OP_POOL3 ? 9.0 : hw_nb201_conv_edges(&(hw_nb201_arch){{a->op[e]}}) ? 3.0 : 0.0;
    return per * (16384.0 + 8192.0 + 4096.0) * 5;
}

/* NAS-Bench-Suite-Zero's params (M) and flops (MFLOPs) columns, 6 decimals.
 * params must be equal; flops must differ from ours + the element-wise work
 * above by one architecture-independent constant (the skeleton's BN/ReLU/pool
 * work, the same for every arch), which checks every per-op FLOPs term. */
static void test_against_naslib(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/nb201/zc_reference_cifar10.csv", test_data_dir());
    FILE *probe = fopen(path, "r");
    if (!probe)
        skip();
    fclose(probe);
    hw_table t = {0};
    hw_err err = {0};
    assert_int_equal(hw_table_load(path, hw_nb201_key_fn, &t, &err), 0);
    int cp = hw_table_col(&t, "params"), cf = hw_table_col(&t, "flops");
    assert_true(cp >= 0 && cf >= 0);
    hw_nb201_net net = hw_nb201_default(10);
    size_t checked = 0;
    double worst_p = 0, cmin = INFINITY, cmax = -INFINITY;
    for (size_t r = 0; r < t.n_rows; r++) {
        double p = t.val[r * t.n_cols + (size_t)cp], f = t.val[r * t.n_cols + (size_t)cf];
        if (isnan(p) || isnan(f))
            continue;
        hw_nb201_arch a;
        hw_nb201_from_key(t.key[r], &a);
        worst_p = fmax(worst_p, fabs(hw_nb201_params(&a, &net) / 1e6 - p));
        double rest = f - (hw_nb201_flops(&a, &net) + naslib_elementwise(&a)) / 1e6;
        cmin = fmin(cmin, rest), cmax = fmax(cmax, rest);
        checked++;
    }
    printf("checked %zu archs: worst |params - ref| = %.3g M; flops - ours - elementwise in [%.6f, %.6f] MFLOPs\n",
           checked, worst_p, cmin, cmax);
    assert_int_equal(checked, 724);
    assert_true(worst_p <= 5e-7);
    assert_true(cmax - cmin <= 1e-6);
    hw_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_all),     cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_parse_errors),      cmocka_unit_test(test_live_edges),      cmocka_unit_test(test_params_flops_reference),
        cmocka_unit_test(test_params_100_classes), cmocka_unit_test(test_against_naslib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
