/* test_fuzz_regress.c - replays the fuzz corpus and saved crashes (tests/fuzz/) and the fuzzers' findings through the normal build. */
#include "testutil.h"

#include <dirent.h>
#include <unistd.h>

#include "hwnas/config.h"
#include "hwnas/journal.h"
#include "hwnas/nb201.h"
#include "hwnas/table.h"

#include "../fuzz/journal_input.h"

#define INPUT_MAX_BYTES (1 << 20)

/* A loaded input: what the loader returned and said. */
typedef struct {
    int rc;
    hw_err err;
} outcome;

/* ---- helpers -------------------------------------------------------------- */

static const char *fuzz_dir(void)
{
    const char *d = getenv("HWNAS_FUZZ_DIR");
    return d && *d ? d : "tests/fuzz";
}

/* Writes n bytes (NULs included) into a fresh temporary file; path has 64 bytes. */
static void write_bytes(char *path, const void *data, size_t n)
{
    snprintf(path, 64, "/tmp/hwnas-regress-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Reads a whole (small) file into a malloc'd buffer. */
static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    unsigned char *buf = malloc(INPUT_MAX_BYTES + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, INPUT_MAX_BYTES + 1, f);
    fclose(f);
    if (*n > INPUT_MAX_BYTES)
        fail_msg("%s: larger than %d bytes; keep the corpus small", path, INPUT_MAX_BYTES);
    return buf;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* ---- one loader per fuzz target ---------------------------------------------- */

static void load_config(const unsigned char *data, size_t n, outcome *o)
{
    static hw_plan plan;
    char path[64];
    write_bytes(path, data, n);
    o->rc = hw_config_load(path, "/nonexistent/data", &plan, &o->err);
    hw_plan_free(&plan);
    unlink(path);
}

static void load_table(const unsigned char *data, size_t n, outcome *o)
{
    char path[64];
    hw_table t;
    write_bytes(path, data, n);
    o->rc = hw_table_load(path, hw_nb201_key_fn, &t, &o->err);
    hw_table_free(&t);
    unlink(path);
}

static void load_measured(const unsigned char *data, size_t n, outcome *o)
{
    char path[64];
    hw_measured m;
    write_bytes(path, data, n);
    o->rc = hw_measured_load(path, hw_nb201_key_fn, &m, &o->err);
    hw_measured_free(&m);
    unlink(path);
}

static void load_arch(const unsigned char *data, size_t n, outcome *o)
{
    char *s = malloc(n + 1);
    uint32_t key;
    assert_non_null(s);
    memcpy(s, data, n);
    s[n] = '\0';
    o->rc = hw_nb201_key_fn(s, &key, o->err.msg, sizeof o->err.msg) ? HW_EINPUT : 0;
    o->err.code = o->rc;
    assert_true(o->rc || key < HW_NB201_N_ARCHS);
    free(s);
}

/* Scans the file the input stands for; a journal that scans is also indexed and read where complete. */
static void scan_journal(const char *path, outcome *o)
{
    hw_journal j;
    hw_err e = {0};
    double row[64];
    o->rc = hw_journal_scan(&j, path, &o->err);
    if (!o->rc && hw_journal_index(&j, &e) == 0 && j.width <= 64)
        for (size_t r = 0; r < j.n_rec; r++)
            assert_int_equal(hw_journal_row(&j, j.rec[r].first, row, &e), 0);
    hw_journal_close(&j);
}

static void load_journal(const unsigned char *data, size_t n, outcome *o)
{
    char path[64];
    unsigned char *file = malloc(n ? n : 1);
    assert_non_null(file);
    size_t len = jin_decode(data, n, file);
    write_bytes(path, file, len);
    free(file);
    scan_journal(path, o);
    unlink(path);
}

typedef void (*loader_fn)(const unsigned char *, size_t, outcome *);

/* ---- replay ------------------------------------------------------------------ */

/* ok-* must load, bad-* must fail with HW_EINPUT, anything else (a saved crash) must do either;
 * a failure is always one line without control characters. */
static void check_outcome(const char *file, const char *name, const outcome *o)
{
    if (o->rc && (o->err.code != o->rc || !o->err.msg[0] || has_control(o->err.msg)))
        fail_msg("%s: rc %d with a bad message \"%s\"", file, o->rc, o->err.msg);
    if (!strncmp(name, "ok-", 3) && o->rc != 0)
        fail_msg("%s: expected to load, got rc %d: %s", file, o->rc, o->err.msg);
    if (!strncmp(name, "bad-", 4) && o->rc != HW_EINPUT)
        fail_msg("%s: expected HW_EINPUT, got rc %d", file, o->rc);
    if (o->rc != 0 && o->rc != HW_EINPUT)
        fail_msg("%s: rc %d: %s", file, o->rc, o->err.msg);
}

static void replay_file(const char *file, const char *name, loader_fn load)
{
    size_t n;
    unsigned char *data = read_bytes(file, &n);
    outcome o;
    memset(&o, 0, sizeof o);
    load(data, n, &o);
    check_outcome(file, name, &o);
    free(data);
}

/* Replays every file of <fuzz dir>/<sub>/<target>/; returns how many (0 when the directory is absent). */
static int replay_dir(const char *sub, const char *target, loader_fn load)
{
    char dir[512], file[1024];
    snprintf(dir, sizeof dir, "%s/%s/%s", fuzz_dir(), sub, target);
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        replay_file(file, e->d_name, load);
        n++;
    }
    closedir(d);
    return n;
}

static void replay(const char *target, loader_fn load)
{
    if (replay_dir("corpus", target, load) == 0)
        fail_msg("no corpus in %s/corpus/%s; run from the repository root or set HWNAS_FUZZ_DIR", fuzz_dir(),
                 target);
    replay_dir("crashes", target, load);
}

static void test_replay_config(void **state)
{
    (void)state;
    replay("config", load_config);
}

static void test_replay_table(void **state)
{
    (void)state;
    replay("table", load_table);
}

static void test_replay_measured(void **state)
{
    (void)state;
    replay("measured", load_measured);
}

static void test_replay_arch(void **state)
{
    (void)state;
    replay("arch", load_arch);
}

static void test_replay_journal(void **state)
{
    (void)state;
    replay("journal", load_journal);
}

/* ---- the fuzzers' findings ------------------------------------------------------ */

static void expect_one_line_error(loader_fn load, const char *text, const char *needle)
{
    outcome o;
    memset(&o, 0, sizeof o);
    load((const unsigned char *)text, strlen(text), &o);
    assert_int_equal(o.rc, HW_EINPUT);
    if (has_control(o.err.msg))
        fail_msg("the message has a control character: \"%s\"", o.err.msg);
    if (!strstr(o.err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", o.err.msg, needle);
}

/* fuzz_config: a newline inside a config string came back inside the one-line error message. */
static void test_config_newline_in_string(void **state)
{
    (void)state;
    expect_one_line_error(load_config,
                          "campaign = \"c\";\nspace = \"nampaign = \"\"\nspace=0 \nb201\";\n"
                          "latency = { table = \"t.csv\"; proxy = \"pixel3\"; };\n",
                          "space = \"nampaign = ?space=0 ?b201\" is not valid");
    expect_one_line_error(load_config, "campaign = \"a\x1b[2Jb\";\nspace = \"nb201\";\n"
                                       "latency = { table = \"t.csv\"; proxy = \"p\"; };\n",
                          "campaign = \"a?[2Jb\"");
}

/* fuzz_config: `@include ""` (or any directory) made libconfig 1.5 exit the process ("input in flex scanner
 * failed"); hwnas now refuses @include lines. */
static void test_config_include_refused(void **state)
{
    (void)state;
    expect_one_line_error(load_config, "@include \"\"file\"{", ":1: @include is not supported");
    expect_one_line_error(load_config, "campaign = \"c\";\n  \t@include \".\"\n", ":2: @include is not supported");
}

/* The same contract for the CSV loaders: a cell or device name with CR or ESC in the middle. */
static void test_csv_control_chars_in_message(void **state)
{
    (void)state;
    expect_one_line_error(load_table,
                          "arch_index,arch_str,dev\n0,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\x1b[2J\n",
                          "'1?[2J' is not a number");
    expect_one_line_error(load_measured,
                          "arch_str,device,latency_ms\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,a\rb,1\n",
                          "device name 'a?b' has the character '?' at position 2");
}

/* Writes a journal header (width, n_items) and, when count > 0, one record [first, first+count) of
 * zero rows, with valid CRCs; returns the size. */
static size_t make_journal(unsigned char *f, uint32_t width, uint64_t n_items, uint64_t first, uint32_t count)
{
    uint64_t fp = 7;
    uint32_t magic = 0x31434552u, crc;
    memcpy(f, "HWNASJ01", 8), memcpy(f + 8, &width, 4), memcpy(f + 12, &n_items, 8), memcpy(f + 20, &fp, 8);
    crc = hw_crc32(0, f, 28);
    memcpy(f + 28, &crc, 4);
    if (count == 0)
        return 32;
    size_t payload = (size_t)count * width * sizeof(double);
    memcpy(f + 32, &magic, 4), memcpy(f + 36, &first, 8), memcpy(f + 44, &count, 4), memcpy(f + 48, &width, 4);
    memset(f + 52, 0, payload);
    crc = hw_crc32(0, f + 36, 16 + payload);
    memcpy(f + 52 + payload, &crc, 4);
    return 52 + payload + 4;
}

static void scan_bytes(const unsigned char *f, size_t n, outcome *o)
{
    char path[64];
    write_bytes(path, f, n);
    scan_journal(path, o);
    unlink(path);
}

/* fuzz_journal: width 0 in the header and the record divided by zero in the record size check (SIGFPE). */
static void test_journal_width_zero(void **state)
{
    (void)state;
    unsigned char f[128];
    outcome o;
    memset(&o, 0, sizeof o);
    scan_bytes(f, make_journal(f, 0, 10, 0, 3), &o);
    assert_true(o.rc == 0 || o.rc == HW_EINPUT);
}

/* fuzz_journal: indexing a journal without records passed NULL to qsort (UBSan). */
static void test_journal_index_no_records(void **state)
{
    (void)state;
    unsigned char f[64];
    char path[64];
    hw_journal j;
    hw_err e = {0};
    write_bytes(path, f, make_journal(f, 3, 5, 0, 0));
    assert_int_equal(hw_journal_scan(&j, path, &e), 0);
    assert_int_equal(j.n_rec, 0);
    assert_int_equal(hw_journal_index(&j, &e), HW_EIO);
    assert_non_null(strstr(e.msg, "only 0 of 5 items"));
    hw_journal_close(&j);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_config),
        cmocka_unit_test(test_replay_table),
        cmocka_unit_test(test_replay_measured),
        cmocka_unit_test(test_replay_arch),
        cmocka_unit_test(test_replay_journal),
        cmocka_unit_test(test_config_newline_in_string),
        cmocka_unit_test(test_config_include_refused),
        cmocka_unit_test(test_csv_control_chars_in_message),
        cmocka_unit_test(test_journal_width_zero),
        cmocka_unit_test(test_journal_index_no_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
