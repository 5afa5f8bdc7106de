/* test_table.c - unit tests for the CSV reader, hw_table_load and hw_measured_load. */
#include "testutil.h"

#include <unistd.h>

#include "hwnas/csv.h"
#include "hwnas/table.h"

/* Fake search space: "a0".."a99" (key = number); "A<n>" is an alias of "a<n>". */
static int fake_key(const char *s, uint32_t *key, char *why, size_t why_len)
{
    char *end;
    if ((s[0] == 'a' || s[0] == 'A') && s[1] >= '0' && s[1] <= '9') {
        long v = strtol(s + 1, &end, 10);
        if (*end == '\0' && v < 100) {
            *key = (uint32_t)v;
            return 0;
        }
    }
    snprintf(why, why_len, "fake space wants a0..a99");
    return 1;
}

/* Permissive key: 32-bit FNV-1a of the string (unique on the NB201 files). */
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

static void expect_in(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

/* Checks a one-line HW_EINPUT message naming path, line (if > 0), column
 * (if not NULL) and a further fragment (if not NULL). */
static void check_msg(const hw_err *e, const char *path, int line, const char *col, const char *also)
{
    char want[160];
    assert_int_equal(e->code, HW_EINPUT);
    assert_null(strchr(e->msg, '\n'));
    expect_in(e->msg, path);
    if (line > 0) {
        snprintf(want, sizeof want, "%s:%d: ", path, line);
        expect_in(e->msg, want);
    }
    if (col) {
        snprintf(want, sizeof want, "column '%s'", col);
        expect_in(e->msg, want);
    }
    if (also)
        expect_in(e->msg, also);
}

static void table_err(const char *text, int line, const char *col, const char *also)
{
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv", text);
    hw_table t;
    hw_err e = {0};
    assert_int_equal(hw_table_load(p, fake_key, &t, &e), HW_EINPUT);
    check_msg(&e, p, line, col, also);
    assert_null(t.path);
    assert_null(t.val);
    assert_int_equal(t.n_rows, 0);
    hw_table_free(&t);
    unlink(p);
}

static void measured_err(const char *text, int line, const char *col, const char *also)
{
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv", text);
    hw_measured m;
    hw_err e = {0};
    assert_int_equal(hw_measured_load(p, fake_key, &m, &e), HW_EINPUT);
    check_msg(&e, p, line, col, also);
    assert_null(m.path);
    assert_int_equal(m.n, 0);
    hw_measured_free(&m);
    unlink(p);
}

#define H "arch_index,arch_str,x,y\n"

/* ---- table: bad input, one test per class ---- */

static void test_missing_file(void **state)
{
    (void)state;
    hw_table t;
    hw_err e = {0};
    const char *p = "/nonexistent-hwnas/none.csv";
    assert_int_equal(hw_table_load(p, fake_key, &t, &e), HW_EINPUT);
    check_msg(&e, p, 0, NULL, "cannot open (No such file or directory)");
    expect_in(e.msg, "data_dir");
    hw_table_free(&t);
}

static void test_unreadable_dir(void **state)
{
    (void)state;
    hw_table t;
    hw_err e = {0};
    assert_int_equal(hw_table_load("/tmp", fake_key, &t, &e), HW_EINPUT);
    check_msg(&e, "/tmp", 0, NULL, "cannot");
    hw_table_free(&t);
}

static void test_empty_file(void **state)
{
    (void)state;
    table_err("", 1, NULL, "empty");
    table_err("\xEF\xBB\xBF\n \r\n\n", 1, NULL, "empty");
}

static void test_bad_header(void **state)
{
    (void)state;
    table_err("idx,arch_str,x\n0,a0,1\n", 1, "idx", "arch_index,arch_str");
    table_err("arch_index,arch,x\n0,a0,1\n", 1, "arch", "arch_index,arch_str");
    table_err("arch_index\n0\n", 1, NULL, "arch_index,arch_str");
    table_err("arch_index,arch_str\n0,a0\n", 1, NULL, "no value columns");
}

static void test_empty_column_name(void **state)
{
    (void)state;
    table_err("arch_index,arch_str,x,,y\n0,a0,1,2,3\n", 1, "", "(field 4): empty column name");
    table_err("arch_index,arch_str,x,\n0,a0,1,2\n", 1, "", "(field 4): empty column name");
}

static void test_duplicate_column(void **state)
{
    (void)state;
    table_err("arch_index,arch_str,x,y,x\n0,a0,1,2,3\n", 1, "x", "(field 5): duplicate column name (also field 3)");
    table_err("arch_index,arch_str,arch_str\n0,a0,1\n", 1, "arch_str", "(field 3): duplicate");
}

static void test_field_count(void **state)
{
    (void)state;
    table_err(H "0,a0,1,2\n1,a1,3\n", 3, "y", "has 3 fields, expected 4");
    table_err(H "0,a0,1,2\n1,a1,3,4,5\n", 3, NULL, "field 5: extra field: the row has 5 fields, expected 4");
}

static void test_bad_arch_index(void **state)
{
    (void)state;
    table_err(H "0,a0,1,2\n-1,a1,3,4\n", 3, "arch_index", "'-1' is not a non-negative integer");
    table_err(H "1.5,a1,3,4\n", 2, "arch_index", "'1.5'");
    table_err(H ",a1,3,4\n", 2, "arch_index", "not a non-negative integer");
    table_err(H "99999999999999999999999,a1,3,4\n", 2, "arch_index", "not a non-negative integer");
}

static void test_bad_arch_str(void **state)
{
    (void)state;
    table_err(H "0,a0,1,2\n\n1,zz,3,4\n", 4, "arch_str", "invalid architecture 'zz' (fake space wants a0..a99)");
}

static void test_duplicate_arch(void **state)
{
    (void)state;
    table_err(H "0,a0,1,2\n1,a1,1,2\n2,A1,3,4\n", 4, "arch_str", "same architecture as line 3");
    table_err(H "0,a0,1,2\n1,a1,1,2\n0,a2,3,4\n", 4, "arch_index", "arch_index 0 already on line 2");
}

static void test_non_numeric(void **state)
{
    (void)state;
    table_err(H "0,a0,1,2\n1,a1,3,4x\n", 3, "y", "'4x' is not a number");
    table_err(H "0,a0,1 2,2\n", 2, "x", "is not a number");
    table_err(H "0,a0,--1,2\n", 2, "x", "is not a number");
}

static void test_infinite(void **state)
{
    (void)state;
    table_err(H "0,a0,inf,2\n", 2, "x", "infinite value 'inf'");
    table_err(H "0,a0,1,-Infinity\n", 2, "y", "infinite");
    table_err(H "0,a0,1,1e999\n", 2, "y", "infinite");
}

static void test_no_rows(void **state)
{
    (void)state;
    table_err(H, 1, NULL, "header but no rows");
    table_err("\n" H "\n\n", 2, NULL, "header but no rows");
}

static void test_quoted(void **state)
{
    (void)state;
    table_err(H "0,a0,\"1\",2\n", 2, "x", "quoted fields are not supported");
    table_err("arch_index,\"arch_str\",x\n", 1, NULL, "field 2: quoted fields are not supported");
}

static void test_nul_byte(void **state)
{
    (void)state;
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv", H "0,a0,1,2\n");
    FILE *f = fopen(p, "ab");
    assert_non_null(f);
    fwrite("1,a1,\0,2\n", 1, 9, f);
    fclose(f);
    hw_table t;
    hw_err e = {0};
    assert_int_equal(hw_table_load(p, fake_key, &t, &e), HW_EINPUT);
    check_msg(&e, p, 3, NULL, "NUL byte");
    unlink(p);
}

/* ---- table: good input ---- */

static void test_small_table(void **state)
{
    (void)state;
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv",
                                   "arch_index,arch_str, lat ,acc\n"
                                   "7,a7,1.5,0\n"
                                   "3, a3 , 2.25 ,NA\n"
                                   "\n"
                                   "12,a12,,-1\n"
                                   "0,a0,nan,NaN\n"
                                   "5,a5,-0,-2.5e-3\n");
    hw_table t;
    hw_err e = {0};
    assert_int_equal(hw_table_load(p, fake_key, &t, &e), 0);
    assert_string_equal(t.path, p);
    assert_int_equal(t.n_rows, 5);
    assert_int_equal(t.n_cols, 2);
    assert_string_equal(t.col[0], "lat");
    assert_int_equal(hw_table_col(&t, "acc"), 1);
    assert_int_equal(hw_table_col(&t, "lat"), 0);
    assert_int_equal(hw_table_col(&t, "arch_str"), -1);
    assert_int_equal(hw_table_find_key(&t, 12), 2);
    assert_int_equal(hw_table_find_key(&t, 99), -1);
    assert_int_equal(t.arch_index[1], 3);
    assert_string_equal(t.arch_str[1], "a3");
    assert_int_equal(t.key[1], 3);
    assert_int_equal(t.line[2], 5);
    assert_true(t.val[0] == 1.5 && t.val[1] == 0.0 && t.val[2] == 2.25);
    assert_true(isnan(t.val[3]) && isnan(t.val[4]) && isnan(t.val[5]));
    assert_true(isnan(t.val[6]) && isnan(t.val[7]));
    assert_true(t.val[8] == 0.0 && !signbit(t.val[8]) && isnan(t.val[9]));
    assert_int_equal(t.n_missing[0], 2);
    assert_int_equal(t.n_negative[0], 0);
    assert_int_equal(t.n_missing[1], 4);
    assert_int_equal(t.n_negative[1], 2);
    hw_table_free(&t);
    hw_table_free(&t);
    unlink(p);
}

static void test_crlf_bom(void **state)
{
    (void)state;
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv",
                                   "\xEF\xBB\xBF" "arch_index,arch_str,x\r\n"
                                   "0,a0,0.1\r\n"
                                   "\r\n"
                                   "1,a1,3.6058499999999998");
    hw_table t;
    hw_err e = {0};
    assert_int_equal(hw_table_load(p, fake_key, &t, &e), 0);
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(t.col[0], "x");
    assert_true(t.val[0] == 0.1);
    assert_true(t.val[1] == 3.6058499999999998);
    assert_int_equal(t.line[1], 4);
    assert_int_equal(t.n_missing[0], 0);
    hw_table_free(&t);
    unlink(p);
}

static void test_free_zeroed(void **state)
{
    (void)state;
    hw_table t;
    hw_measured m;
    memset(&t, 0, sizeof t);
    memset(&m, 0, sizeof m);
    hw_table_free(&t);
    hw_table_free(NULL);
    hw_measured_free(&m);
    hw_measured_free(NULL);
    assert_int_equal(hw_table_col(&t, "x"), -1);
    assert_int_equal(hw_table_find_key(&t, 0), -1);
}

static void test_csv_reader(void **state)
{
    (void)state;
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv", "\xEF\xBB\xBF" "a, b\r\n\n  \t\nc,,d \t\ne");
    hw_csv c;
    hw_err e = {0};
    int got;
    assert_int_equal(hw_csv_open(&c, p, &e), 0);
    assert_int_equal(hw_csv_rows_left(&c), 5);
    assert_int_equal(hw_csv_next(&c, &got, &e), 0);
    assert_true(got && c.line == 1 && c.n_field == 2);
    assert_string_equal(c.field[0], "a");
    assert_string_equal(c.field[1], "b");
    assert_int_equal(hw_csv_take_header(&c, &e), 0);
    assert_int_equal(hw_csv_next(&c, &got, &e), 0);
    assert_true(got && c.line == 4 && c.n_field == 3);
    assert_string_equal(c.field[1], "");
    assert_string_equal(c.field[2], "d");
    assert_int_equal(hw_csv_expect_fields(&c, &e), HW_EINPUT);
    check_msg(&e, p, 4, NULL, "field 3: extra field");
    assert_int_equal(hw_csv_next(&c, &got, &e), 0);
    assert_true(got && c.line == 5 && c.n_field == 1);
    assert_int_equal(hw_csv_expect_fields(&c, &e), HW_EINPUT);
    check_msg(&e, p, 5, "b", "(field 2): missing");
    assert_int_equal(hw_csv_next(&c, &got, &e), 0);
    assert_false(got);
    hw_csv_close(&c);
    hw_csv_close(&c);
    unlink(p);
}

static void test_csv_numbers(void **state)
{
    (void)state;
    double v;
    long i;
    assert_true(hw_csv_is_missing("") && hw_csv_is_missing("NA") && hw_csv_is_missing("nan"));
    assert_true(hw_csv_is_missing("NaN") && !hw_csv_is_missing("0"));
    assert_true(hw_csv_double("1e-3", &v) && v == 1e-3);
    assert_false(hw_csv_double("1e-3x", &v));
    assert_false(hw_csv_double("", &v));
    assert_true(hw_csv_index("15624", &i) && i == 15624);
    assert_false(hw_csv_index("+1", &i));
    assert_false(hw_csv_index("", &i));
}

/* ---- measured latencies ---- */

#define MH "arch_str,device,latency_ms\n"

static void test_measured_good(void **state)
{
    (void)state;
    char buf[64];
    const char *p = test_write_tmp(buf, ".csv", MH "a5,pixel_9,12.5\r\na3,pixel_9,0.25\na5,Jetson-Orin.nx,7\n");
    hw_measured m;
    hw_err e = {0};
    assert_int_equal(hw_measured_load(p, fake_key, &m, &e), 0);
    assert_int_equal(m.n, 3);
    assert_int_equal(m.key[0], 5);
    assert_string_equal(m.arch_str[1], "a3");
    assert_string_equal(m.device[2], "Jetson-Orin.nx");
    assert_true(m.latency_ms[0] == 12.5 && m.latency_ms[1] == 0.25 && m.latency_ms[2] == 7.0);
    assert_int_equal(m.line[2], 4);
    hw_measured_free(&m);
    unlink(p);
}

static void test_measured_errors(void **state)
{
    (void)state;
    measured_err("", 1, NULL, "empty");
    measured_err(MH, 1, NULL, "header but no rows");
    measured_err("device,arch_str,latency_ms\na1,d,1\n", 1, "device", "arch_str,device,latency_ms");
    measured_err("arch_str,device\na1,d\n", 1, NULL, "field 3: the header must be exactly");
    measured_err("arch_str,device,latency_ms,x\na1,d,1,2\n", 1, "x", "remove the extra");
    measured_err(MH "a1,d,1\na2,d\n", 3, "latency_ms", "has 2 fields, expected 3");
    measured_err(MH "zz,d,1\n", 2, "arch_str", "invalid architecture 'zz' (fake space wants a0..a99)");
    measured_err(MH "a1,,1\n", 2, "device", "empty device name");
    measured_err(MH "a1,pixel 9,1\n", 2, "device", "character ' '");
    measured_err(MH "a1,d/x,1\n", 2, "device", "character '/'");
    measured_err(MH "a1,d,abc\n", 2, "latency_ms", "'abc' is not a number");
    measured_err(MH "a1,d,\n", 2, "latency_ms", "is not a number");
    measured_err(MH "a1,d,nan\n", 2, "latency_ms", "is not a number");
    measured_err(MH "a1,d,0\n", 2, "latency_ms", "not positive");
    measured_err(MH "a1,d,-1\n", 2, "latency_ms", "not positive");
    measured_err(MH "a1,d,inf\n", 2, "latency_ms", "not finite");
    measured_err(MH "a1,d,1\na2,d,1\nA1,d,2\n", 4, "device", "already on line 2");
    measured_err(MH "a1,d,\"1\"\n", 2, "latency_ms", "quoted fields are not supported");
}

static void test_measured_missing_file(void **state)
{
    (void)state;
    hw_measured m;
    hw_err e = {0};
    const char *p = "/nonexistent-hwnas/measured.csv";
    assert_int_equal(hw_measured_load(p, fake_key, &m, &e), HW_EINPUT);
    check_msg(&e, p, 0, NULL, "cannot open");
    hw_measured_free(&m);
}

/* ---- the shared data ---- */

static int data_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/latency/%s", test_data_dir(), name);
    return access(buf, R_OK) == 0;
}

static void test_real_nb201(void **state)
{
    (void)state;
    char p[512];
    if (!data_path(p, sizeof p, "nb201.csv"))
        skip();
    hw_table t;
    hw_err e = {0};
    int rc = hw_table_load(p, fnv_key, &t, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(t.n_rows, 15625);
    assert_int_equal(t.n_cols, 27);
    int j = hw_table_col(&t, "pixel3");
    assert_true(j >= 0);
    size_t i = 0;
    while (i < t.n_rows && t.arch_index[i] != 0)
        i++;
    assert_true(i < t.n_rows);
    assert_true(t.val[i * t.n_cols + (size_t)j] == 3.6058499999999998);
    for (size_t c = 0; c < t.n_cols; c++)
        assert_int_equal(t.n_missing[c], 0);
    hw_table_free(&t);
}

static void test_real_subset(void **state)
{
    (void)state;
    char p[512];
    if (!data_path(p, sizeof p, "nb201_subset1999.csv"))
        skip();
    hw_table t;
    hw_err e = {0};
    int rc = hw_table_load(p, fnv_key, &t, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(t.n_rows, 1999);
    int j = hw_table_col(&t, "edgetpu");
    assert_true(j >= 0);
    assert_int_equal(t.n_missing[j], 259);
    assert_int_equal(t.n_negative[j], 0);
    hw_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file),       cmocka_unit_test(test_unreadable_dir),
        cmocka_unit_test(test_empty_file),         cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_empty_column_name),  cmocka_unit_test(test_duplicate_column),
        cmocka_unit_test(test_field_count),        cmocka_unit_test(test_bad_arch_index),
        cmocka_unit_test(test_bad_arch_str),       cmocka_unit_test(test_duplicate_arch),
        cmocka_unit_test(test_non_numeric),        cmocka_unit_test(test_infinite),
        cmocka_unit_test(test_no_rows),            cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_nul_byte),           cmocka_unit_test(test_small_table),
        cmocka_unit_test(test_crlf_bom),           cmocka_unit_test(test_free_zeroed),
        cmocka_unit_test(test_csv_reader),         cmocka_unit_test(test_csv_numbers),
        cmocka_unit_test(test_measured_good),      cmocka_unit_test(test_measured_errors),
        cmocka_unit_test(test_measured_missing_file), cmocka_unit_test(test_real_nb201),
        cmocka_unit_test(test_real_subset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
