/* test_cifar.c - CIFAR-10/100 binary reader against the facts in the data
 * READMEs (record counts, first labels, pixel means), normalisation by hand,
 * the seeded batch choice, and the one-line errors for missing, truncated and
 * malformed files. */
#include "testutil.h"

#include <unistd.h>

#include "hwnas/cifar.h"

static void data_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", test_data_dir(), rel);
}

/* Writes n bytes into a fresh temporary file; path goes to buf (64 bytes). */
static const char *write_bin(char *buf, const uint8_t *bytes, size_t n)
{
    snprintf(buf, 64, "/tmp/hwnas-cifar-XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return buf;
}

static int load_or_skip(const char *rel, int classes, hw_cifar *c)
{
    char path[512];
    hw_err err;
    data_path(path, sizeof path, rel);
    if (access(path, R_OK) != 0)
        return -1;
    if (hw_cifar_load(path, classes, c, &err))
        fail_msg("%s", err.msg);
    return 0;
}

static void test_cifar10_facts(void **state)
{
    (void)state;
    hw_cifar c;
    if (load_or_skip("cifar10/data_batch_1_first1102.bin", 10, &c))
        skip();
    assert_int_equal(c.n, 1102);
    const int first[10] = {6, 9, 9, 4, 1, 1, 2, 7, 8, 3}; /* README: the known CIFAR-10 order */
    for (int i = 0; i < 10; i++)
        assert_int_equal(c.label[i], first[i]);
    /* README: RGB means of the kept images 0.491/0.484/0.446, so the normalised
     * means are within 0.01 of (0.491*255 - 125.3)/63.0 etc. */
    double sum[3] = {0}, *x = malloc(HW_CIFAR_PIXELS * sizeof *x);
    for (long r = 0; r < c.n; r++) {
        hw_cifar_normalise(&c, r, x);
        for (int i = 0; i < HW_CIFAR_PIXELS; i++)
            sum[i / 1024] += x[i];
    }
    const double rgb[3] = {0.491, 0.484, 0.446}, m[3] = {125.3, 123.0, 113.9}, s[3] = {63.0, 62.1, 66.7};
    for (int ch = 0; ch < 3; ch++)
        assert_close(sum[ch] / (1024.0 * c.n), (rgb[ch] * 255 - m[ch]) / s[ch], 0.01);
    /* one pixel by hand */
    hw_cifar_normalise(&c, 0, x);
    assert_close(x[2048 + 5], (c.pixels[2048 + 5] - 113.9) / 66.7, 1e-12);
    free(x);
    hw_cifar_free(&c);
}

static void test_cifar100_facts(void **state)
{
    (void)state;
    hw_cifar c;
    if (load_or_skip("cifar100/train_first1117.bin", 100, &c))
        skip();
    assert_int_equal(c.n, 1117);
    const int fine[10] = {19, 29, 0, 11, 1, 86, 90, 28, 23, 31}; /* README: cattle, dinosaur, apple, ... */
    for (int i = 0; i < 10; i++)
        assert_int_equal(c.label[i], fine[i]);
    hw_cifar_free(&c);
    /* the CIFAR-100 file read as CIFAR-10 is not a whole number of records */
    char path[512];
    hw_err err;
    data_path(path, sizeof path, "cifar100/train_first1117.bin");
    assert_int_equal(hw_cifar_load(path, 10, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "3073-byte records"));
}

static void test_batches(void **state)
{
    (void)state;
    hw_cifar c;
    if (load_or_skip("cifar10/data_batch_1_first1102.bin", 10, &c))
        skip();
    hw_batches a, b, d;
    hw_err err;
    assert_int_equal(hw_cifar_batches(&c, 64, 2, 7, &a, &err), 0);
    assert_int_equal(hw_cifar_batches(&c, 64, 2, 7, &b, &err), 0);
    assert_int_equal(hw_cifar_batches(&c, 64, 2, 8, &d, &err), 0);
    size_t nx = (size_t)128 * HW_CIFAR_PIXELS;
    assert_memory_equal(a.x, b.x, nx * sizeof(double));
    assert_memory_equal(a.y, b.y, 128 * sizeof(int));
    assert_true(memcmp(a.x, d.x, nx * sizeof(double)) != 0);
    /* every image is a distinct record with its own label */
    double *x = malloc(HW_CIFAR_PIXELS * sizeof *x);
    int *used = calloc((size_t)c.n, sizeof *used), found = 0;
    for (int i = 0; i < 128; i++)
        for (long r = 0; r < c.n; r++) {
            hw_cifar_normalise(&c, r, x);
            if (memcmp(x, a.x + (size_t)i * HW_CIFAR_PIXELS, HW_CIFAR_PIXELS * sizeof *x) == 0) {
                assert_int_equal(a.y[i], c.label[r]);
                assert_int_equal(used[r], 0);
                used[r] = 1, found++;
                break;
            }
        }
    assert_int_equal(found, 128);
    hw_batches_free(&b);
    assert_int_equal(hw_cifar_batches(&c, 600, 2, 7, &b, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "1102"));
    free(x), free(used);
    hw_batches_free(&a), hw_batches_free(&d);
    hw_cifar_free(&c);
}

static void test_errors(void **state)
{
    (void)state;
    hw_cifar c;
    hw_err err;
    char path[64];
    assert_int_equal(hw_cifar_load("/nonexistent/cifar.bin", 10, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "/nonexistent/cifar.bin: cannot open"));
    assert_null(strchr(err.msg, '\n'));

    uint8_t *rec = calloc(3 * 3074, 1);
    write_bin(path, rec, 2 * 3073 + 5); /* truncated */
    assert_int_equal(hw_cifar_load(path, 10, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, path)), assert_non_null(strstr(err.msg, "6151 bytes"));
    unlink(path);
    write_bin(path, rec, 0); /* empty */
    assert_int_equal(hw_cifar_load(path, 10, &c, &err), HW_EINPUT);
    unlink(path);

    rec[3073] = 10; /* record 1 of a CIFAR-10 file: label 10 */
    write_bin(path, rec, 2 * 3073);
    assert_int_equal(hw_cifar_load(path, 10, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "record 1 has a label 10, outside 0..9"));
    unlink(path);

    memset(rec, 0, 3 * 3074);
    rec[3074] = 25; /* CIFAR-100 record 1: coarse 25 */
    write_bin(path, rec, 3 * 3074);
    assert_int_equal(hw_cifar_load(path, 100, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "coarse label 25"));
    unlink(path);
    rec[3074] = 3, rec[2 * 3074 + 1] = 100; /* record 2: fine 100 */
    write_bin(path, rec, 3 * 3074);
    assert_int_equal(hw_cifar_load(path, 100, &c, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "record 2 has a label 100, outside 0..99"));
    unlink(path);
    rec[2 * 3074 + 1] = 99;
    write_bin(path, rec, 3 * 3074);
    assert_int_equal(hw_cifar_load(path, 100, &c, &err), 0);
    assert_int_equal(c.n, 3), assert_int_equal(c.label[2], 99);
    hw_cifar_free(&c);
    unlink(path);
    free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cifar10_facts),
        cmocka_unit_test(test_cifar100_facts),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
