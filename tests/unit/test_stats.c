/* test_stats.c - unit tests for average ranks, Spearman, Kendall tau-b, Pareto front, hypervolume. */
#include "testutil.h"

#include "hwnas/rng.h"
#include "hwnas/stats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------- independent O(n^2) references ---------- */

/* Kendall tau-b by counting every pair: C, D, ties only in x, ties only in y
 * (joint ties count in neither); tau_b = (C - D) / sqrt((C+D+Tx)(C+D+Ty)). */
static double brute_tau_b(const double *x, const double *y, size_t n, size_t *used)
{
    double c = 0, d = 0, tx = 0, ty = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        m++;
        for (size_t j = i + 1; j < n; j++) {
            if (isnan(x[j]) || isnan(y[j]))
                continue;
            int sx = (x[i] > x[j]) - (x[i] < x[j]), sy = (y[i] > y[j]) - (y[i] < y[j]);
            if (sx * sy > 0)
                c++;
            else if (sx * sy < 0)
                d++;
            else if (sx == 0 && sy != 0)
                tx++;
            else if (sy == 0 && sx != 0)
                ty++;
        }
    }
    *used = m;
    double den = (c + d + tx) * (c + d + ty);
    return m < 2 || den == 0 ? NAN : (c - d) / sqrt(den);
}

/* Average rank by counting: #less + (#equal + 1) / 2. */
static double brute_rank(const double *v, size_t m, size_t i)
{
    double less = 0, eq = 0;
    for (size_t j = 0; j < m; j++) {
        less += v[j] < v[i];
        eq += v[j] == v[i];
    }
    return less + (eq + 1) / 2;
}

/* Textbook Pearson on brute-force ranks of the complete pairs (m <= 512). */
static double brute_spearman(const double *x, const double *y, size_t n)
{
    double xs[512], ys[512], rx[512], ry[512], mx = 0, my = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            xs[m] = x[i];
            ys[m++] = y[i];
        }
    for (size_t i = 0; i < m; i++) {
        rx[i] = brute_rank(xs, m, i);
        ry[i] = brute_rank(ys, m, i);
        mx += rx[i] / (double)m;
        my += ry[i] / (double)m;
    }
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < m; i++) {
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
        sxy += (rx[i] - mx) * (ry[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* Random values from a small alphabet (many ties), ~5% NaN, ~5% -inf, ~3% +inf. */
static double tie_heavy(hw_rng *r, int levels)
{
    uint64_t u = hw_rng_below(r, 100);
    if (u < 5)
        return NAN;
    if (u < 10)
        return -INFINITY;
    if (u < 13)
        return INFINITY;
    return (double)hw_rng_below(r, (uint64_t)levels);
}

/* ---------- average ranks ---------- */

static void test_rank_average_ties(void **state)
{
    (void)state;
    /* sorted: 10 | 20 20 20 | 30 -> positions 1 | 2 3 4 | 5; the 20s get (2+3+4)/3 = 3 */
    const double x[] = {10, 20, 20, 30, 20};
    const double want[] = {1, 3, 3, 5, 3};
    double r[5];
    assert_int_equal(hw_rank_average(x, 5, r), 0);
    for (size_t i = 0; i < 5; i++)
        assert_close(r[i], want[i], 0);
    assert_int_equal(hw_rank_average(x, 0, r), 0);
}

static void test_rank_average_infinities(void **state)
{
    (void)state;
    /* sorted: -inf -inf | 5 | inf inf -> -inf gets (1+2)/2 = 1.5, 5 gets 3, inf gets (4+5)/2 = 4.5 */
    const double x[] = {-INFINITY, 5, -INFINITY, INFINITY, INFINITY};
    const double want[] = {1.5, 3, 1.5, 4.5, 4.5};
    double r[5];
    assert_int_equal(hw_rank_average(x, 5, r), 0);
    for (size_t i = 0; i < 5; i++)
        assert_close(r[i], want[i], 0);
}

/* ---------- Spearman ---------- */

static void test_spearman_ties_hand(void **state)
{
    (void)state;
    /* rx = [1, 2.5, 2.5, 4], ry = [1, 3, 2, 4], both means 2.5
     * dx = [-1.5, 0, 0, 1.5], dy = [-1.5, 0.5, -0.5, 1.5]
     * sxy = 2.25 + 0 + 0 + 2.25 = 4.5; sxx = 4.5; syy = 2.25+0.25+0.25+2.25 = 5
     * rho = 4.5 / sqrt(4.5 * 5) = sqrt(0.9) = 0.9486832980505138 */
    const double x[] = {1, 2, 2, 3}, y[] = {1, 3, 2, 4};
    size_t used = 99;
    assert_close(hw_spearman(x, y, 4, &used), sqrt(0.9), 1e-15);
    assert_int_equal(used, 4);
}

static void test_spearman_scipy_doc(void **state)
{
    (void)state;
    /* scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]).statistic = 0.8207826816681233
     * (example in the scipy documentation). By hand: ry = [1,2,3.5,5,3.5],
     * dx = [-2,-1,0,1,2], dy = [-2,-1,.5,2,.5]: sxy = 8, sxx = 10, syy = 9.5,
     * rho = 8 / sqrt(95). */
    const double x[] = {1, 2, 3, 4, 5}, y[] = {5, 6, 7, 8, 7};
    assert_close(hw_spearman(x, y, 5, NULL), 0.8207826816681233, 1e-15);
    assert_close(hw_spearman(x, y, 5, NULL), 8.0 / sqrt(95.0), 1e-15);
}

/* ---------- Kendall tau-b ---------- */

static void test_kendall_ties_hand(void **state)
{
    (void)state;
    /* x = [1,2,2,3], y = [1,3,2,4]; pairs (i,j):
     * (0,1) C  (0,2) C  (0,3) C  (1,2) x-tie (y 3 vs 2)  (1,3) C  (2,3) C
     * C = 5, D = 0, n0 = 6, n1 (x ties) = 1, n2 (y ties) = 0
     * tau_b = 5 / sqrt((6-1)(6-0)) = 5 / sqrt(30) = 0.9128709291752769 */
    const double x[] = {1, 2, 2, 3}, y[] = {1, 3, 2, 4};
    size_t used = 99;
    assert_close(hw_kendall_tau_b(x, y, 4, &used), 5.0 / sqrt(30.0), 1e-15);
    assert_int_equal(used, 4);
}

static void test_kendall_joint_ties_hand(void **state)
{
    (void)state;
    /* x = [1,2,2,3,3], y = [3,1,1,2,4]; pairs (i,j):
     * (0,1) D  (0,2) D  (0,3) D  (0,4) C  (1,2) joint tie (x 2=2, y 1=1)
     * (1,3) C  (1,4) C  (2,3) C  (2,4) C  (3,4) x-tie (y 2 vs 4)
     * C = 5, D = 3; n0 = 10; x ties n1 = 2 ((1,2),(3,4)); y ties n2 = 1 ((1,2))
     * tau_b = (5-3) / sqrt((10-2)(10-1)) = 2 / sqrt(72) = 0.23570226039551587 */
    const double x[] = {1, 2, 2, 3, 3}, y[] = {3, 1, 1, 2, 4};
    assert_close(hw_kendall_tau_b(x, y, 5, NULL), 2.0 / sqrt(72.0), 1e-15);
}

static void test_kendall_scipy_doc(void **state)
{
    (void)state;
    /* scipy.stats.kendalltau([12,2,1,12,2], [1,4,7,1,0]).statistic = -0.47140452079103173
     * (example in the scipy documentation). By hand: C = 2 ((0,4),(3,4)), D = 6,
     * joint tie (0,3), x-tie (1,4); n1 = 2, n2 = 1, n0 = 10:
     * tau_b = (2-6) / sqrt(8 * 9) = -4 / sqrt(72). */
    const double x[] = {12, 2, 1, 12, 2}, y[] = {1, 4, 7, 1, 0};
    assert_close(hw_kendall_tau_b(x, y, 5, NULL), -0.47140452079103173, 1e-15);
}

/* ---------- shared conventions: NaN, infinities, degenerate, perfect ---------- */

static void test_nan_pairs_excluded(void **state)
{
    (void)state;
    /* Dropping the pairs with a NaN (i = 1, 4) leaves exactly the tie case
     * x = [1,2,2,3], y = [1,3,2,4]: rho = sqrt(0.9), tau_b = 5/sqrt(30). */
    const double x[] = {1, NAN, 2, 2, 7, 3}, y[] = {1, 9, 3, 2, NAN, 4};
    size_t used = 99;
    assert_close(hw_spearman(x, y, 6, &used), sqrt(0.9), 1e-15);
    assert_int_equal(used, 4);
    used = 99;
    assert_close(hw_kendall_tau_b(x, y, 6, &used), 5.0 / sqrt(30.0), 1e-15);
    assert_int_equal(used, 4);
}

static void test_neg_infinity_ranks_lowest(void **state)
{
    (void)state;
    /* x = [-inf, -inf, 0, 1]: the two -inf tie at the bottom, rx = [1.5,1.5,3,4],
     * ry = [1,2,3,4]. dx = [-1,-1,.5,1.5], dy = [-1.5,-.5,.5,1.5]:
     * sxy = 1.5+.5+.25+2.25 = 4.5, sxx = 4.5, syy = 5 -> rho = sqrt(0.9).
     * Kendall: one x-tie (0,1), the other 5 pairs concordant -> 5/sqrt(30).
     * -inf is not missing: all 4 pairs are used. */
    const double x[] = {-INFINITY, -INFINITY, 0, 1}, y[] = {1, 2, 3, 4};
    size_t used = 99;
    assert_close(hw_spearman(x, y, 4, &used), sqrt(0.9), 1e-15);
    assert_int_equal(used, 4);
    assert_close(hw_kendall_tau_b(x, y, 4, &used), 5.0 / sqrt(30.0), 1e-15);
    assert_int_equal(used, 4);
    /* Reversed order of y: the -inf still rank lowest, so the sign flips. */
    const double yr[] = {4, 3, 2, 1};
    assert_close(hw_spearman(x, yr, 4, NULL), -sqrt(0.9), 1e-15);
    assert_close(hw_kendall_tau_b(x, yr, 4, NULL), -5.0 / sqrt(30.0), 1e-15);
}

static void test_degenerate_is_nan(void **state)
{
    (void)state;
    const double c[] = {2, 2, 2, 2}, y[] = {1, 2, 3, 4};
    const double ninf[] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    const double nan4[] = {NAN, NAN, NAN, NAN}, one[] = {NAN, 1, NAN, NAN};
    size_t used = 99;
    assert_true(isnan(hw_spearman(c, y, 4, &used)));
    assert_int_equal(used, 4);
    assert_true(isnan(hw_kendall_tau_b(y, c, 4, &used)));
    assert_int_equal(used, 4);
    assert_true(isnan(hw_spearman(ninf, y, 4, NULL))); /* -inf ties with -inf */
    assert_true(isnan(hw_kendall_tau_b(ninf, y, 4, NULL)));
    assert_true(isnan(hw_spearman(nan4, y, 4, &used)));
    assert_int_equal(used, 0);
    assert_true(isnan(hw_kendall_tau_b(one, y, 4, &used))); /* 1 complete pair */
    assert_int_equal(used, 1);
    assert_true(isnan(hw_spearman(y, y, 1, &used)));
    assert_int_equal(used, 1);
    assert_true(isnan(hw_kendall_tau_b(y, y, 0, &used)));
    assert_int_equal(used, 0);
}

static void test_perfect_correlation(void **state)
{
    (void)state;
    double x[10], up[10], down[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1;
        up[i] = x[i] * x[i] * x[i]; /* monotone, non-linear */
        down[i] = -2.0 * x[i];
    }
    assert_close(hw_spearman(x, up, 10, NULL), 1.0, 1e-15);
    assert_close(hw_kendall_tau_b(x, up, 10, NULL), 1.0, 1e-15);
    assert_close(hw_spearman(x, down, 10, NULL), -1.0, 1e-15);
    assert_close(hw_kendall_tau_b(x, down, 10, NULL), -1.0, 1e-15);
    /* With ties on both sides in the same places tau_b (unlike tau_a) is 1. */
    const double a[] = {1, 1, 2, 3, 3}, b[] = {5, 5, 6, 9, 9};
    assert_close(hw_kendall_tau_b(a, b, 5, NULL), 1.0, 1e-15);
    assert_close(hw_spearman(a, b, 5, NULL), 1.0, 1e-15);
}

static void test_random_vs_brute_force(void **state)
{
    (void)state;
    enum { N = 400 };
    double x[N], y[N];
    hw_rng r;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        hw_rng_seed(&r, seed, 77);
        int levels = (int)seed * 3; /* 3..18 distinct finite values: many ties */
        for (size_t i = 0; i < N; i++) {
            x[i] = tie_heavy(&r, levels);
            /* half the seeds correlated (y follows x with noise), half independent */
            y[i] = (seed % 2 && !isnan(x[i]) && hw_rng_below(&r, 4)) ? x[i] + (double)hw_rng_below(&r, 3)
                                                                  : tie_heavy(&r, levels);
        }
        size_t used_fast = 0, used_slow = 1;
        double fast = hw_kendall_tau_b(x, y, N, &used_fast);
        double slow = brute_tau_b(x, y, N, &used_slow);
        assert_int_equal(used_fast, used_slow);
        assert_true(used_fast > 300);
        assert_close(fast, slow, 1e-12);
        assert_close(hw_spearman(x, y, N, NULL), brute_spearman(x, y, N), 1e-12);
    }
}

static void test_kendall_large_grid(void **state)
{
    (void)state;
    /* n = 15625 = 125 x 125 grid: x = i % 125, y = i / 125. Every x value and
     * every y value is tied 125 times; over pairs with distinct x and y,
     * concordant = discordant = C(125,2)^2 = 7750^2, so tau_b = 0 exactly.
     * n0 = 15625*15624/2 = 122,062,500 exercises 64-bit counts. With y = x the
     * ties coincide and tau_b = 1; Spearman likewise gives 0 and 1. */
    enum { N = 15625 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(i % 125);
        y[i] = (double)(i / 125);
    }
    size_t used = 0;
    assert_close(hw_kendall_tau_b(x, y, N, &used), 0.0, 1e-12);
    assert_int_equal(used, N);
    assert_close(hw_spearman(x, y, N, NULL), 0.0, 1e-12);
    assert_close(hw_kendall_tau_b(x, x, N, NULL), 1.0, 1e-15);
    assert_close(hw_spearman(x, x, N, NULL), 1.0, 1e-15);
    free(x);
    free(y);
}

/* ---------- Pareto front ---------- */

static void test_pareto_hand(void **state)
{
    (void)state;
    /*  i  score  lat
     *  0  0.90   10   front (and 2 is its exact duplicate)
     *  1  0.80    5   front (and 10 is its exact duplicate)
     *  2  0.90   10   front
     *  3  0.70    5   dominated by 1 (same lat, lower score)
     *  4  NaN     1   ignored
     *  5  0.95   20   front
     *  6  0.50    1   front (lowest latency, best score there)
     *  7  0.85   12   dominated by 0
     *  8  0.95   25   dominated by 5 (same score, higher lat)
     *  9  0.60   NaN  ignored
     * 10  0.80    5   front
     * 11  0.40    1   dominated by 6
     * order: lat 1: 6; lat 5: 1, 10; lat 10: 0, 2; lat 20: 5 */
    const double s[] = {0.9, 0.8, 0.9, 0.7, NAN, 0.95, 0.5, 0.85, 0.95, 0.6, 0.8, 0.4};
    const double l[] = {10, 5, 10, 5, 1, 20, 1, 12, 25, NAN, 5, 1};
    const size_t want[] = {6, 1, 10, 0, 2, 5};
    size_t out[N_OF(s)];
    size_t k = hw_pareto_front(s, l, N_OF(s), out);
    assert_int_equal(k, N_OF(want));
    for (size_t i = 0; i < k; i++)
        assert_int_equal(out[i], want[i]);
}

static void test_pareto_edges(void **state)
{
    (void)state;
    size_t out[4];
    const double nan2[] = {NAN, NAN}, l2[] = {1, 2};
    assert_int_equal(hw_pareto_front(nan2, l2, 2, out), 0);
    assert_int_equal(hw_pareto_front(nan2, l2, 0, out), 0);
    /* Points (score, lat): 0 (-inf, 0), 1 (1, 5), 2 (1, 7), 3 (inf, inf).
     * 0 has the lowest latency, so even a -inf score is on the front; 3 has the
     * highest score, so even an +inf latency is on the front; 2 is dominated
     * by 1 (same score, lower latency). Front: 0, 1, 3. */
    const double s[] = {-INFINITY, 1, 1, INFINITY}, l[] = {0, 5, 7, INFINITY};
    assert_int_equal(hw_pareto_front(s, l, 4, out), 3);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 3);
    /* A single point is its own front. */
    assert_int_equal(hw_pareto_front(s + 1, l + 1, 1, out), 1);
    assert_int_equal(out[0], 0);
}

/* Brute-force front: i is kept unless some j is >= in score, <= in latency,
 * with one strict; then sorted (insertion) by (lat asc, score desc, index asc). */
static size_t brute_front(const double *s, const double *l, size_t n, size_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(s[i]) || isnan(l[i]))
            continue;
        int dom = 0;
        for (size_t j = 0; j < n && !dom; j++)
            dom = !isnan(s[j]) && !isnan(l[j]) && s[j] >= s[i] && l[j] <= l[i] &&
                  (s[j] > s[i] || l[j] < l[i]);
        if (!dom)
            out[k++] = i;
    }
    for (size_t a = 1; a < k; a++)
        for (size_t b = a; b > 0; b--) {
            size_t p = out[b - 1], q = out[b];
            int before = l[q] < l[p] || (l[q] == l[p] && (s[q] > s[p] || (s[q] == s[p] && q < p)));
            if (!before)
                break;
            out[b - 1] = q;
            out[b] = p;
        }
    return k;
}

static void test_pareto_vs_brute_force(void **state)
{
    (void)state;
    enum { N = 300 };
    double s[N], l[N];
    size_t fast[N], slow[N];
    hw_rng r;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        hw_rng_seed(&r, seed, 5);
        for (size_t i = 0; i < N; i++) {
            s[i] = tie_heavy(&r, 12); /* small grids: many duplicates */
            l[i] = tie_heavy(&r, 12);
        }
        size_t kf = hw_pareto_front(s, l, N, fast), ks = brute_front(s, l, N, slow);
        assert_int_equal(kf, ks);
        for (size_t i = 0; i < kf; i++)
            assert_int_equal(fast[i], slow[i]);
    }
}

/* ---------- hypervolume ---------- */

static void test_hypervolume_hand(void **state)
{
    (void)state;
    /* reference (acc 0, lat 100); A = (0.5, 60), B = (0.75, 80), C = (0.25, 40)
     * A alone: 0.5 * (100-60) = 20
     * A,B: 20 + 0.75*20 - overlap 0.5*20 = 20 + 15 - 10 = 25
     * A,B,C (inclusion-exclusion): C = 0.25*60 = 15, A = 20, B = 15,
     *   A^B = 0.5*20 = 10, A^C = 0.25*40 = 10, B^C = 0.25*20 = 5, A^B^C = 5
     *   -> 15 + 20 + 15 - 10 - 10 - 5 + 5 = 30 */
    const double acc[] = {0.5, 0.75, 0.25, 0.2, 0.5}, lat[] = {60, 80, 40, 90, 60};
    assert_close(hw_hypervolume_2d(acc, lat, 1, 0, 100), 20.0, 1e-12);
    assert_close(hw_hypervolume_2d(acc, lat, 2, 0, 100), 25.0, 1e-12);
    assert_close(hw_hypervolume_2d(acc, lat, 3, 0, 100), 30.0, 1e-12);
    /* D = (0.2, 90) is dominated by A, and index 4 duplicates A: still 30. */
    assert_close(hw_hypervolume_2d(acc, lat, 5, 0, 100), 30.0, 1e-12);
    /* Non-zero reference accuracy: A alone w.r.t. (0.25, 100) = 0.25 * 40 = 10. */
    assert_close(hw_hypervolume_2d(acc, lat, 1, 0.25, 100), 10.0, 1e-12);
    assert_close(hw_hypervolume_2d(acc, lat, 0, 0, 100), 0.0, 0);
}

static void test_hypervolume_outside_reference(void **state)
{
    (void)state;
    /* Only (0.5, 60) is strictly inside the reference box (acc > 0, lat < 100):
     * area 20. The others: acc below ref, acc equal to ref, lat equal to ref,
     * lat above ref, NaN acc, NaN lat -> nothing. */
    const double acc[] = {-0.1, 0.0, 0.9, 0.9, NAN, 0.9, 0.5};
    const double lat[] = {50, 10, 100, 150, 10, NAN, 60};
    assert_close(hw_hypervolume_2d(acc, lat, 7, 0, 100), 20.0, 1e-12);
    assert_close(hw_hypervolume_2d(acc, lat, 6, 0, 100), 0.0, 0);
    /* NaN reference: nothing is strictly better than it. */
    assert_close(hw_hypervolume_2d(acc, lat, 7, NAN, 100), 0.0, 0);
}

static void test_hypervolume_unbounded(void **state)
{
    (void)state;
    /* An infinite side gives +inf (never NaN); +inf acc/-inf lat that are not
     * strictly inside the box still contribute nothing. */
    const double acc[] = {0.5, INFINITY}, lat[] = {60, 70};
    const double ninf_lat[] = {-INFINITY};
    assert_true(isinf(hw_hypervolume_2d(acc, lat, 2, 0, 100)));
    assert_true(isinf(hw_hypervolume_2d(acc, ninf_lat, 1, 0, 100)));
    assert_true(isinf(hw_hypervolume_2d(acc, lat, 1, -INFINITY, 100)));
    assert_true(isinf(hw_hypervolume_2d(acc, lat, 1, 0, INFINITY)));
    assert_close(hw_hypervolume_2d(acc, lat, 2, INFINITY, 100), 0.0, 0);
    assert_close(hw_hypervolume_2d(acc, lat, 2, 0, -INFINITY), 0.0, 0);
}

/* Brute force on an integer grid: count unit cells [a,a+1]x[t,t+1] inside the
 * reference box covered by some point strictly better than the reference. */
static double brute_hv_grid(const double *acc, const double *lat, size_t n, int ra, int rl)
{
    double cells = 0;
    for (int a = ra; a < 20; a++)
        for (int t = -5; t < rl; t++) {
            int cov = 0;
            for (size_t i = 0; i < n && !cov; i++)
                cov = acc[i] > ra && lat[i] < rl && acc[i] >= a + 1 && lat[i] <= t;
            cells += cov;
        }
    return cells;
}

static void test_hypervolume_vs_grid(void **state)
{
    (void)state;
    enum { N = 40 };
    double acc[N], lat[N];
    hw_rng r;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        hw_rng_seed(&r, seed, 9);
        for (size_t i = 0; i < N; i++) {
            acc[i] = (double)hw_rng_below(&r, 16);      /* 0..15, ref acc 3 */
            lat[i] = (double)hw_rng_below(&r, 16) - 2.0; /* -2..13, ref lat 10 */
        }
        acc[seed] = NAN;
        assert_close(hw_hypervolume_2d(acc, lat, N, 3, 10), brute_hv_grid(acc, lat, N, 3, 10), 1e-9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_average_ties),
        cmocka_unit_test(test_rank_average_infinities),
        cmocka_unit_test(test_spearman_ties_hand),
        cmocka_unit_test(test_spearman_scipy_doc),
        cmocka_unit_test(test_kendall_ties_hand),
        cmocka_unit_test(test_kendall_joint_ties_hand),
        cmocka_unit_test(test_kendall_scipy_doc),
        cmocka_unit_test(test_nan_pairs_excluded),
        cmocka_unit_test(test_neg_infinity_ranks_lowest),
        cmocka_unit_test(test_degenerate_is_nan),
        cmocka_unit_test(test_perfect_correlation),
        cmocka_unit_test(test_random_vs_brute_force),
        cmocka_unit_test(test_kendall_large_grid),
        cmocka_unit_test(test_pareto_hand),
        cmocka_unit_test(test_pareto_edges),
        cmocka_unit_test(test_pareto_vs_brute_force),
        cmocka_unit_test(test_hypervolume_hand),
        cmocka_unit_test(test_hypervolume_outside_reference),
        cmocka_unit_test(test_hypervolume_unbounded),
        cmocka_unit_test(test_hypervolume_vs_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
