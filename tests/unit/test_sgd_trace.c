/* test_sgd_trace.c - the SGD trace model and its Chrome-JSON file format:
 * a write/read round trip, the hand-written example under tests/data/, every
 * class of malformed input with the line it must name, transmission orders. */
#include "testutil.h"

#include "hwnas/sgd_trace.h"

/* A 3-op trace with names needing JSON escapes and doubles needing 17 digits. */
static void make_trace(hw_sgd_trace *t)
{
    hw_err err = {0};
    assert_int_equal(hw_sgd_trace_alloc(t, 3, 2, &err), 0);
    strcpy(t->meta.arch, "|nor_conv_3x3~0|+|none~0|skip_connect~1|");
    strcpy(t->meta.host, "h\"o\\st\ttab");
    strcpy(t->meta.cpu, "caf\xc3\xa9 CPU"); /* UTF-8 passes through */
    strcpy(t->meta.coretype, "SKYLAKEX");
    strcpy(t->meta.date, "2025-06-01T12:00:00Z");
    t->meta.threads = 2;
    t->meta.batch = 64;
    t->meta.step_us = 1.0 / 3.0;
    t->apply_us_per_byte = 0.1;
    t->msg_overhead_us = 7;
    const char *names[3] = {"fwd a", "fwd b", "bwd \"ab\""};
    for (int i = 0; i < 3; i++) {
        strcpy(t->ops[i].name, names[i]);
        t->ops[i].phase = i < 2 ? HW_SGD_FWD : HW_SGD_BWD;
        t->ops[i].dur_us = 10.0 * (i + 1) + 1.0 / 7.0;
    }
    int d2[2] = {1, 0};
    assert_int_equal(hw_sgd_op_set_deps(t, 2, d2, 2, &err), 0);
    strcpy(t->tensors[0].name, "w0");
    t->tensors[0] = (hw_sgd_tensor){"w0", 9007199254740991LL, 0, 2};
    t->tensors[1] = (hw_sgd_tensor){"w1", 12, 1, 2};
}

static void test_round_trip(void **state)
{
    (void)state;
    hw_sgd_trace t, u;
    hw_err err = {0};
    make_trace(&t);
    hw_sgd_event ev[2] = {{1, 0, 0, 2, -1, 1.5, 2.25}, {0, 0, 0, -1, 1, 3.0, 0.5}};
    char path[64];
    test_write_tmp(path, ".json", "");
    assert_int_equal(hw_sgd_trace_write(path, &t, ev, 2, "{\"workers\": 3}", &err), 0);
    int rc = hw_sgd_trace_read(path, &u, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(u.meta.arch, t.meta.arch);
    assert_string_equal(u.meta.host, t.meta.host);
    assert_string_equal(u.meta.cpu, t.meta.cpu);
    assert_string_equal(u.meta.coretype, "SKYLAKEX");
    assert_string_equal(u.meta.date, t.meta.date);
    assert_int_equal(u.meta.threads, 2);
    assert_int_equal(u.meta.batch, 64);
    assert_true(u.meta.step_us == 1.0 / 3.0); /* %.17g round-trips a double exactly */
    assert_true(u.apply_us_per_byte == 0.1 && u.msg_overhead_us == 7);
    assert_int_equal(u.n_ops, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(u.ops[i].name, t.ops[i].name);
        assert_int_equal(u.ops[i].phase, t.ops[i].phase);
        assert_true(u.ops[i].dur_us == t.ops[i].dur_us);
        assert_int_equal(u.ops[i].n_deps, t.ops[i].n_deps);
    }
    assert_int_equal(u.ops[2].deps[0], 1);
    assert_int_equal(u.ops[2].deps[1], 0);
    assert_int_equal(u.n_tensors, 2);
    assert_true(u.tensors[0].bytes == 9007199254740991LL); /* 2^53 - 1 */
    assert_string_equal(u.tensors[1].name, "w1");
    assert_int_equal(u.tensors[1].fwd_op, 1);
    assert_int_equal(u.tensors[1].grad_op, 2);
    /* the events are there for the viewers, with the derived names */
    FILE *f = fopen(path, "r");
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_non_null(strstr(buf, "{\"name\":\"bwd \\\"ab\\\"\",\"cat\":\"compute\",\"ph\":\"X\",\"ts\":1.500,"
                                "\"dur\":2.250,\"pid\":1,\"tid\":0,\"args\":{\"step\":0,\"op\":2,\"deps\":[1,0]}}"));
    assert_non_null(strstr(buf, "\"name\":\"apply w1\""));
    assert_non_null(strstr(buf, "\"prediction\":{\"workers\": 3}"));
    remove(path);
    hw_sgd_trace_free(&t);
    hw_sgd_trace_free(&u);
}

static void test_example_file(void **state)
{
    (void)state;
    hw_sgd_trace t;
    hw_err err = {0};
    int rc = hw_sgd_trace_read("tests/data/sgd_tiny.json", &t, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(t.n_ops, 4);
    assert_int_equal(t.n_tensors, 2);
    assert_true(t.ops[3].dur_us == 200);
    assert_true(t.tensors[1].bytes == 4000);
    assert_int_equal(t.meta.batch, 8);
    hw_sgd_trace_free(&t);
}

/* A valid minimal trace text with "%s" standing for the op list (line 5 on). */
static const char *with_ops =
    "{\"traceEvents\": [],\n"
    "\"hwnas\": {\"version\": 1, \"meta\": {\"arch\": \"a\", \"host\": \"h\", \"cpu\": \"c\", \"coretype\": \"\",\n"
    " \"date\": \"d\", \"threads\": 1, \"batch\": 1, \"step_us\": 0},\n"
    " \"server\": {\"apply_us_per_byte\": 0, \"msg_overhead_us\": 0},\n"
    " \"ops\": [%s],\n"
    " \"tensors\": [%s]}}\n";

static void expect_bad(const char *ops, const char *tensors, const char *want)
{
    char text[4096];
    snprintf(text, sizeof text, with_ops, ops, tensors);
    hw_sgd_trace t;
    hw_err err = {0};
    int rc = hw_sgd_trace_parse(text, strlen(text), "t.json", &t, &err);
    if (rc != HW_EINPUT || !strstr(err.msg, want))
        fail_msg("ops [%s] tensors [%s]: rc %d, message '%s', expected to contain '%s'", ops, tensors, rc, err.msg,
                 want);
    assert_null(t.ops);
}

static void expect_bad_text(const char *text, const char *want)
{
    hw_sgd_trace t;
    hw_err err = {0};
    int rc = hw_sgd_trace_parse(text, strlen(text), "t.json", &t, &err);
    if (rc != HW_EINPUT || !strstr(err.msg, want))
        fail_msg("'%s': rc %d, message '%s', expected to contain '%s'", text, rc, err.msg, want);
}

#define OP_F "{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 1, \"deps\": []}"
#define OP_B "{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": 1, \"deps\": [0]}"

static void test_malformed(void **state)
{
    (void)state;
    /* the template itself is valid */
    char text[4096];
    hw_sgd_trace t;
    hw_err err = {0};
    snprintf(text, sizeof text, with_ops, OP_F ",\n" OP_B, "{\"name\": \"w\", \"bytes\": 4, \"fwd_op\": 0, \"grad_op\": 1}");
    assert_int_equal(hw_sgd_trace_parse(text, strlen(text), "t.json", &t, &err), 0);
    hw_sgd_trace_free(&t);

    /* model rules, with the line of the offending object */
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": -2, \"deps\": []}", "",
               "t.json:6: ops[1].dur_us: -2 is negative");
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": 2, \"deps\": [1]}", "",
               "t.json:6: ops[1].deps[0]: 1 is not an earlier op");
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": 2, \"deps\": [7]}", "",
               "t.json:6: ops[1].deps[0]: 7 is not an earlier op");
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": 2, \"deps\": [0, 0]}", "",
               "t.json:6: ops[1].deps[1]: 0 is listed twice");
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"BWD\", \"dur_us\": 2, \"deps\": [0.5]}", "",
               "t.json:6: ops[1].deps[0]: 0.5 is not an integer");
    expect_bad(OP_F ",\n{\"name\": \"b\", \"phase\": \"APPLY\", \"dur_us\": 2, \"deps\": []}", "",
               "t.json:6: ops[1].phase: 'APPLY' is not FWD or BWD");
    expect_bad(OP_F ",\n" OP_B, "\n{\"name\": \"w\", \"bytes\": 4, \"fwd_op\": 2, \"grad_op\": 1}",
               "t.json:8: tensors[0].fwd_op: 2 is not an op index in [0, 2)");
    expect_bad(OP_F ",\n" OP_B, "\n{\"name\": \"w\", \"bytes\": 4, \"fwd_op\": 1, \"grad_op\": 1}",
               "t.json:8: tensors[0].fwd_op: op 1 is not a FWD op");
    expect_bad(OP_F ",\n" OP_B, "\n{\"name\": \"w\", \"bytes\": 4, \"fwd_op\": 0, \"grad_op\": 0}",
               "t.json:8: tensors[0].grad_op: op 0 is not a BWD op");
    expect_bad(OP_F ",\n" OP_B, "\n{\"name\": \"w\", \"bytes\": -4, \"fwd_op\": 0, \"grad_op\": 1}",
               "t.json:8: tensors[0].bytes: -4 is negative");
    expect_bad("", "", "t.json:5: ops: empty");
    /* keys: missing, repeated, unknown, wrong type */
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"deps\": []}", "",
               "t.json:5: ops[0]: missing key 'dur_us'");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 1,\n\"dur_us\": 2, \"deps\": []}", "",
               "t.json:6: ops[0].dur_us: repeated key (first on line 5)");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 1, \"deps\": [], \"colour\": 1}", "",
               "t.json:5: ops[0].colour: unknown key");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": \"1\", \"deps\": []}", "",
               "t.json:5: ops[0].dur_us: is a string, expected a number");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 1, \"deps\": {}}", "",
               "t.json:5: ops[0].deps: is an object, expected an array");
    /* JSON syntax */
    expect_bad(OP_F ",", "", "t.json:5: JSON: invalid value");
    expect_bad("{\"name\": \"f\\q\", \"phase\": \"FWD\", \"dur_us\": 1, \"deps\": []}", "",
               "t.json:5: JSON: unknown escape");
    expect_bad("{\"name\": \"f\\ud800\", \"phase\": \"FWD\", \"dur_us\": 1, \"deps\": []}", "",
               "high surrogate not followed by a low one");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 01, \"deps\": []}", "", "t.json:5: JSON:");
    expect_bad("{\"name\": \"f\", \"phase\": \"FWD\", \"dur_us\": 1e999, \"deps\": []}", "",
               "t.json:5: JSON: number out of range");
    expect_bad_text("{\"traceEvents\": [], \"hwnas\": {\"version\": 1", "t.json:1: JSON: ");
    expect_bad_text("{\"traceEvents\": []} x", "t.json:1: JSON: text after the end");
    expect_bad_text("[1, 2]", "t.json:1: top level: is an array, expected an object");
    expect_bad_text("{\"traceEvents\": []}", "t.json:1: (top level): missing key 'hwnas'");
    expect_bad_text("{\"traceEvents\": {}, \"hwnas\": {}}", "t.json:1: traceEvents: is an object, expected an array");
    expect_bad_text("{\"traceEvents\": [],\n\"traceEvents\": [], \"hwnas\": {}}",
                    "t.json:2: (top level).traceEvents: repeated key");
    expect_bad_text("{\"traceEvents\": [], \"hwnas\": {\"version\": 2, \"meta\": 0, \"server\": 0, \"ops\": [], "
                    "\"tensors\": []}}", "hwnas.version: 2 is not 1");
    expect_bad_text("{\"traceEvents\": [], \"hwnas\": {\"version\": 1}}", "hwnas: missing key 'meta'");
    expect_bad_text("\"a\tb\"", "control character in a string");
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    expect_bad_text(deep, "nested too deeply");
    /* a missing file */
    assert_int_equal(hw_sgd_trace_read("/nonexistent/x.json", &t, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "/nonexistent/x.json: cannot open"));
}

static void test_unicode_escapes(void **state)
{
    (void)state;
    char text[4096];
    hw_sgd_trace t;
    hw_err err = {0};
    /* é = U+00E9 = C3 A9; € = U+20AC = E2 82 AC; U+1F600 = D83D DE00 = F0 9F 98 80 */
    snprintf(text, sizeof text, with_ops,
             "{\"name\": \"\\u00e9\\u20AC\\ud83d\\ude00\\/\\n\", \"phase\": \"FWD\", \"dur_us\": 1.5e2, \"deps\": []}",
             "");
    int rc = hw_sgd_trace_parse(text, strlen(text), "t.json", &t, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(t.ops[0].name, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\n");
    assert_true(t.ops[0].dur_us == 150);
    hw_sgd_trace_free(&t);
}

static void test_orders(void **state)
{
    (void)state;
    hw_sgd_trace t;
    hw_err err = {0};
    assert_int_equal(hw_sgd_trace_alloc(&t, 1, 5, &err), 0);
    int64_t bytes[5] = {40, 400, 40, 4000, 400};
    for (int i = 0; i < 5; i++)
        t.tensors[i].bytes = bytes[i];
    int o[5], seen[5] = {0};
    hw_sgd_order(&t, HW_SGD_LAYER, 0, o);
    assert_true(o[0] == 0 && o[1] == 1 && o[2] == 2 && o[3] == 3 && o[4] == 4);
    hw_sgd_order(&t, HW_SGD_REVERSE, 0, o);
    assert_true(o[0] == 4 && o[1] == 3 && o[2] == 2 && o[3] == 1 && o[4] == 0);
    /* largest first, ties by index: 3 (4000), 1 and 4 (400), 0 and 2 (40) */
    hw_sgd_order(&t, HW_SGD_LARGEST, 0, o);
    assert_true(o[0] == 3 && o[1] == 1 && o[2] == 4 && o[3] == 0 && o[4] == 2);
    /* random: a permutation, the same for the same seed */
    int o2[5];
    hw_sgd_order(&t, HW_SGD_RANDOM, 9, o);
    hw_sgd_order(&t, HW_SGD_RANDOM, 9, o2);
    for (int i = 0; i < 5; i++) {
        seen[o[i]]++;
        assert_int_equal(o[i], o2[i]);
    }
    for (int i = 0; i < 5; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(hw_sgd_policy_parse("reverse"), HW_SGD_REVERSE);
    assert_int_equal(hw_sgd_policy_parse("random"), HW_SGD_RANDOM);
    assert_int_equal(hw_sgd_policy_parse("Layer"), -1);
    assert_string_equal(hw_sgd_policy_name(HW_SGD_LARGEST), "largest");
    hw_sgd_trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_example_file),
        cmocka_unit_test(test_malformed),      cmocka_unit_test(test_unicode_escapes),
        cmocka_unit_test(test_orders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
