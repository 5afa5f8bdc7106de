/* test_nn_grad.c - every backward kernel against central finite differences in
 * float64 (the ggml habit): L = Σ r ⊙ y for a random r, so dy = r; each input
 * and parameter element is perturbed by ±h. Error = max|fd − analytic| /
 * max|analytic| per tensor, required < 1e-6. ReLU kinks are avoided by drawing
 * inputs with |x| >= 0.05 (h = 1e-5 never crosses 0). Plus hand-computed
 * forward cases for the pooling divisors and BN, and a whole-network check. */
#include "testutil.h"

#include "hwnas/nn.h"
#include "hwnas/nn_ops.h"
#include "hwnas/rng.h"

#define H 1e-5
#define TOL 1e-6

static hw_rng R;

/* Uniform in ±[0.05, 1]: away from ReLU kinks. */
static double *rnd(size_t n)
{
    double *p = malloc(n * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        double u = 0.05 + 0.95 * hw_rng_uniform(&R);
        p[i] = hw_rng_uniform(&R) < 0.5 ? -u : u;
    }
    return p;
}

static double *zeros(size_t n)
{
    double *p = calloc(n, sizeof *p);
    assert_non_null(p);
    return p;
}

/* The op under test: fwd computes the scalar L = Σ r ⊙ y from the current inputs. */
typedef double (*loss_fn)(void *ctx);

static double fd_err(double *v, size_t n, const double *an, loss_fn f, void *ctx)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double s = v[i];
        v[i] = s + H;
        double lp = f(ctx);
        v[i] = s - H;
        double lm = f(ctx);
        v[i] = s;
        num = fmax(num, fabs((lp - lm) / (2 * H) - an[i]));
        den = fmax(den, fabs(an[i]));
    }
    return den > 0 ? num / den : num;
}

static void expect_fd(const char *what, double *v, size_t n, const double *an, loss_fn f, void *ctx)
{
    double e = fd_err(v, n, an, f, ctx);
    if (!(e < TOL))
        fail_msg("%s: finite-difference relative error %.3g >= %g", what, e, TOL);
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* ---- conv ---- */
typedef struct { hw_conv_dims d; double *x, *w, *r, *y, *col; size_t nx, nw, ny; } conv_ctx;

static double conv_loss(void *p)
{
    conv_ctx *c = p;
    hw_conv_fwd_f64(&c->d, c->x, c->w, c->y, 0, c->col);
    return dot(c->r, c->y, c->ny);
}

static void conv_case(int b, int ch, int h, int w, int o, int k, int s, int relu)
{
    conv_ctx c;
    c.d = hw_conv_make(b, ch, h, w, o, k, s, (k - 1) / 2, relu);
    c.nx = (size_t)b * ch * h * w, c.nw = (size_t)o * ch * k * k, c.ny = (size_t)b * o * c.d.oh * c.d.ow;
    c.x = rnd(c.nx), c.w = rnd(c.nw), c.r = rnd(c.ny), c.y = zeros(c.ny), c.col = zeros(hw_conv_scratch(&c.d));
    double *dx = zeros(c.nx), *dw = zeros(c.nw);
    hw_conv_bwd_f64(&c.d, c.x, c.w, c.r, dx, dw, c.col);
    expect_fd("conv dx", c.x, c.nx, dx, conv_loss, &c);
    expect_fd("conv dw", c.w, c.nw, dw, conv_loss, &c);
    free(c.x), free(c.w), free(c.r), free(c.y), free(c.col), free(dx), free(dw);
}

static void test_conv(void **state)
{
    (void)state;
    conv_case(2, 3, 5, 6, 4, 3, 1, 0);
    conv_case(2, 3, 5, 6, 4, 3, 1, 1);
    conv_case(2, 3, 6, 6, 4, 3, 2, 1);
    conv_case(2, 3, 5, 4, 2, 1, 1, 0);
    conv_case(2, 3, 5, 4, 2, 1, 1, 1);
    conv_case(1, 2, 7, 5, 3, 1, 2, 0);
}

/* ---- batch norm (train mode) ---- */
typedef struct { int b, c, hw; double *x, *g, *be, *r, *y, *mean, *inv; size_t n; } bn_ctx;

static double bn_loss(void *p)
{
    bn_ctx *c = p;
    hw_bn_fwd_f64(c->b, c->c, c->hw, c->x, c->g, c->be, c->y, 0, c->mean, c->inv, NULL, NULL);
    return dot(c->r, c->y, c->n);
}

static void test_bn(void **state)
{
    (void)state;
    bn_ctx c = {3, 4, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 60};
    c.x = rnd(c.n), c.g = rnd(4), c.be = rnd(4), c.r = rnd(c.n), c.y = zeros(c.n);
    c.mean = zeros(4), c.inv = zeros(4);
    double *dx = zeros(c.n), *dg = zeros(4), *db = zeros(4);
    bn_loss(&c);
    hw_bn_bwd_f64(c.b, c.c, c.hw, c.x, c.g, c.mean, c.inv, c.r, dx, dg, db);
    expect_fd("bn dx", c.x, c.n, dx, bn_loss, &c);
    expect_fd("bn dgamma", c.g, 4, dg, bn_loss, &c);
    expect_fd("bn dbeta", c.be, 4, db, bn_loss, &c);
    free(c.x), free(c.g), free(c.be), free(c.r), free(c.y), free(c.mean), free(c.inv), free(dx), free(dg), free(db);
}

/* BN forward by hand: channel values {1,2,3,4}: mean 2.5, biased var 1.25; running
 * var gets the unbiased 5/3 with momentum 0.1. */
static void test_bn_forward_by_hand(void **state)
{
    (void)state;
    double x[4] = {1, 2, 3, 4}, y[4], g = 2, be = 0.5, mean, inv, rm = 0, rv = 1;
    hw_bn_fwd_f64(2, 1, 2, x, &g, &be, y, 0, &mean, &inv, &rm, &rv);
    assert_close(mean, 2.5, 1e-15);
    assert_close(inv, 1 / sqrt(1.25 + 1e-5), 1e-15);
    for (int i = 0; i < 4; i++)
        assert_close(y[i], 2 * (x[i] - 2.5) / sqrt(1.25 + 1e-5) + 0.5, 1e-14);
    assert_close(rm, 0.25, 1e-15);
    assert_close(rv, 0.9 + 0.1 * 5.0 / 3.0, 1e-15);
}

/* ---- element-wise, pooling, GAP, linear: y = op(x) ---- */
typedef struct { int kind, b, c, h, w; double *x, *r, *y, *tmp; size_t nx, ny; } ew_ctx;

static void ew_fwd(ew_ctx *c)
{
    switch (c->kind) {
    case 0: hw_relu_fwd_f64(c->nx, c->x, c->y); break;
    case 1: hw_pool3_fwd_f64(c->b, c->c, c->h, c->w, c->x, c->y, 0, c->tmp); break;
    case 2: hw_pool2_fwd_f64(c->b, c->c, c->h, c->w, c->x, c->y); break;
    case 3: memset(c->y, 0, c->ny * sizeof(double)), hw_add_fwd_f64(c->nx, c->x, c->y, 1); break;
    default: hw_gap_fwd_f64(c->b, c->c, c->h * c->w, c->x, c->y); break;
    }
}

static void ew_bwd(ew_ctx *c, double *dx)
{
    switch (c->kind) {
    case 0: hw_relu_bwd_f64(c->nx, c->x, c->r, dx); break;
    case 1: hw_pool3_bwd_f64(c->b, c->c, c->h, c->w, c->r, dx, c->tmp); break;
    case 2: hw_pool2_bwd_f64(c->b, c->c, c->h, c->w, c->r, dx); break;
    case 3: hw_add_bwd_f64(c->nx, c->r, dx); break;
    default: hw_gap_bwd_f64(c->b, c->c, c->h * c->w, c->r, dx); break;
    }
}

static double ew_loss(void *p)
{
    ew_ctx *c = p;
    ew_fwd(c);
    return dot(c->r, c->y, c->ny);
}

static void ew_case(const char *name, int kind, int h, int w)
{
    ew_ctx c = {kind, 2, 3, h, w, NULL, NULL, NULL, NULL, (size_t)2 * 3 * h * w, 0};
    c.tmp = zeros(hw_pool3_scratch(h, w));
    c.ny = kind == 2 ? (size_t)6 * (h / 2) * (w / 2) : kind == 4 ? 6 : c.nx;
    c.x = rnd(c.nx), c.r = rnd(c.ny), c.y = zeros(c.ny);
    double *dx = zeros(c.nx);
    ew_bwd(&c, dx);
    expect_fd(name, c.x, c.nx, dx, ew_loss, &c);
    free(c.x), free(c.r), free(c.y), free(c.tmp), free(dx);
}

static void test_elementwise(void **state)
{
    (void)state;
    ew_case("relu dx", 0, 4, 5);
    ew_case("pool3 dx", 1, 4, 5);
    ew_case("pool3 dx 1-wide", 1, 1, 3);
    ew_case("pool3 dx 1-high", 1, 3, 1);
    ew_case("pool3 dx 2x2", 1, 2, 2);
    ew_case("pool3 dx 1x1", 1, 1, 1);
    ew_case("pool2 dx", 2, 4, 6);
    ew_case("add dx", 3, 4, 5);
    ew_case("gap dx", 4, 4, 5);
}

/* count_include_pad=False: corners divide by 4, edges by 6, inside by 9. */
static void test_pool3_divisors_by_hand(void **state)
{
    (void)state;
    double x[9], y[9], tmp[12];
    for (int i = 0; i < 9; i++)
        x[i] = 1;
    hw_pool3_fwd_f64(1, 1, 3, 3, x, y, 0, tmp);
    for (int i = 0; i < 9; i++)
        assert_close(y[i], 1.0, 1e-15); /* the mean of ones is one whatever the divisor */
    x[0] = 10; /* top-left corner */
    hw_pool3_fwd_f64(1, 1, 3, 3, x, y, 0, tmp);
    assert_close(y[0], (10 + 3) / 4.0, 1e-15); /* corner: 4 taps */
    assert_close(y[1], (10 + 5) / 6.0, 1e-15); /* top edge: 6 taps */
    assert_close(y[4], (10 + 8) / 9.0, 1e-15); /* centre: 9 taps */
    assert_close(y[8], 1.0, 1e-15);
    double z[4] = {1, 2, 3, 4}, p;
    hw_pool2_fwd_f64(1, 1, 2, 2, z, &p);
    assert_close(p, 2.5, 1e-15);
}

/* ---- linear ---- */
typedef struct { int b, in, out; double *x, *w, *bias, *r, *y; } lin_ctx;

static double lin_loss(void *p)
{
    lin_ctx *c = p;
    hw_linear_fwd_f64(c->b, c->in, c->out, c->x, c->w, c->bias, c->y);
    return dot(c->r, c->y, (size_t)c->b * c->out);
}

static void test_linear(void **state)
{
    (void)state;
    lin_ctx c = {3, 5, 4, NULL, NULL, NULL, NULL, NULL};
    c.x = rnd(15), c.w = rnd(20), c.bias = rnd(4), c.r = rnd(12), c.y = zeros(12);
    double *dx = zeros(15), *dw = zeros(20), *db = zeros(4);
    hw_linear_bwd_f64(3, 5, 4, c.x, c.w, c.r, dx, dw, db);
    expect_fd("linear dx", c.x, 15, dx, lin_loss, &c);
    expect_fd("linear dw", c.w, 20, dw, lin_loss, &c);
    expect_fd("linear dbias", c.bias, 4, db, lin_loss, &c);
    free(c.x), free(c.w), free(c.bias), free(c.r), free(c.y), free(dx), free(dw), free(db);
}

/* ---- cross-entropy ---- */
typedef struct { double *z; int y[3]; } ce_ctx;

static double ce_loss(void *p)
{
    ce_ctx *c = p;
    return hw_ce_f64(3, 4, c->z, c->y, NULL);
}

static void test_ce(void **state)
{
    (void)state;
    ce_ctx c = {rnd(12), {0, 3, 1}};
    double *dz = zeros(12);
    double l = hw_ce_f64(3, 4, c.z, c.y, dz);
    expect_fd("ce dz", c.z, 12, dz, ce_loss, &c);
    /* by hand: equal logits give ln K whatever the labels */
    double flat[8] = {0.5, 0.5, 0.5, 0.5, -2, -2, -2, -2};
    int y2[2] = {1, 2};
    assert_close(hw_ce_f64(2, 4, flat, y2, NULL), log(4.0), 1e-15);
    assert_true(isfinite(l));
    free(c.z), free(dz);
}

/* ---- the whole network: a few elements of every parameter tensor ---- */
typedef struct { hw_nn *nn; double *x; int y[3]; } net_ctx;

static double net_loss(void *p)
{
    net_ctx *c = p;
    hw_nn_forward(c->nn);
    return hw_nn_ce_grad(c->nn, c->y);
}

static void net_case(const char *arch)
{
    hw_nb201_arch a;
    assert_int_equal(hw_nb201_parse(arch, &a, NULL, 0), 0);
    hw_nb201_net net = {{2, 3, 4}, 1, 8, 5};
    hw_nn_cfg cfg = {3, 1, HW_NN_F64};
    net_ctx c = {NULL, rnd(3 * 3 * 8 * 8), {0, 4, 2}};
    hw_err err;
    assert_int_equal(hw_nn_create(&a, &net, &cfg, NULL, &c.nn, &err), 0);
    hw_nn_init(c.nn, HW_INIT_TORCH, 5, 6);
    hw_nn_set_input(c.nn, c.x);
    net_loss(&c);
    hw_nn_backward(c.nn);
    for (int p = 0; p < hw_nn_n_params(c.nn); p++) {
        hw_nn_param_info pi;
        hw_nn_param(c.nn, p, &pi);
        double *w = zeros(pi.n), *g = zeros(pi.n);
        hw_nn_param_get(c.nn, p, 0, w);
        hw_nn_param_get(c.nn, p, 1, g);
        double num = 0, den = 0;
        for (size_t i = 0; i < pi.n; i += 1 + pi.n / 7) {
            double s = w[i];
            w[i] = s + H, hw_nn_param_set(c.nn, p, w);
            double lp = net_loss(&c);
            w[i] = s - H, hw_nn_param_set(c.nn, p, w);
            double lm = net_loss(&c);
            w[i] = s, hw_nn_param_set(c.nn, p, w);
            num = fmax(num, fabs((lp - lm) / (2 * H) - g[i]));
            den = fmax(den, fabs(g[i]));
        }
        if (!(num <= TOL * fmax(den, 1e-3)))
            fail_msg("%s param %d: |fd - analytic| %.3g, max |analytic| %.3g", arch, p, num, den);
        free(w), free(g);
    }
    hw_nn_free(c.nn);
    free(c.x);
}

static void test_network(void **state)
{
    (void)state;
    net_case("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|");
    net_case("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
}

int main(void)
{
    hw_rng_seed(&R, 2024, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv),
        cmocka_unit_test(test_bn),
        cmocka_unit_test(test_bn_forward_by_hand),
        cmocka_unit_test(test_elementwise),
        cmocka_unit_test(test_pool3_divisors_by_hand),
        cmocka_unit_test(test_linear),
        cmocka_unit_test(test_ce),
        cmocka_unit_test(test_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
