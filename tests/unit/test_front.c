/* Incremental Pareto front vs the batch hw_pareto_front on random data with ties, NaN and infinities. */
#include "testutil.h"

#include "hwnas/front.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"

static double draw(hw_rng *r)
{
    uint64_t k = hw_rng_below(r, 40);
    return k == 0 ? NAN : k == 1 ? INFINITY : k == 2 ? -INFINITY : (double)hw_rng_below(r, 12);
}

static void test_matches_batch(void **state)
{
    (void)state;
    hw_rng r;
    hw_rng_seed(&r, 42, 1);
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + (size_t)hw_rng_below(&r, 200);
        double s[200], l[200];
        size_t want[200];
        hw_front f = {0};
        for (size_t i = 0; i < n; i++) {
            s[i] = draw(&r), l[i] = draw(&r);
            assert_int_equal(hw_front_add(&f, i, s[i], l[i]), 0);
        }
        size_t m = hw_pareto_front(s, l, n, want);
        assert_int_equal(f.n, m);
        for (size_t k = 0; k < m; k++)
            assert_int_equal(f.idx[k], want[k]);
        hw_front_free(&f);
    }
}

/* Hand-drawn: (score, lat) = A(1,1) B(2,2) C(2,2) D(1,3) E(3,5) F(0,0.5): front F A B C E. */
static void test_hand(void **state)
{
    (void)state;
    double s[] = {1, 2, 2, 1, 3, 0}, l[] = {1, 2, 2, 3, 5, 0.5};
    size_t want[] = {5, 0, 1, 2, 4};
    hw_front f = {0};
    for (size_t i = 0; i < 6; i++)
        hw_front_add(&f, i, s[i], l[i]);
    assert_int_equal(f.n, 5);
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(f.idx[k], want[k]);
    hw_front_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_matches_batch), cmocka_unit_test(test_hand)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
