/* test_sgd_step.c - the engine's step-by-step API and the asynchronous-SGD
 * worker model built on it: (1) gradients read right after a parameter's
 * backward step are bit-identical to the final ones of hw_nn_backward, every
 * parameter belongs to exactly one step, logits and loss are identical;
 * (2) the op/dependency/tensor model on hand-derived cases (a cell of skip
 * edges; a conv edge no gradient reaches); (3) the throughput window, the SGD
 * update and the median on hand-computed numbers. */
#include "testutil.h"

#include "hwnas/latency.h"
#include "hwnas/nn.h"
#include "hwnas/rng.h"
#include "hwnas/sgd_profile.h"
#include "hwnas/sgd_ps.h"

static const hw_nb201_net SMALL = {{4, 8, 16}, 1, 8, 10};

static hw_nn *make(const char *arch, int batch, hw_nn_prec prec)
{
    hw_nb201_arch a;
    assert_int_equal(hw_nb201_parse(arch, &a, NULL, 0), 0);
    hw_nn_cfg cfg = {batch, 1, prec};
    hw_nn *nn = NULL;
    hw_err err;
    if (hw_nn_create(&a, &SMALL, &cfg, NULL, &nn, &err))
        fail_msg("hw_nn_create: %s", err.msg);
    hw_nn_init(nn, HW_INIT_TORCH, 7, 0);
    return nn;
}

static double *input(int batch, int *y)
{
    int n = batch * 3 * SMALL.input_hw * SMALL.input_hw;
    double *x = malloc((size_t)n * sizeof *x);
    hw_rng r;
    hw_rng_seed(&r, 11, 0);
    for (int i = 0; i < n; i++)
        x[i] = hw_rng_normal(&r);
    for (int b = 0; b < batch; b++)
        y[b] = b % SMALL.classes;
    return x;
}

static size_t offsets(const hw_nn *nn, size_t *off)
{
    size_t total = 0;
    for (int p = 0; p < hw_nn_n_params(nn); p++) {
        hw_nn_param_info pi;
        hw_nn_param(nn, p, &pi);
        off[p] = total;
        total += pi.n;
    }
    return total;
}

/* The step API against hw_nn_forward / hw_nn_backward, for one arch and precision. */
static void check_steps(const char *arch, hw_nn_prec prec)
{
    int B = 3, y[3];
    double *x = input(B, y);
    hw_nn *nn = make(arch, B, prec);
    int np = hw_nn_n_params(nn), ns = hw_nn_n_steps(nn);
    size_t off[512];
    assert_true(np <= 512);
    size_t total = offsets(nn, off);
    double *ref = calloc(total, sizeof *ref), *got = calloc(total, sizeof *got);
    double zr[30], zg[30];

    hw_nn_set_input(nn, x);
    hw_nn_forward(nn);
    hw_nn_logits(nn, zr);
    double lr = hw_nn_ce_grad(nn, y);
    hw_nn_backward(nn);
    for (int p = 0; p < np; p++)
        hw_nn_param_get(nn, p, 1, ref + off[p]);

    int *owner = calloc(np > 0 ? (size_t)np : 1, sizeof *owner);
    for (int p = 0; p < np; p++)
        owner[p] = -1;
    hw_nn_set_input(nn, x);
    hw_nn_forward_begin(nn);
    for (int s = 0; s < ns; s++)
        hw_nn_forward_step(nn, s);
    hw_nn_logits(nn, zg);
    assert_memory_equal(zr, zg, (size_t)B * SMALL.classes * sizeof *zr);
    double lg = hw_nn_ce_grad(nn, y);
    assert_memory_equal(&lr, &lg, sizeof lr);
    hw_nn_backward_begin(nn);
    for (int s = ns - 1; s >= 0; s--) {
        hw_nn_step st;
        hw_nn_step_get(nn, s, &st);
        hw_nn_backward_step(nn, s);
        for (int p = st.p0; p < st.p0 + st.np; p++) { /* final right now */
            assert_int_equal(owner[p], -1);
            owner[p] = s;
            hw_nn_param_get(nn, p, 1, got + off[p]);
        }
    }
    for (int p = 0; p < np; p++) {
        if (owner[p] < 0)
            fail_msg("%s: parameter %d belongs to no step", arch, p);
        hw_nn_param_info pi;
        hw_nn_param(nn, p, &pi);
        if (memcmp(ref + off[p], got + off[p], pi.n * sizeof *ref))
            fail_msg("%s: parameter %d (step %d): gradient read after its step differs from hw_nn_backward's", arch,
                     p, owner[p]);
    }

    /* hw_sgd_step_run: same loss and gradients */
    double ls = hw_sgd_step_run(nn, x, y, NULL);
    assert_memory_equal(&lr, &ls, sizeof lr);
    for (int p = 0; p < np; p++) {
        hw_nn_param_get(nn, p, 1, got + off[p]);
        hw_nn_param_info pi;
        hw_nn_param(nn, p, &pi);
        assert_memory_equal(ref + off[p], got + off[p], pi.n * sizeof *ref);
    }
    free(owner), free(ref), free(got), free(x);
    hw_nn_free(nn);
}

static void test_steps_equal_plain(void **state)
{
    (void)state;
    const char *archs[] = {
        "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
        "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|",
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|"};
    for (size_t i = 0; i < sizeof archs / sizeof *archs; i++) {
        check_steps(archs[i], HW_NN_F32);
        check_steps(archs[i], HW_NN_F64);
    }
}

static int has_deps(const hw_sgd_op *o, int n, const int *want)
{
    if (o->n_deps != n)
        return 0;
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int j = 0; j < n; j++)
            found |= o->deps[j] == want[i];
        if (!found)
            return 0;
    }
    return 1;
}

#define EXPECT_DEPS(t, op, ...)                                                                      \
    do {                                                                                             \
        int w_[] = {__VA_ARGS__};                                                                    \
        if (!has_deps(&(t).ops[op], (int)(sizeof w_ / sizeof *w_), w_))                              \
            fail_msg("op %d (%s): unexpected deps (%d of them)", op, (t).ops[op].name, (t).ops[op].n_deps); \
    } while (0)

/* One cell of skip edges after the stem: s0 = stem conv+BN writes x;
 * s1: n1 = x; s2: n2 = x; s3: n2 += n1; s4: n3 = n2 (none edges into n3 but one). */
static void test_model_skip_cell(void **state)
{
    (void)state;
    hw_nn *nn = make("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|none~0|none~1|skip_connect~2|", 2,
                     HW_NN_F32);
    hw_sgd_trace t;
    hw_err err;
    assert_int_equal(hw_sgd_model(nn, &t, &err), 0);
    assert_int_equal(hw_sgd_trace_check(&t, NULL, &err), 0);
    int ns = hw_nn_n_steps(nn), bwd[256];
    assert_int_equal(hw_sgd_op_layout(nn, bwd), t.n_ops);
    assert_string_equal(t.ops[0].name, "fwd 0 conv_bn");
    for (int s = 1; s <= 4; s++) {
        char name[32];
        snprintf(name, sizeof name, "fwd %d add", s);
        assert_string_equal(t.ops[s].name, name);
    }
    assert_int_equal(t.ops[0].n_deps, 0);
    EXPECT_DEPS(t, 1, 0);
    EXPECT_DEPS(t, 2, 0);
    EXPECT_DEPS(t, 3, 1, 2); /* reads n1 (s1), accumulates into n2 (s2) */
    EXPECT_DEPS(t, 4, 2, 3); /* reads n2, written by s2 and s3 */
    assert_string_equal(t.ops[ns].name, "loss");
    EXPECT_DEPS(t, ns, ns - 1);
    /* every step is live here; backward runs s = ns-1 .. 0 */
    for (int s = 0; s < ns; s++)
        assert_int_equal(bwd[s], ns + 1 + (ns - 1 - s));
    assert_int_equal(t.ops[bwd[0]].phase, HW_SGD_BWD);
    EXPECT_DEPS(t, bwd[4], bwd[5], bwd[7]); /* n3 is read by the ResBlock: conv_a (s5), pool (s7) */
    EXPECT_DEPS(t, bwd[3], bwd[4]);
    EXPECT_DEPS(t, bwd[2], bwd[4]);
    EXPECT_DEPS(t, bwd[1], bwd[3]);
    EXPECT_DEPS(t, bwd[0], bwd[1], bwd[2]);
    EXPECT_DEPS(t, bwd[ns - 1], ns); /* the classifier: only the loss */
    /* stem tensors: conv w (3·4·3·3 floats), gamma, beta (4 floats) */
    assert_int_equal(t.tensors[0].bytes, 4 * 4 * 3 * 3 * 3);
    assert_int_equal(t.tensors[1].bytes, 16);
    for (int p = 0; p < 3; p++) {
        assert_int_equal(t.tensors[p].fwd_op, 0);
        assert_int_equal(t.tensors[p].grad_op, t.n_ops - 1);
    }
    assert_string_equal(t.tensors[1].name, "p1 bn_gamma");
    hw_sgd_trace_free(&t);
    hw_nn_free(nn);
}

/* node 1 = conv(x) feeds only `none` edges: its step has no backward and its
 * tensors' gradients are final (zero) at the loss op. */
static void test_model_dead_step(void **state)
{
    (void)state;
    hw_nn *nn = make("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", 2, HW_NN_F32);
    hw_sgd_trace t;
    hw_err err;
    assert_int_equal(hw_sgd_model(nn, &t, &err), 0);
    assert_int_equal(hw_sgd_trace_check(&t, NULL, &err), 0);
    int ns = hw_nn_n_steps(nn);
    hw_nn_step st;
    hw_nn_step_get(nn, 1, &st);
    assert_int_equal(st.kind, HW_NN_STEP_CONV_BN);
    assert_int_equal(st.bwd, 0);
    assert_int_equal(st.p0, 3);
    assert_int_equal(st.np, 3);
    for (int p = 3; p < 6; p++) {
        assert_int_equal(t.tensors[p].fwd_op, 1);
        assert_int_equal(t.tensors[p].grad_op, ns);
    }
    assert_int_equal(t.n_ops, 2 * ns - 2); /* ns FWD + loss + ns − 3 BWD: one dead conv per stage */
    hw_sgd_trace_free(&t);
    hw_nn_free(nn);
}

static void test_throughput_window(void **state)
{
    (void)state;
    double ta[] = {10, 20, 30, 40, 15, 35, 55, 75};
    hw_ps_result r = {.workers = 2, .steps = 4, .t_applied = ta};
    /* after 1 warm-up step: worker 1 does 3 steps in 30 µs, worker 2 3 steps in 60 µs */
    assert_close(hw_ps_worker_rate(&r, 0, 1), 3 / 30e-6, 1e-6);
    assert_close(hw_ps_worker_rate(&r, 1, 1), 3 / 60e-6, 1e-6);
    assert_close(hw_ps_throughput(&r, 1), 3 / 30e-6 + 3 / 60e-6, 1e-6);
    assert_close(hw_ps_throughput(&r, 2), 2 / 20e-6 + 2 / 40e-6, 1e-6);
    assert_close(hw_ps_throughput(&r, 4), 0, 0); /* no step after warm-up */
    assert_close(hw_ps_throughput(&r, 0), 0, 0);
}

static void test_apply_median(void **state)
{
    (void)state;
    float w[2] = {1, 2}, g[2] = {10, -10};
    hw_sgd_apply(w, g, 2, 0.5f);
    assert_true(w[0] == -4.0f && w[1] == 7.0f);
    double a[] = {3, 1, 2}, b[] = {4, 1, 3, 2};
    assert_close(hw_median_finite(a, 3), 2, 0);
    assert_close(hw_median_finite(b, 4), 2.5, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_equal_plain), cmocka_unit_test(test_model_skip_cell),
        cmocka_unit_test(test_model_dead_step),   cmocka_unit_test(test_throughput_window),
        cmocka_unit_test(test_apply_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
