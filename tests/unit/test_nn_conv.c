/* test_nn_conv.c - im2col + GEMM convolution against the naive direct twin, on
 * random shapes (k 1/3, stride 1/2, with and without the fused ReLU), forward
 * (written and accumulated) and backward (dx and dw), float32 and float64;
 * and the fused conv + BN kernels against the unfused pair over the twin. */
#include "testutil.h"

#include "hwnas/nn_ops.h"
#include "hwnas/rng.h"

typedef struct { int b, c, h, w, o, k, stride, relu; } shape;

static double *rand_buf(hw_rng *r, size_t n)
{
    double *p = malloc(n * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = 2.0 * hw_rng_uniform(r) - 1.0;
    return p;
}

/* max |a - b| / max |b| over n. */
static double rel_err(const double *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num = fmax(num, fabs(a[i] - b[i]));
        den = fmax(den, fabs(b[i]));
    }
    return den > 0 ? num / den : num;
}

typedef struct {
    size_t nx, nw, ny, ncol;
    double *x, *w, *dy, *y0;     /* inputs (y0: initial y for accumulation) */
    double *y[2], *dx[2], *dw[2]; /* [0] im2col, [1] direct */
} conv_case;

static void case_alloc(conv_case *k, const hw_conv_dims *d, hw_rng *r)
{
    k->nx = (size_t)d->b * d->c * d->h * d->w;
    k->nw = (size_t)d->o * d->c * d->k * d->k;
    k->ny = (size_t)d->b * d->o * d->oh * d->ow;
    k->ncol = hw_conv_scratch(d);
    k->x = rand_buf(r, k->nx), k->w = rand_buf(r, k->nw), k->dy = rand_buf(r, k->ny), k->y0 = rand_buf(r, k->ny);
    for (int i = 0; i < 2; i++) {
        k->y[i] = calloc(k->ny, sizeof(double));
        k->dx[i] = calloc(k->nx, sizeof(double));
        k->dw[i] = calloc(k->nw, sizeof(double));
    }
}

static void case_free(conv_case *k)
{
    free(k->x), free(k->w), free(k->dy), free(k->y0);
    for (int i = 0; i < 2; i++)
        free(k->y[i]), free(k->dx[i]), free(k->dw[i]);
}

static void run_f64(const hw_conv_dims *d, conv_case *k, int acc)
{
    double *col = malloc(k->ncol * sizeof *col);
    for (int i = 0; i < 2; i++) {
        memcpy(k->y[i], k->y0, k->ny * sizeof(double));
        memset(k->dx[i], 0, k->nx * sizeof(double));
        memset(k->dw[i], 0, k->nw * sizeof(double));
    }
    hw_conv_fwd_f64(d, k->x, k->w, k->y[0], acc, col);
    hw_conv_fwd_direct_f64(d, k->x, k->w, k->y[1], acc);
    hw_conv_bwd_f64(d, k->x, k->w, k->dy, k->dx[0], k->dw[0], col);
    hw_conv_bwd_direct_f64(d, k->x, k->w, k->dy, k->dx[1], k->dw[1]);
    free(col);
}

static float *to_f32(const double *a, size_t n)
{
    float *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (float)a[i];
    return p;
}

static void from_f32(const float *a, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i];
}

/* The same comparison in float32 (im2col+SGEMM vs the direct twin, both f32). */
static void run_f32(const hw_conv_dims *d, conv_case *k, int acc)
{
    float *x = to_f32(k->x, k->nx), *w = to_f32(k->w, k->nw), *dy = to_f32(k->dy, k->ny);
    float *col = malloc(k->ncol * sizeof *col);
    for (int i = 0; i < 2; i++) {
        float *y = to_f32(k->y0, k->ny), *dx = calloc(k->nx, 4), *dw = calloc(k->nw, 4);
        if (i == 0) {
            hw_conv_fwd_f32(d, x, w, y, acc, col);
            hw_conv_bwd_f32(d, x, w, dy, dx, dw, col);
        } else {
            hw_conv_fwd_direct_f32(d, x, w, y, acc);
            hw_conv_bwd_direct_f32(d, x, w, dy, dx, dw);
        }
        from_f32(y, k->ny, k->y[i]), from_f32(dx, k->nx, k->dx[i]), from_f32(dw, k->nw, k->dw[i]);
        free(y), free(dx), free(dw);
    }
    free(x), free(w), free(dy), free(col);
}

static void check(const hw_conv_dims *d, const conv_case *k, double tol, const char *what)
{
    double ey = rel_err(k->y[0], k->y[1], k->ny), ex = rel_err(k->dx[0], k->dx[1], k->nx);
    double ew = rel_err(k->dw[0], k->dw[1], k->nw);
    if (ey > tol || ex > tol || ew > tol)
        fail_msg("%s B%d C%d %dx%d O%d k%d s%d relu%d: rel err y %.3g dx %.3g dw %.3g (tol %g)", what, d->b, d->c,
                 d->h, d->w, d->o, d->k, d->stride, d->relu, ey, ex, ew, tol);
}

static void one_shape(hw_rng *r, shape s)
{
    hw_conv_dims d = hw_conv_make(s.b, s.c, s.h, s.w, s.o, s.k, s.stride, (s.k - 1) / 2, s.relu);
    conv_case k;
    case_alloc(&k, &d, r);
    for (int acc = 0; acc <= 1; acc++) {
        run_f64(&d, &k, acc);
        check(&d, &k, 1e-12, "f64");
        run_f32(&d, &k, acc);
        check(&d, &k, 1e-5, "f32");
    }
    case_free(&k);
}

static void test_nb201_shapes(void **state)
{
    (void)state;
    hw_rng r;
    hw_rng_seed(&r, 11, 0);
    const shape shapes[] = {
        {2, 3, 32, 32, 16, 3, 1, 0},  /* stem */
        {2, 16, 32, 32, 16, 3, 1, 1}, /* nor_conv_3x3 */
        {2, 16, 32, 32, 16, 1, 1, 1}, /* nor_conv_1x1 */
        {2, 16, 32, 32, 32, 3, 2, 1}, /* ResBlock conv_a */
        {2, 16, 16, 16, 32, 1, 1, 0}, /* ResBlock shortcut after the pool */
        {3, 64, 8, 8, 64, 3, 1, 1},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        one_shape(&r, shapes[i]);
}

static void test_random_shapes(void **state)
{
    (void)state;
    hw_rng r;
    hw_rng_seed(&r, 12, 0);
    for (int t = 0; t < 60; t++) {
        shape s;
        s.b = 1 + (int)hw_rng_below(&r, 3);
        s.c = 1 + (int)hw_rng_below(&r, 6);
        s.h = 1 + (int)hw_rng_below(&r, 11);
        s.w = 1 + (int)hw_rng_below(&r, 11);
        s.o = 1 + (int)hw_rng_below(&r, 6);
        s.k = hw_rng_below(&r, 2) ? 3 : 1;
        s.stride = 1 + (int)hw_rng_below(&r, 2);
        s.relu = (int)hw_rng_below(&r, 2);
        one_shape(&r, s);
    }
}

/* Fused conv + BN (one image at a time) against hw_conv_* then hw_bn_*, float64. */
static void fused_case(hw_rng *r, shape s)
{
    hw_conv_dims d = hw_conv_make(s.b, s.c, s.h, s.w, s.o, s.k, s.stride, (s.k - 1) / 2, s.relu);
    conv_case k;
    case_alloc(&k, &d, r);
    double *g = rand_buf(r, (size_t)s.o), *be = rand_buf(r, (size_t)s.o), *col = calloc(k.ncol, sizeof(double));
    double *t[2], *y[2], *dx[2], *dw[2], *dg[2], *db[2], mean[2][64], inv[2][64], work[128];
    double *dt = calloc(k.ny / (size_t)s.b, sizeof(double));
    for (int i = 0; i < 2; i++) {
        t[i] = calloc(k.ny, sizeof(double)), y[i] = calloc(k.ny, sizeof(double));
        dx[i] = calloc(k.nx, sizeof(double)), dw[i] = calloc(k.nw, sizeof(double));
        dg[i] = calloc((size_t)s.o, sizeof(double)), db[i] = calloc((size_t)s.o, sizeof(double));
        memcpy(y[i], k.y0, k.ny * sizeof(double));
    }
    int hw = d.oh * d.ow;
    hw_convbn_fwd_f64(&d, k.x, k.w, t[0], col, g, be, y[0], 1, mean[0], inv[0], work, NULL, NULL);
    hw_convbn_bwd_f64(&d, k.x, k.w, t[0], g, mean[0], inv[0], work, k.dy, dx[0], dw[0], dg[0], db[0], col, dt);
    hw_conv_fwd_direct_f64(&d, k.x, k.w, t[1], 0);
    hw_bn_fwd_f64(s.b, s.o, hw, t[1], g, be, y[1], 1, mean[1], inv[1], NULL, NULL);
    double *dt_all = calloc(k.ny, sizeof(double));
    hw_bn_bwd_f64(s.b, s.o, hw, t[1], g, mean[1], inv[1], k.dy, dt_all, dg[1], db[1]);
    hw_conv_bwd_direct_f64(&d, k.x, k.w, dt_all, dx[1], dw[1]);
    double e[5] = {rel_err(y[0], y[1], k.ny), rel_err(dx[0], dx[1], k.nx), rel_err(dw[0], dw[1], k.nw),
                   rel_err(dg[0], dg[1], (size_t)s.o), rel_err(db[0], db[1], (size_t)s.o)};
    for (int i = 0; i < 5; i++)
        if (e[i] > 1e-10)
            fail_msg("convbn B%d C%d %dx%d O%d k%d s%d relu%d: output %d rel err %.3g", s.b, s.c, s.h, s.w, s.o, s.k,
                     s.stride, s.relu, i, e[i]);
    for (int i = 0; i < 2; i++)
        free(t[i]), free(y[i]), free(dx[i]), free(dw[i]), free(dg[i]), free(db[i]);
    free(g), free(be), free(col), free(dt), free(dt_all);
    case_free(&k);
}

static void test_fused_conv_bn(void **state)
{
    (void)state;
    hw_rng r;
    hw_rng_seed(&r, 13, 0);
    const shape shapes[] = {{3, 16, 8, 8, 16, 3, 1, 1}, {2, 3, 9, 7, 5, 3, 1, 0}, {4, 6, 8, 8, 12, 3, 2, 1},
                            {3, 5, 6, 6, 7, 1, 1, 1}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        fused_case(&r, shapes[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nb201_shapes),
        cmocka_unit_test(test_random_shapes),
        cmocka_unit_test(test_fused_conv_bn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
