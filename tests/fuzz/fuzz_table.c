/* fuzz_table.c - libFuzzer target: hw_table_load on arbitrary CSV, with the NB201 key function and a permissive one. */
#include "fuzz_tmp.h"

#include <math.h>

#include "hwnas/nb201.h"
#include "hwnas/table.h"

#define DEEP_CHECK_ROWS 64 /* rows whose lookups are checked (O(n) each) */

/* Accepts any string: 32-bit FNV-1a, so different strings may collide (a duplicate). */
static int fnv_key(const char *s, uint32_t *key, char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    *key = h;
    return 0;
}

/* Column j: names found by hw_table_col, missing counts match the NaN cells, values finite and >= 0. */
static void check_col(const hw_table *t, size_t j)
{
    size_t nan = 0;
    FUZZ_CHECK(t->col[j] != NULL && t->col[j][0] != '\0');
    FUZZ_CHECK(hw_table_col(t, t->col[j]) == (int)j);
    for (size_t i = 0; i < t->n_rows; i++) {
        double v = t->val[i * t->n_cols + j];
        nan += isnan(v) != 0;
        FUZZ_CHECK(isnan(v) || (isfinite(v) && v >= 0 && !signbit(v)));
    }
    FUZZ_CHECK(t->n_missing[j] == nan);
    FUZZ_CHECK(t->n_negative[j] <= t->n_missing[j]);
}

/* Row i: its key is what key_fn gives, lines increase, keys and indices are unique. */
static void check_row(const hw_table *t, hw_arch_key_fn key_fn, size_t i)
{
    uint32_t key;
    char why[64];
    FUZZ_CHECK(t->arch_str[i] != NULL);
    FUZZ_CHECK(key_fn(t->arch_str[i], &key, why, sizeof why) == 0 && key == t->key[i]);
    FUZZ_CHECK(t->arch_index[i] >= 0);
    FUZZ_CHECK(i == 0 || t->line[i] > t->line[i - 1]);
    if (i >= DEEP_CHECK_ROWS)
        return;
    FUZZ_CHECK(hw_table_find_key(t, t->key[i]) == (long)i);
    for (size_t k = 0; k < i; k++)
        FUZZ_CHECK(t->arch_index[k] != t->arch_index[i]);
}

static void check_table(const hw_table *t, const char *path, hw_arch_key_fn key_fn)
{
    FUZZ_CHECK(t->path != NULL && strcmp(t->path, path) == 0);
    FUZZ_CHECK(t->n_rows >= 1 && t->n_cols >= 1);
    for (size_t j = 0; j < t->n_cols; j++)
        check_col(t, j);
    for (size_t i = 0; i < t->n_rows; i++)
        check_row(t, key_fn, i);
}

static void load_once(const char *path, hw_arch_key_fn key_fn)
{
    hw_table t;
    hw_err e = {0};
    int rc = hw_table_load(path, key_fn, &t, &e);
    if (rc) {
        fuzz_check_err(rc, &e);
        FUZZ_CHECK(t.path == NULL && t.val == NULL && t.n_rows == 0 && t.n_cols == 0);
    } else {
        check_table(&t, path, key_fn);
    }
    hw_table_free(&t);
    FUZZ_CHECK(t.path == NULL && t.n_rows == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "table.csv");
    load_once(path, hw_nb201_key_fn);
    load_once(path, fnv_key);
    return 0;
}
