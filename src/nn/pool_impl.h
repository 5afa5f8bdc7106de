/* Average pooling over `real`: 3x3 stride 1 pad 1 with count_include_pad=False
 * (NB201's avg_pool_3x3) as separable box sums, and 2x2 stride 2 (the ResBlock
 * shortcut). */
#include <string.h>

#include "hwnas/nn_ops.h"
#include "vec_impl.h"

/* In-image taps of a 3-wide window centred at i on a side of n: 1 + neighbours. */
static int FN(taps)(int i, int n)
{
    return 1 + (i > 0) + (i < n - 1);
}

/* Row i of the vertical 3-sum: t = x[i-1] + x[i] + x[i+1] over in-image rows. */
static void FN(vsum_row)(int h, int w, const real *x, int i, real *t)
{
    const real *r = x + (size_t)i * w;
    if (h == 1)
        memcpy(t, r, sizeof(real) * (size_t)w);
    else if (i == 0)
        FN(vec_sum2)((size_t)w, r, r + w, t);
    else if (i == h - 1)
        FN(vec_sum2)((size_t)w, r - w, r, t);
    else
        FN(vec_sum3)((size_t)w, r - w, r, r + w, t);
}

/* y[j] (+)= (t[j-1] + t[j] + t[j+1]) / (rc * taps(j)), in-row taps; rc = 0: no division. */
static void FN(hsum_row)(int w, const real *t, real rc, real *y, int acc)
{
    if (w == 1) {
        real v = rc > 0 ? t[0] / rc : t[0];
        y[0] = acc ? y[0] + v : v;
        return;
    }
    real v0 = t[0] + t[1], vl = t[w - 2] + t[w - 1];
    if (rc > 0)
        v0 /= rc * 2, vl /= rc * 2;
    FN(vec_sum3_div)((size_t)(w - 2), t, t + 1, t + 2, rc > 0 ? rc * 3 : 1, y + 1, acc);
    y[0] = acc ? y[0] + v0 : v0;
    y[w - 1] = acc ? y[w - 1] + vl : vl;
}

/* One plane (H,W) -> (H,W); t is one row of scratch. */
static void FN(pool3_plane)(int h, int w, const real *x, real *y, int acc, real *t)
{
    for (int i = 0; i < h; i++) {
        FN(vsum_row)(h, w, x, i, t);
        FN(hsum_row)(w, t, (real)FN(taps)(i, h), y + (size_t)i * w, acc);
    }
}

void FN(hw_pool3_fwd)(int b, int c, int h, int w, const real *x, real *y, int acc, real *tmp)
{
    size_t hw = (size_t)h * w;
    for (size_t p = 0; p < (size_t)b * c; p++)
        FN(pool3_plane)(h, w, x + p * hw, y + p * hw, acc, tmp);
}

/* dx += box3(dy / taps): every output spreads dy/count over its in-image taps,
 * and the 3x3 window is symmetric. tmp holds the scaled plane and one row. */
void FN(hw_pool3_bwd)(int b, int c, int h, int w, const real *dy, real *dx, real *tmp)
{
    size_t hw = (size_t)h * w;
    real *z = tmp, *t = tmp + hw;
    for (size_t p = 0; p < (size_t)b * c; p++) {
        for (int i = 0; i < h; i++) {
            const real *g = dy + p * hw + (size_t)i * w;
            real rc = (real)FN(taps)(i, h);
            for (int j = 0; j < w; j++)
                z[(size_t)i * w + j] = g[j] / (rc * (real)FN(taps)(j, w));
        }
        for (int i = 0; i < h; i++) {
            FN(vsum_row)(h, w, z, i, t);
            FN(hsum_row)(w, t, 0, dx + p * hw + (size_t)i * w, 1);
        }
    }
}

void FN(hw_pool2_fwd)(int b, int c, int h, int w, const real *x, real *y)
{
    int oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < (size_t)b * c; p++) {
        const real *s = x + p * h * w;
        real *t = y + p * oh * ow;
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                t[i * ow + j] = (s[2 * i * w + 2 * j] + s[2 * i * w + 2 * j + 1] + s[(2 * i + 1) * w + 2 * j] +
                                 s[(2 * i + 1) * w + 2 * j + 1]) / (real)4;
    }
}

void FN(hw_pool2_bwd)(int b, int c, int h, int w, const real *dy, real *dx)
{
    int oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < (size_t)b * c; p++) {
        const real *g = dy + p * oh * ow;
        real *d = dx + p * h * w;
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                real v = g[i * ow + j] / (real)4;
                d[2 * i * w + 2 * j] += v;
                d[2 * i * w + 2 * j + 1] += v;
                d[(2 * i + 1) * w + 2 * j] += v;
                d[(2 * i + 1) * w + 2 * j + 1] += v;
            }
    }
}
