/* Multiproxy few-shot latency prediction: the LOO ridge core against brute
 * force, recovery of exact linear combinations of sources, regularised fits
 * below the parameter count, a target identical to a source, a device with
 * the same op costs on every edge (tied op-count block), the direct
 * baseline, and the diverse selection (determinism, distinct and spread). */
#include "testutil.h"

#include "hwnas/multiproxy.h"
#include "hwnas/nb201.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"

#define K HW_NB201_ONEHOT
#define NA 3000 /* archs in the synthetic bank */
#define S 6     /* synthetic sources */

/* A synthetic world: NA distinct random NB201 archs, S source devices. */
typedef struct {
    double X[NA * K];
    double lat[NA * S];     /* row-major NA x S */
    double w[S][K];         /* the sources' op weights */
    double G[NA * HW_NB201_MPTIED]; /* op counts (tied features) */
} world;

static world W;

/* Sources exactly linear in the one-hot (nonlinear = 0) or with a
 * deterministic non-additive term (nonlinear = 1), all latencies > 0. */
static void make_world(int nonlinear)
{
    hw_rng r;
    hw_rng_seed(&r, 42, 1);
    static unsigned char used[HW_NB201_N_ARCHS];
    memset(used, 0, sizeof used);
    for (int s = 0; s < S; s++)
        for (int j = 0; j < K; j++)
            W.w[s][j] = j == K - 1 ? 1.0 : 0.05 + hw_rng_uniform(&r) * (1.0 + s % 3);
    for (int i = 0; i < NA; i++) {
        uint32_t key;
        do
            key = (uint32_t)hw_rng_below(&r, HW_NB201_N_ARCHS);
        while (used[key]);
        used[key] = 1;
        hw_nb201_arch a;
        hw_nb201_from_key(key, &a);
        hw_nb201_onehot(&a, W.X + i * K);
        hw_nb201_op_counts(&a, W.G + i * HW_NB201_MPTIED);
        for (int s = 0; s < S; s++) {
            double v = 0;
            for (int j = 0; j < K; j++)
                v += W.w[s][j] * W.X[i * K + j];
            if (nonlinear)
                v *= 1.0 + 0.3 * sin(1.7 * (double)(key % 97) + s);
            W.lat[i * S + s] = v;
        }
    }
}

static void build(hw_mp_bank *b)
{
    assert_int_equal(hw_mp_bank_build(W.lat, NA, S, W.X, K, NULL, 0, NULL, b, NULL), 0);
}

static void rows_0_to(size_t *rows, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i++)
        rows[i] = (i * stride) % NA;
}

static double srcc_all(const hw_mp_bank *b, const hw_mp_model *m, const double *truth)
{
    static double pred[NA];
    for (size_t i = 0; i < NA; i++)
        pred[i] = hw_mp_predict(b, m, i);
    return hw_spearman(pred, truth, NA, NULL);
}

/* Brute-force ridge with an unpenalised intercept: normal equations on the
 * centred design (p <= 6), solved by Gaussian elimination. */
static void brute_ridge(const double *F, size_t n, size_t p, const double *y, double lambda, size_t skip,
                        double *beta, double *icpt)
{
    double mf[6] = {0}, my = 0, A[6][7] = {{0}};
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i != skip) {
            for (size_t j = 0; j < p; j++)
                mf[j] += F[i * p + j];
            my += y[i], m++;
        }
    for (size_t j = 0; j < p; j++)
        mf[j] /= (double)m;
    my /= (double)m;
    for (size_t i = 0; i < n; i++)
        if (i != skip)
            for (size_t j = 0; j < p; j++) {
                for (size_t l = 0; l < p; l++)
                    A[j][l] += (F[i * p + j] - mf[j]) * (F[i * p + l] - mf[l]);
                A[j][p] += (F[i * p + j] - mf[j]) * (y[i] - my);
            }
    for (size_t j = 0; j < p; j++)
        A[j][j] += lambda;
    for (size_t j = 0; j < p; j++)
        for (size_t r = j + 1; r < p; r++) {
            double f = A[r][j] / A[j][j];
            for (size_t l = j; l <= p; l++)
                A[r][l] -= f * A[j][l];
        }
    for (size_t j = p; j-- > 0;) {
        double s = A[j][p];
        for (size_t l = j + 1; l < p; l++)
            s -= A[j][l] * beta[l];
        beta[j] = s / A[j][j];
    }
    *icpt = my;
    for (size_t j = 0; j < p; j++)
        *icpt -= mf[j] * beta[j];
}

static void test_ridge_loo_vs_brute_force(void **state)
{
    (void)state;
    enum { N = 9, P = 4 };
    double F[N * P], y[N], beta[P], loo[N], bb[P], bi;
    hw_rng r;
    hw_rng_seed(&r, 3, 3);
    for (int i = 0; i < N * P; i++)
        F[i] = hw_rng_normal(&r);
    for (int i = 0; i < N; i++)
        y[i] = 1.0 + F[i * P] - 0.5 * F[i * P + 2] + 0.3 * hw_rng_normal(&r);
    double lambda = 0.7;
    hw_ridge_loo out;
    assert_int_equal(hw_ridge_loo_fit(F, N, P, y, &lambda, 1, beta, loo, &out, NULL), 0);
    brute_ridge(F, N, P, y, lambda, (size_t)-1, bb, &bi);
    for (int j = 0; j < P; j++)
        assert_close(beta[j], bb[j], 1e-10);
    assert_close(out.intercept, bi, 1e-10);
    double mse = 0;
    for (size_t i = 0; i < N; i++) {
        brute_ridge(F, N, P, y, lambda, i, bb, &bi);
        double p = bi;
        for (int j = 0; j < P; j++)
            p += bb[j] * F[i * P + (size_t)j];
        assert_close(loo[i], p, 1e-10);
        mse += (y[i] - p) * (y[i] - p) / N;
    }
    assert_close(out.loo_mse, mse, 1e-10);
}

/* The grid choice is the lambda with the smallest LOO MSE. */
static void test_ridge_loo_picks_min(void **state)
{
    (void)state;
    enum { N = 12, P = 3 };
    double F[N * P], y[N], beta[P], loo[N], grid[5] = {1e-4, 1e-2, 1, 1e2, 1e4};
    hw_rng r;
    hw_rng_seed(&r, 4, 4);
    for (int i = 0; i < N * P; i++)
        F[i] = hw_rng_normal(&r);
    for (int i = 0; i < N; i++)
        y[i] = F[i * P + 1] + 0.1 * hw_rng_normal(&r);
    hw_ridge_loo best, one;
    assert_int_equal(hw_ridge_loo_fit(F, N, P, y, grid, 5, beta, loo, &best, NULL), 0);
    for (int g = 0; g < 5; g++) {
        assert_int_equal(hw_ridge_loo_fit(F, N, P, y, &grid[g], 1, beta, loo, &one, NULL), 0);
        assert_true(best.loo_mse <= one.loo_mse + 1e-15);
    }
}

/* A device that is an exact linear combination of the sources is recovered:
 * predictions over all archs match, and so do the implied source weights. */
static void test_recovers_linear_combination(void **state)
{
    (void)state;
    make_world(0);
    hw_mp_bank b;
    build(&b);
    const double alpha[S] = {0.5, 0.0, 2.0, 0.25, 0.0, 1.0};
    static double y_all[NA];
    for (size_t i = 0; i < NA; i++) {
        y_all[i] = 0.2;
        for (int s = 0; s < S; s++)
            y_all[i] += alpha[s] * W.lat[i * S + (size_t)s];
    }
    size_t src[S] = {0, 1, 2, 3, 4, 5}, rows[40];
    double y[40];
    rows_0_to(rows, 40, 71);
    for (int i = 0; i < 40; i++)
        y[i] = y_all[rows[i]];
    hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
    hw_mp_model m;
    assert_int_equal(hw_mp_fit(&b, src, S, rows, y, 40, &o, &m, NULL), 0);
    double max_rel = 0;
    for (size_t i = 0; i < NA; i++)
        max_rel = fmax(max_rel, fabs(hw_mp_predict(&b, &m, i) - y_all[i]) / y_all[i]);
    assert_true(max_rel < 2e-3);
    assert_true(srcc_all(&b, &m, y_all) > 0.9999);
    assert_true(m.est_srcc > 0.999);
    hw_mp_model_free(&m);
    hw_mp_bank_free(&b);
}

/* With nonlinear sources too (only the residual block can carry them). */
static void test_recovers_nonlinear_combination(void **state)
{
    (void)state;
    make_world(1);
    hw_mp_bank b;
    build(&b);
    static double y_all[NA];
    for (size_t i = 0; i < NA; i++)
        y_all[i] = 1.5 * W.lat[i * S + 1] + 0.5 * W.lat[i * S + 4];
    size_t src[S] = {0, 1, 2, 3, 4, 5}, rows[30];
    double y[30];
    rows_0_to(rows, 30, 97);
    for (int i = 0; i < 30; i++)
        y[i] = y_all[rows[i]];
    hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
    hw_mp_model m;
    assert_int_equal(hw_mp_fit(&b, src, S, rows, y, 30, &o, &m, NULL), 0);
    assert_int_equal(m.sources_linear, 1);
    assert_true(srcc_all(&b, &m, y_all) > 0.9999);
    hw_mp_model_free(&m);
    hw_mp_bank_free(&b);
}

/* N = 4 samples, 2 S + K = 43 free parameters: still a finite, regularised
 * predictor that ranks the archs sensibly. */
static void test_few_samples_regularised(void **state)
{
    (void)state;
    make_world(1);
    hw_mp_bank b;
    build(&b);
    static double y_all[NA];
    for (size_t i = 0; i < NA; i++)
        y_all[i] = W.lat[i * S + 2] + 0.3 * W.lat[i * S + 5];
    size_t src[S] = {0, 1, 2, 3, 4, 5}, rows[4] = {3, 500, 1700, 2900};
    double y[4];
    for (int i = 0; i < 4; i++)
        y[i] = y_all[rows[i]];
    hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
    hw_mp_model m;
    assert_int_equal(hw_mp_fit(&b, src, S, rows, y, 4, &o, &m, NULL), 0);
    assert_true(isfinite(m.c0) && isfinite(m.scale) && isfinite(m.loo_rmse));
    double norm = 0;
    for (int s = 0; s < S; s++)
        norm += m.a[s] * m.a[s] + m.b[s] * m.b[s];
    for (int j = 0; j < K; j++)
        norm += m.x[j] * m.x[j];
    assert_true(isfinite(norm) && norm < 1e3);
    for (size_t i = 0; i < NA; i++)
        assert_true(isfinite(hw_mp_predict(&b, &m, i)));
    assert_true(srcc_all(&b, &m, y_all) > 0.5);
    hw_mp_model_free(&m);
    /* the minimum: 3 samples */
    assert_int_equal(hw_mp_fit(&b, src, S, rows, y, 3, &o, &m, NULL), 0);
    for (size_t i = 0; i < NA; i++)
        assert_true(isfinite(hw_mp_predict(&b, &m, i)));
    hw_mp_model_free(&m);
    hw_mp_bank_free(&b);
}

/* A target identical to a source (up to an affine map) has SRCC exactly 1. */
static void test_identical_to_source(void **state)
{
    (void)state;
    make_world(1);
    hw_mp_bank b;
    build(&b);
    static double y_all[NA];
    size_t src[S] = {0, 1, 2, 3, 4, 5}, rows[10];
    double y[10];
    rows_0_to(rows, 10, 293);
    for (int copy = 0; copy < 2; copy++) {
        for (size_t i = 0; i < NA; i++)
            y_all[i] = copy ? 3.0 * W.lat[i * S + 3] + 0.5 : W.lat[i * S + 3];
        for (int i = 0; i < 10; i++)
            y[i] = y_all[rows[i]];
        hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
        hw_mp_model m;
        assert_int_equal(hw_mp_fit(&b, src, S, rows, y, 10, &o, &m, NULL), 0);
        assert_int_equal(m.reuse, 3);
        assert_int_equal(m.sources_linear, 0);
        assert_true(srcc_all(&b, &m, y_all) == 1.0);
        assert_close(hw_mp_predict(&b, &m, 17), y_all[17], 1e-9 * y_all[17]);
        hw_mp_model_free(&m);
    }
    hw_mp_bank_free(&b);
}

/* A device whose op costs are the same on every edge (not a mix of the
 * sources, whose costs differ per edge) is learnt from 12 samples through the
 * tied op-count block; without it the per-edge one-hot cannot be. */
#define NT 12 /* samples */
static void test_tied_costs(void **state)
{
    (void)state;
    make_world(0);
    static const double cost[5] = {0.0, 0.2, 1.5, 4.0, 0.6};
    static double y_all[NA];
    for (size_t i = 0; i < NA; i++) {
        y_all[i] = 1.0;
        for (int o = 0; o < 5; o++)
            y_all[i] += cost[o] * W.G[i * HW_NB201_MPTIED + o];
    }
    size_t src[S] = {0, 1, 2, 3, 4, 5}, rows[NT];
    double y[NT], r[2];
    rows_0_to(rows, NT, 371);
    for (int i = 0; i < NT; i++)
        y[i] = y_all[rows[i]];
    for (int tied = 0; tied < 2; tied++) {
        hw_mp_bank b;
        assert_int_equal(hw_mp_bank_build(W.lat, NA, S, W.X, K, tied ? W.G : NULL, tied ? HW_NB201_MPTIED : 0, NULL,
                                          &b, NULL), 0);
        hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
        hw_mp_model m;
        assert_int_equal(hw_mp_fit(&b, src, S, rows, y, NT, &o, &m, NULL), 0);
        r[tied] = srcc_all(&b, &m, y_all);
        hw_mp_model_free(&m);
        hw_mp_bank_free(&b);
    }
    assert_true(r[1] > 0.99);
    assert_true(r[0] < r[1] - 0.02);
}

/* Direct: one-hot ridge without sources; exact on an additive device. */
static void test_direct_additive(void **state)
{
    (void)state;
    make_world(0);
    hw_mp_bank b;
    build(&b);
    static double y_all[NA];
    for (size_t i = 0; i < NA; i++)
        y_all[i] = W.lat[i * S + 0];
    size_t rows[80];
    double y[80];
    rows_0_to(rows, 80, 37);
    for (int i = 0; i < 80; i++)
        y[i] = y_all[rows[i]];
    hw_mp_opts o = hw_mp_default_opts(HW_MP_DIRECT);
    hw_mp_model m;
    assert_int_equal(hw_mp_fit(&b, NULL, 0, rows, y, 80, &o, &m, NULL), 0);
    assert_true(srcc_all(&b, &m, y_all) > 0.999);
    hw_mp_model_free(&m);
    hw_mp_bank_free(&b);
}

static double zdist(const hw_mp_bank *b, size_t r1, size_t r2)
{
    double d = 0;
    for (size_t s = 0; s < b->n_col; s++)
        d += (b->Z[s * b->n + r1] - b->Z[s * b->n + r2]) * (b->Z[s * b->n + r1] - b->Z[s * b->n + r2]);
    return d;
}

/* Same seed, same rows; distinct rows; farthest-point property: every pair of
 * chosen rows is at least as far apart as any pool row is from the chosen set. */
static void test_select_deterministic_and_spread(void **state)
{
    (void)state;
    make_world(1);
    hw_mp_bank b;
    build(&b);
    size_t src[S] = {0, 1, 2, 3, 4, 5}, pool[NA], a[12], c[12];
    for (size_t i = 0; i < NA; i++)
        pool[i] = i;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        hw_rng r1, r2;
        hw_rng_seed(&r1, seed, 9), hw_rng_seed(&r2, seed, 9);
        assert_int_equal(hw_mp_select(&b, src, S, pool, NA, 12, &r1, a, NULL), 0);
        assert_int_equal(hw_mp_select(&b, src, S, pool, NA, 12, &r2, c, NULL), 0);
        assert_memory_equal(a, c, sizeof a);
        double min_pair = INFINITY, cover = 0;
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < i; j++) {
                assert_true(a[i] != a[j]);
                min_pair = fmin(min_pair, zdist(&b, a[i], a[j]));
            }
        for (size_t p = 0; p < NA; p++) {
            double d = INFINITY;
            for (int i = 0; i < 12; i++)
                d = fmin(d, zdist(&b, p, a[i]));
            cover = fmax(cover, d);
        }
        assert_true(min_pair >= cover);
    }
    hw_rng r1, r2;
    hw_rng_seed(&r1, 1, 9), hw_rng_seed(&r2, 2, 9);
    assert_int_equal(hw_mp_select(&b, src, S, pool, NA, 12, &r1, a, NULL), 0);
    assert_int_equal(hw_mp_select(&b, src, S, pool, NA, 12, &r2, c, NULL), 0);
    assert_true(memcmp(a, c, sizeof a) != 0); /* another seed, another first row */
    hw_mp_bank_free(&b);
}

static void test_bad_input(void **state)
{
    (void)state;
    make_world(0);
    hw_mp_bank b;
    build(&b);
    size_t src[1] = {0}, bad_src[1] = {S}, rows[3] = {0, 1, 2}, pool[3] = {0, 1, 2}, out[4];
    double y[3] = {1, 2, 3}, yneg[3] = {1, -2, 3};
    hw_mp_opts o = hw_mp_default_opts(HW_MP_MULTI);
    hw_mp_model m;
    hw_err err = {0};
    assert_int_equal(hw_mp_fit(&b, src, 1, rows, y, 2, &o, &m, &err), HW_EINPUT);
    assert_int_equal(hw_mp_fit(&b, src, 0, rows, y, 3, &o, &m, &err), HW_EINPUT);
    assert_int_equal(hw_mp_fit(&b, bad_src, 1, rows, y, 3, &o, &m, &err), HW_EINPUT);
    assert_int_equal(hw_mp_fit(&b, src, 1, rows, yneg, 3, &o, &m, &err), HW_EINPUT);
    hw_rng r;
    hw_rng_seed(&r, 1, 1);
    assert_int_equal(hw_mp_select(&b, src, 1, pool, 3, 4, &r, out, &err), HW_EINPUT);
    hw_mp_bank_free(&b);
    double lat[4] = {1, NAN, NAN, NAN}, X[4 * K] = {0};
    assert_int_equal(hw_mp_bank_build(lat, 4, 1, X, K, NULL, 0, NULL, &b, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "at least 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ridge_loo_vs_brute_force),
        cmocka_unit_test(test_ridge_loo_picks_min),
        cmocka_unit_test(test_recovers_linear_combination),
        cmocka_unit_test(test_recovers_nonlinear_combination),
        cmocka_unit_test(test_few_samples_regularised),
        cmocka_unit_test(test_identical_to_source),
        cmocka_unit_test(test_tied_costs),
        cmocka_unit_test(test_direct_additive),
        cmocka_unit_test(test_select_deterministic_and_spread),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
