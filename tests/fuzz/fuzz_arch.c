/* fuzz_arch.c - libFuzzer target: hw_nb201_parse / hw_nb201_key_fn on arbitrary strings (strict round trip). */
#include "fuzz_tmp.h"

#include "hwnas/nb201.h"

/* A successful parse is strict: every op is valid, formatting gives the input back, the key round-trips. */
static void check_parsed(const char *s, const hw_nb201_arch *a)
{
    char out[HW_NB201_STR_MAX];
    hw_nb201_arch b;
    for (int e = 0; e < HW_NB201_EDGES; e++)
        FUZZ_CHECK(a->op[e] < HW_NB201_OPS);
    hw_nb201_format(a, out);
    FUZZ_CHECK(strcmp(out, s) == 0);
    uint32_t key = hw_nb201_key(a);
    FUZZ_CHECK(key < HW_NB201_N_ARCHS);
    hw_nb201_from_key(key, &b);
    FUZZ_CHECK(memcmp(a->op, b.op, sizeof b.op) == 0);
}

/* The same answer with no reason buffer, a 1-byte one and a full one; the reason is set on failure. */
static int parse_three_ways(const char *s, hw_nb201_arch *a)
{
    char tiny[1] = {'x'}, why[256] = "";
    int rc = hw_nb201_parse(s, a, NULL, 0);
    FUZZ_CHECK(hw_nb201_parse(s, a, tiny, sizeof tiny) == rc);
    FUZZ_CHECK(rc || tiny[0] == 'x');
    FUZZ_CHECK(!rc || tiny[0] == '\0');
    FUZZ_CHECK(hw_nb201_parse(s, a, why, sizeof why) == rc);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(rc == 0 || (why[0] != '\0' && fuzz_terminated(why, sizeof why)));
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1); /* exact size: ASan sees any read past the terminator */
    char why[64];
    hw_nb201_arch a;
    uint32_t key = UINT32_MAX;
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    int rc = parse_three_ways(s, &a);
    if (rc == 0)
        check_parsed(s, &a);
    FUZZ_CHECK((hw_nb201_key_fn(s, &key, why, sizeof why) == 0) == (rc == 0));
    FUZZ_CHECK(rc != 0 || key == hw_nb201_key(&a));
    free(s);
    return 0;
}
