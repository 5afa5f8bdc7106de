/* fuzz_measured.c - libFuzzer target: hw_measured_load on arbitrary CSV, with the NB201 key function and a permissive one. */
#include "fuzz_tmp.h"

#include <math.h>

#include "hwnas/nb201.h"
#include "hwnas/table.h"

#define DEEP_CHECK_ROWS 64 /* rows checked pairwise for duplicates */
#define DEVICE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* Accepts any string: the string's length, so that many strings share a key. */
static int length_key(const char *s, uint32_t *key, char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    *key = (uint32_t)strlen(s);
    return 0;
}

/* Row i: its key is what key_fn gives, a valid device, a finite positive latency, no duplicate pair. */
static void check_row(const hw_measured *m, hw_arch_key_fn key_fn, size_t i)
{
    uint32_t key;
    char why[64];
    FUZZ_CHECK(m->arch_str[i] != NULL && m->device[i] != NULL);
    FUZZ_CHECK(key_fn(m->arch_str[i], &key, why, sizeof why) == 0 && key == m->key[i]);
    FUZZ_CHECK(m->device[i][0] != '\0' && strspn(m->device[i], DEVICE_CHARS) == strlen(m->device[i]));
    FUZZ_CHECK(isfinite(m->latency_ms[i]) && m->latency_ms[i] > 0);
    FUZZ_CHECK(i == 0 || m->line[i] > m->line[i - 1]);
    for (size_t k = 0; i < DEEP_CHECK_ROWS && k < i; k++)
        FUZZ_CHECK(m->key[k] != m->key[i] || strcmp(m->device[k], m->device[i]) != 0);
}

static void load_once(const char *path, hw_arch_key_fn key_fn)
{
    hw_measured m;
    hw_err e = {0};
    int rc = hw_measured_load(path, key_fn, &m, &e);
    if (rc) {
        fuzz_check_err(rc, &e);
        FUZZ_CHECK(m.path == NULL && m.key == NULL && m.n == 0);
    } else {
        FUZZ_CHECK(m.path != NULL && strcmp(m.path, path) == 0 && m.n >= 1);
        for (size_t i = 0; i < m.n; i++)
            check_row(&m, key_fn, i);
    }
    hw_measured_free(&m);
    FUZZ_CHECK(m.path == NULL && m.n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "measured.csv");
    load_once(path, hw_nb201_key_fn);
    load_once(path, length_key);
    return 0;
}
