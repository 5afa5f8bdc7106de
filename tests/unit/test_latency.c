/* Latency core: min-norm least squares, AdaProxy (known answers and the
 * optimality conditions of its objective) and the OneProxy decision. */
#include "testutil.h"

#include "hwnas/latency.h"
#include "hwnas/nb201.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"

#define K HW_NB201_ONEHOT

static const hw_ada_opts OPTS = {HW_ADA_LAMBDA_CV, 7, 1e-6, 1e6, 49};

static void test_lsq_exact(void **state)
{
    (void)state;
    double X[] = {1, 0, 0, 1, 1, 1}, y[] = {1, 2, 3}, w[2];
    assert_int_equal(hw_lsq_minnorm(X, 3, 2, y, 1e-10, w, NULL), 0);
    assert_close(w[0], 1.0, 1e-12);
    assert_close(w[1], 2.0, 1e-12);
}

/* Rank-deficient: x1 = x2 always; the minimum-norm solution splits evenly. */
static void test_lsq_minnorm(void **state)
{
    (void)state;
    double X[] = {1, 1, 2, 2, 3, 3}, y[] = {2, 4, 6}, w[2];
    assert_int_equal(hw_lsq_minnorm(X, 3, 2, y, 1e-10, w, NULL), 0);
    assert_close(w[0], 1.0, 1e-12);
    assert_close(w[1], 1.0, 1e-12);
}

/* n random NB201 archs (seeded) as one-hot rows. */
static void random_archs(double *X, size_t n, uint64_t seed)
{
    hw_rng r;
    hw_rng_seed(&r, seed, 7);
    for (size_t i = 0; i < n; i++) {
        hw_nb201_arch a;
        hw_nb201_from_key((uint32_t)hw_rng_below(&r, HW_NB201_N_ARCHS), &a);
        hw_nb201_onehot(&a, X + i * K);
    }
}

/* Proxy weights: a plausible device (conv3 > conv1 > pool > skip > none). */
static void proxy_weights(double *w)
{
    const double op_cost[5] = {0.01, 0.02, 0.08, 0.30, 0.05};
    for (int e = 0; e < 6; e++)
        for (int o = 0; o < 5; o++)
            w[e * 5 + o] = op_cost[o] * (1.0 + 0.1 * e);
    w[30] = 0.2;
}

static double dot(const double *x, const double *w, int k)
{
    double s = 0;
    for (int j = 0; j < k; j++)
        s += x[j] * w[j];
    return s;
}

/* Target = 2.5 x proxy + 0.3 ms: b = 0 for every lambda, a and c exact. */
static void test_ada_scaled_proxy(void **state)
{
    (void)state;
    size_t n = 40;
    double X[40 * K], y[40], w[K];
    proxy_weights(w);
    random_archs(X, n, 1);
    for (size_t i = 0; i < n; i++)
        y[i] = 2.5 * dot(X + i * K, w, K) + 0.3;
    hw_ada_result r;
    assert_int_equal(hw_adaproxy_fit(w, K, X, y, n, 34, &OPTS, &r, NULL), 0);
    for (int j = 0; j < K - 1; j++)
        assert_close(r.pred.w[j], 2.5 * w[j], 1e-9);
    double x0[K];
    random_archs(x0, 1, 99);
    assert_close(hw_devpred_eval(&r.pred, x0, NAN), 2.5 * dot(x0, w, K) + 0.3, 1e-9);
    assert_close(r.b_norm, 0.0, 1e-9);
    /* archs with equal true latency (ties) get predictions that differ by rounding only */
    assert_close(r.est_srcc, 1.0, 1e-3);
}

/* Target = proxy with per-operator corrections b_true (no noise): the
 * adapted predictor must reproduce unseen archs closely. */
static void test_ada_recovers_correction(void **state)
{
    (void)state;
    size_t n = 70, m = 500;
    double *X = malloc((n + m) * K * sizeof *X), y[70], w[K], wt[K];
    proxy_weights(w);
    for (int j = 0; j < K; j++)
        wt[j] = w[j] * (1.0 + ((j * 7) % 5 == 0 ? 0.8 : (j % 3 == 0 ? -0.4 : 0.0)));
    random_archs(X, n + m, 3);
    for (size_t i = 0; i < n; i++)
        y[i] = dot(X + i * K, wt, K);
    hw_ada_result r;
    assert_int_equal(hw_adaproxy_fit(w, K, X, y, n, 60, &OPTS, &r, NULL), 0);
    double worst = 0;
    for (size_t i = n; i < n + m; i++) {
        double t = dot(X + i * K, wt, K), p = hw_devpred_eval(&r.pred, X + i * K, NAN);
        worst = fmax(worst, fabs(p - t) / t);
    }
    printf("worst relative error on %zu unseen archs: %.3g (mu %.3g)\n", m, worst, r.mu);
    assert_true(worst < 1e-2);
    free(X);
}

/* The solution must satisfy the optimality conditions of
 * (1/n)||X(w.*(a+b)) + c - y||^2 + lambda ||b||_2 on median-normalised y:
 * sum r = 0, u'r = 0 (u = Xw), (2/n) Z'r + lambda b/||b|| = 0 (Z = X diag w). */
static void check_kkt(hw_ada_select sel)
{
    size_t n = 70;
    double X[70 * K], y[70], w[K], ynorm[70];
    proxy_weights(w);
    random_archs(X, n, 5);
    hw_rng rng;
    hw_rng_seed(&rng, 11, 0);
    for (size_t i = 0; i < n; i++)
        y[i] = dot(X + i * K, w, K) * (1.0 + 0.3 * X[i * K + 13] - 0.2 * X[i * K + 27]) + 0.05 * hw_rng_normal(&rng);
    hw_ada_opts o = OPTS;
    o.select = sel;
    hw_ada_result r;
    assert_int_equal(hw_adaproxy_fit(w, K, X, y, n, 60, &o, &r, NULL), 0);
    double med = hw_median_finite(y, n), b[K], res[70], s1 = 0, su = 0;
    for (size_t i = 0; i < n; i++)
        ynorm[i] = y[i] / med;
    for (int j = 0; j < K; j++)
        b[j] = r.pred.w[j] / med / w[j] - r.a;
    for (size_t i = 0; i < n; i++) {
        res[i] = hw_devpred_eval(&r.pred, X + i * K, NAN) / med - ynorm[i];
        s1 += res[i], su += res[i] * dot(X + i * K, w, K);
    }
    assert_close(s1, 0.0, 1e-8);
    assert_close(su, 0.0, 1e-8);
    assert_true(r.b_norm > 1e-6);
    double worst = 0;
    for (int j = 0; j < K; j++) {
        double g = 0;
        for (size_t i = 0; i < n; i++)
            g += X[i * K + j] * w[j] * res[i];
        worst = fmax(worst, fabs(2.0 / (double)n * g + r.lambda * b[j] / r.b_norm));
    }
    printf("lambda %.4g, mu %.4g, |stationarity| max %.3g\n", r.lambda, r.mu, worst);
    assert_true(worst < 1e-8);
}

static void test_ada_kkt_cv(void **state) { (void)state; check_kkt(HW_ADA_LAMBDA_CV); }
static void test_ada_kkt_holdout(void **state) { (void)state; check_kkt(HW_ADA_LAMBDA_HOLDOUT); }

static void test_decision(void **state)
{
    (void)state;
    size_t n = 30;
    double X[30 * K], pl[30], y[30], yneg[30], w[K];
    proxy_weights(w);
    random_archs(X, n, 8);
    for (size_t i = 0; i < n; i++) {
        pl[i] = dot(X + i * K, w, K);
        y[i] = 3.0 * pl[i] + 1.0;
        yneg[i] = 20.0 - pl[i] * (1.0 + 0.5 * X[i * K + 18]);
    }
    hw_target_fit f;
    assert_int_equal(hw_target_fit_one(w, K, X, pl, y, n, 25, 0.9, HW_DECIDE_BY_THRESHOLD, &OPTS, &f, NULL), 0);
    assert_true(f.reuse);
    assert_close(f.sample_srcc, 1.0, 1e-12);
    assert_close(f.pred.a, 3.0, 1e-9);
    assert_close(f.pred.c, 1.0, 1e-9);
    assert_int_equal(hw_target_fit_one(w, K, X, pl, y, n, 25, 0.9, HW_DECIDE_BY_CV, &OPTS, &f, NULL), 0);
    assert_true(f.reuse); /* CV cannot beat a perfect proxy */
    assert_int_equal(hw_target_fit_one(w, K, X, pl, yneg, n, 25, 0.9, HW_DECIDE_BY_CV, &OPTS, &f, NULL), 0);
    assert_false(f.reuse);
    assert_true(f.sample_srcc < 0);
    assert_int_equal(f.pred.kind, HW_PRED_LINEAR);
}

static void test_bad_input(void **state)
{
    (void)state;
    double X[3 * K] = {0}, y[3] = {1, 2, 3}, w[K] = {0};
    hw_ada_result r;
    hw_err err = {0};
    assert_int_equal(hw_adaproxy_fit(w, K, X, y, 3, 2, &OPTS, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "at least 4 samples"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsq_exact),       cmocka_unit_test(test_lsq_minnorm),
        cmocka_unit_test(test_ada_scaled_proxy), cmocka_unit_test(test_ada_recovers_correction),
        cmocka_unit_test(test_ada_kkt_cv),      cmocka_unit_test(test_ada_kkt_holdout),
        cmocka_unit_test(test_decision),        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
