/* test_config.c - unit tests for the campaign config loader (values, defaults, paths, every error class). */
#include "testutil.h"

#include <unistd.h>

#include "hwnas/config.h"

#define DEFAULT_DATA "/default/data"

/* The smallest valid config: 3 lines. */
#define BASE                   \
    "campaign = \"c\";\n"      \
    "space = \"nb201\";\n"     \
    "latency = { table = \"t.csv\"; proxy = \"pixel3\"; };\n"

typedef struct {
    char path[64];
    hw_plan plan;
    hw_err err;
    int rc;
} loaded;

/* Writes text to a temp .cfg, loads it with DEFAULT_DATA as the fallback data dir, removes the file. */
static void load(loaded *l, const char *text)
{
    memset(l, 0, sizeof *l);
    test_write_tmp(l->path, ".cfg", text);
    l->rc = hw_config_load(l->path, DEFAULT_DATA, &l->plan, &l->err);
    remove(l->path);
}

static void load_ok(loaded *l, const char *text)
{
    load(l, text);
    if (l->rc != 0)
        fail_msg("load failed (%d): %s", l->rc, l->err.msg);
}

/* The load fails with HW_EINPUT and a one-line message starting "path:line: " that names key and holds extra. */
static void expect_error(const char *text, int line, const char *key, const char *extra)
{
    char where[128];
    loaded *l = malloc(sizeof *l);
    assert_non_null(l);
    load(l, text);
    snprintf(where, sizeof where, "%s:%d: ", l->path, line);
    assert_int_equal(l->rc, HW_EINPUT);
    assert_int_equal(l->err.code, HW_EINPUT);
    if (strncmp(l->err.msg, where, strlen(where)))
        fail_msg("expected the message to start with '%s', got: %s", where, l->err.msg);
    if (key && !strstr(l->err.msg, key))
        fail_msg("expected key '%s' in: %s", key, l->err.msg);
    if (extra && !strstr(l->err.msg, extra))
        fail_msg("expected '%s' in: %s", extra, l->err.msg);
    assert_null(strchr(l->err.msg, '\n'));
    assert_null(l->plan.latency.targets); /* freed by the failed load */
    assert_null(l->plan.score.proxies);
    hw_plan_free(&l->plan); /* still safe */
    free(l);
}

static void assert_names(char **names, size_t n, const char *const *want, size_t n_want)
{
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n_want; i++)
        assert_string_equal(names[i], want[i]);
    assert_null(names[n_want]);
}

/* ---- good configs ---------------------------------------------------------- */

static const char FULL[] =
    "# full campaign\n"                                                          /* 1 */
    "campaign = \"full-1.0_x\";\n"                                               /* 2 */
    "space = \"nb201\";\n"                                                       /* 3 */
    "data_dir = \"/abs/data\";\n"                                                /* 4 */
    "output_dir = \"out/dir\";\n"                                                /* 5 */
    "seed = 42;\n"                                                               /* 6 */
    "candidates = {\n"                                                           /* 7 */
    "  select = \"sample\";\n"                                                   /* 8 */
    "  n = 1000;\n"                                                              /* 9 */
    "};\n"                                                                       /* 10 */
    "latency = {\n"                                                              /* 11 */
    "  table = \"latency/nb201.csv\";\n"                                         /* 12 */
    "  proxy = \"pixel3\";\n"                                                    /* 13 */
    "  targets = [\"gpu\", \"cpu\"];\n"                                          /* 14 */
    "  measured = \"/abs/measured.csv\";\n"                                      /* 15 */
    "  train_samples = 30;\n"                                                    /* 16 */
    "  val_samples = 5;\n"                                                       /* 17 */
    "  srcc_threshold = 0.8;\n"                                                  /* 18 */
    "  decision = \"threshold\";\n"                                              /* 19 */
    "  lambda_select = \"holdout\";\n"                                           /* 20 */
    "  cv_folds = 5;\n"                                                          /* 21 */
    "  mu_min = 1e-3; mu_max = 1e3; mu_steps = 13;\n"                            /* 22 */
    "};\n"                                                                       /* 23 */
    "score = { proxies = [\"flops\", \"params\", \"synflow\"]; rank_by = \"synflow\"; };\n" /* 24 */
    "accuracy = {\n"                                                             /* 25 */
    "  table = \"acc.csv\";\n"                                                   /* 26 */
    "  column = \"cifar100_test\";\n"                                            /* 27 */
    "};\n"                                                                       /* 28 */
    "farm = { chunk = 64; progress_s = 3; };\n";                                 /* 29 */

static void test_full_config(void **state)
{
    (void)state;
    static const char *const targets[] = {"gpu", "cpu"};
    static const char *const proxies[] = {"flops", "params", "synflow"};
    loaded l;
    load_ok(&l, FULL);
    hw_plan *p = &l.plan;
    assert_string_equal(p->config_path, l.path);
    assert_string_equal(p->campaign, "full-1.0_x");
    assert_string_equal(p->space, "nb201");
    assert_string_equal(p->data_dir, "/abs/data");
    assert_string_equal(p->output_dir, "out/dir");
    assert_true(p->seed == 42);
    assert_int_equal(p->select, HW_SELECT_SAMPLE);
    assert_int_equal(p->sample_n, 1000);
    assert_int_equal(p->select_line, 9);
    assert_string_equal(p->latency.table, "/abs/data/latency/nb201.csv");
    assert_int_equal(p->latency.table_line, 12);
    assert_string_equal(p->latency.proxy, "pixel3");
    assert_int_equal(p->latency.proxy_line, 13);
    assert_names(p->latency.targets, p->latency.n_targets, targets, 2);
    assert_int_equal(p->latency.targets_line, 14);
    assert_string_equal(p->latency.measured, "/abs/measured.csv");
    assert_int_equal(p->latency.measured_line, 15);
    assert_int_equal(p->latency.train_samples, 30);
    assert_int_equal(p->latency.val_samples, 5);
    assert_close(p->latency.srcc_threshold, 0.8, 1e-15);
    assert_int_equal(p->latency.decision, HW_DECIDE_THRESHOLD);
    assert_int_equal(p->latency.lambda_select, HW_LAMBDA_HOLDOUT);
    assert_int_equal(p->latency.cv_folds, 5);
    assert_close(p->latency.mu_min, 1e-3, 1e-18);
    assert_close(p->latency.mu_max, 1e3, 1e-9);
    assert_int_equal(p->latency.mu_steps, 13);
    assert_names(p->score.proxies, p->score.n_proxies, proxies, 3);
    assert_int_equal(p->score.proxies_line, 24);
    assert_string_equal(p->score.rank_by, "synflow");
    assert_int_equal(p->score.rank_by_line, 24);
    assert_string_equal(p->accuracy.table, "/abs/data/acc.csv");
    assert_int_equal(p->accuracy.table_line, 26);
    assert_string_equal(p->accuracy.column, "cifar100_test");
    assert_int_equal(p->accuracy.column_line, 27);
    assert_int_equal(p->farm.chunk, 64);
    assert_int_equal(p->farm.progress_s, 3);
    hw_plan_free(p);
    assert_null(p->latency.targets);
    assert_null(p->score.proxies);
}

static void test_defaults(void **state)
{
    (void)state;
    static const char *const star[] = {"*"};
    static const char *const proxies[] = {"params", "flops"};
    loaded l;
    load_ok(&l, BASE);
    hw_plan *p = &l.plan;
    assert_string_equal(p->data_dir, DEFAULT_DATA);
    assert_string_equal(p->output_dir, "results");
    assert_true(p->seed == 1);
    assert_int_equal(p->select, HW_SELECT_ALL);
    assert_int_equal(p->sample_n, 0);
    assert_string_equal(p->select_path, "");
    assert_int_equal(p->select_line, 0);
    assert_string_equal(p->latency.table, DEFAULT_DATA "/t.csv");
    assert_int_equal(p->latency.table_line, 3);
    assert_int_equal(p->latency.proxy_line, 3);
    assert_names(p->latency.targets, p->latency.n_targets, star, 1);
    assert_int_equal(p->latency.targets_line, 0);
    assert_string_equal(p->latency.measured, "");
    assert_int_equal(p->latency.measured_line, 0);
    assert_int_equal(p->latency.train_samples, 60);
    assert_int_equal(p->latency.val_samples, 10);
    assert_close(p->latency.srcc_threshold, 0.9, 1e-15);
    assert_int_equal(p->latency.decision, HW_DECIDE_CV);
    assert_int_equal(p->latency.lambda_select, HW_LAMBDA_CV);
    assert_int_equal(p->latency.cv_folds, 7);
    assert_close(p->latency.mu_min, 1e-6, 1e-21);
    assert_close(p->latency.mu_max, 1e6, 1e-9);
    assert_int_equal(p->latency.mu_steps, 49);
    assert_names(p->score.proxies, p->score.n_proxies, proxies, 2);
    assert_string_equal(p->score.rank_by, "params");
    assert_int_equal(p->score.proxies_line, 0);
    assert_int_equal(p->score.rank_by_line, 0);
    assert_string_equal(p->accuracy.table, DEFAULT_DATA "/nb201/accuracy.csv");
    assert_string_equal(p->accuracy.column, "cifar10_test");
    assert_int_equal(p->accuracy.table_line, 0);
    assert_int_equal(p->farm.chunk, 256);
    assert_int_equal(p->farm.progress_s, 10);
    hw_plan_free(p);
}

static void test_rank_by_defaults_to_first_proxy(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, BASE "score = { proxies = [\"synflow\", \"params\"]; };\n");
    assert_string_equal(l.plan.score.rank_by, "synflow");
    assert_int_equal(l.plan.score.proxies_line, 4);
    hw_plan_free(&l.plan);
}

static void test_relative_paths(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, "campaign = \"c\";\n"
                "space = \"nb201\";\n"
                "data_dir = \"rel/data\";\n"
                "candidates = { select = \"file\"; path = \"archs.txt\"; };\n"
                "latency = { table = \"lat.csv\"; proxy = \"p\"; measured = \"m/meas.csv\"; };\n"
                "accuracy = { table = \"acc/a.csv\"; };\n");
    assert_string_equal(l.plan.data_dir, "/tmp/rel/data");
    assert_int_equal(l.plan.select, HW_SELECT_FILE);
    assert_string_equal(l.plan.select_path, "/tmp/archs.txt");
    assert_int_equal(l.plan.select_line, 4);
    assert_string_equal(l.plan.latency.table, "/tmp/rel/data/lat.csv");
    assert_string_equal(l.plan.latency.measured, "/tmp/m/meas.csv");
    assert_string_equal(l.plan.accuracy.table, "/tmp/rel/data/acc/a.csv");
    hw_plan_free(&l.plan);
}

static void test_absolute_paths_kept(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, "campaign = \"c\";\n"
                "space = \"nb201\";\n"
                "data_dir = \"/d\";\n"
                "candidates = { select = \"file\"; path = \"/lists/archs.txt\"; };\n"
                "latency = { table = \"/lat/x.csv\"; proxy = \"p\"; measured = \"/m/meas.csv\"; };\n"
                "accuracy = { table = \"/acc/a.csv\"; };\n");
    assert_string_equal(l.plan.data_dir, "/d");
    assert_string_equal(l.plan.select_path, "/lists/archs.txt");
    assert_string_equal(l.plan.latency.table, "/lat/x.csv");
    assert_string_equal(l.plan.latency.measured, "/m/meas.csv");
    assert_string_equal(l.plan.accuracy.table, "/acc/a.csv");
    hw_plan_free(&l.plan);
}

/* A config path without a directory: relative paths stay relative to the working directory. */
static void test_config_path_without_dir(void **state)
{
    (void)state;
    char cwd[HW_PATH_MAX];
    loaded l;
    memset(&l, 0, sizeof l);
    assert_non_null(getcwd(cwd, sizeof cwd));
    test_write_tmp(l.path, ".cfg", BASE "data_dir = \"data\";\n");
    assert_int_equal(chdir("/tmp"), 0);
    l.rc = hw_config_load(l.path + strlen("/tmp/"), DEFAULT_DATA, &l.plan, &l.err);
    assert_int_equal(chdir(cwd), 0);
    remove(l.path);
    assert_int_equal(l.rc, 0);
    assert_string_equal(l.plan.data_dir, "data");
    assert_string_equal(l.plan.latency.table, "data/t.csv");
    hw_plan_free(&l.plan);
}

static void test_env_data_dir(void **state)
{
    (void)state;
    loaded l;
    setenv("HWNAS_DATA_DIR", "/env/data", 1);
    load_ok(&l, BASE);
    assert_string_equal(l.plan.data_dir, "/env/data");
    assert_string_equal(l.plan.latency.table, "/env/data/t.csv");
    assert_string_equal(l.plan.accuracy.table, "/env/data/nb201/accuracy.csv");
    hw_plan_free(&l.plan);
    load_ok(&l, BASE "data_dir = \"/key/data\";\n"); /* the key wins over the environment */
    assert_string_equal(l.plan.data_dir, "/key/data");
    hw_plan_free(&l.plan);
    setenv("HWNAS_DATA_DIR", "", 1); /* empty = unset */
    load_ok(&l, BASE);
    assert_string_equal(l.plan.data_dir, DEFAULT_DATA);
    hw_plan_free(&l.plan);
    unsetenv("HWNAS_DATA_DIR");
}

static void test_int64_and_int_as_float(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, "campaign = \"c\";\n"
                "space = \"nb201\";\n"
                "seed = 5000000000L;\n"
                "candidates = { select = \"sample\"; n = 7L; };\n"
                "farm = { chunk = 3L; progress_s = 2; };\n"
                "latency = { table = \"t.csv\"; proxy = \"p\"; train_samples = 20L;\n"
                "  srcc_threshold = 1; mu_min = 1; mu_max = 100L; };\n");
    assert_true(l.plan.seed == 5000000000ULL);
    assert_int_equal(l.plan.sample_n, 7);
    assert_int_equal(l.plan.farm.chunk, 3);
    assert_int_equal(l.plan.latency.train_samples, 20);
    assert_close(l.plan.latency.srcc_threshold, 1.0, 0);
    assert_close(l.plan.latency.mu_min, 1.0, 0);
    assert_close(l.plan.latency.mu_max, 100.0, 0);
    hw_plan_free(&l.plan);
}

static void test_empty_strings_disable(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, "campaign = \"c\";\n"
                "space = \"nb201\";\n"
                "latency = { table = \"t.csv\"; proxy = \"p\"; measured = \"\";\n"
                "  targets = ( \"a\", \"b\" ); };\n"
                "accuracy = { table = \"\"; };\n");
    assert_string_equal(l.plan.latency.measured, "");
    assert_int_equal(l.plan.latency.measured_line, 3);
    assert_int_equal(l.plan.latency.n_targets, 2); /* a list ( ... ) works like an array */
    assert_int_equal(l.plan.latency.targets_line, 4);
    assert_string_equal(l.plan.accuracy.table, "");
    assert_int_equal(l.plan.accuracy.table_line, 5);
    hw_plan_free(&l.plan);
}

static void test_plan_free_zeroed_and_twice(void **state)
{
    (void)state;
    hw_plan p;
    memset(&p, 0, sizeof p);
    hw_plan_free(&p);
    hw_plan_free(NULL);
    loaded l;
    load_ok(&l, BASE);
    hw_plan_free(&l.plan);
    hw_plan_free(&l.plan);
    assert_null(l.plan.latency.targets);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_err_unreadable(void **state)
{
    (void)state;
    hw_plan p;
    hw_err e = {0};
    assert_int_equal(hw_config_load("/nonexistent-hwnas/x.cfg", DEFAULT_DATA, &p, &e), HW_EINPUT);
    assert_int_equal(e.code, HW_EINPUT);
    assert_true(!strncmp(e.msg, "/nonexistent-hwnas/x.cfg: cannot read", 37));
    assert_non_null(strstr(e.msg, "No such file"));
    hw_plan_free(&p);
    assert_int_equal(hw_config_load("/tmp", DEFAULT_DATA, &p, &e), HW_EINPUT);
    assert_true(!strncmp(e.msg, "/tmp: cannot read", 17));
    assert_int_equal(hw_config_load("", DEFAULT_DATA, &p, &e), HW_EINPUT);
}

static void test_err_syntax(void **state)
{
    (void)state;
    expect_error(BASE "seed = ;\n", 4, "syntax error", NULL);
    expect_error("campaign = \"c\";\nspace = = \"nb201\";\n", 2, "syntax error", NULL);
    expect_error(BASE "\nfarm = { chunk = 1;\n", 6, "syntax error", NULL); /* unclosed group, seen at the end */
}

static void test_err_duplicate_key(void **state)
{
    (void)state;
    expect_error(BASE "seed = 1;\nseed = 2;\n", 5, "duplicate", NULL);
}

static void test_err_unknown_top_key(void **state)
{
    (void)state;
    expect_error(BASE "sede = 3;\n", 4, "'sede'",
                 "did you mean 'seed'? valid keys at the top level are: campaign, space");
    expect_error("# x\n" BASE "latency2 = { a = 1; };\n", 5, "'latency2'", "farm");
}

static void test_err_unknown_latency_key(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\n"
                 "space = \"nb201\";\n"
                 "latency = {\n"
                 "  table = \"t.csv\";\n"
                 "  proxy = \"p\";\n"
                 "  tabel = \"x.csv\";\n"
                 "};\n",
                 6, "'latency.tabel'", "did you mean 'table'? valid keys in latency are: table, proxy, targets");
}

static void test_err_unknown_group_keys(void **state)
{
    (void)state;
    expect_error(BASE "candidates = { select = \"all\"; count = 5; };\n", 4, "'candidates.count'",
                 "select, n, path");
    expect_error(BASE "score = {\n  rankby = \"params\";\n};\n", 5, "'score.rankby'", "did you mean 'rank_by'?");
    expect_error(BASE "accuracy = { columns = \"x\"; };\n", 4, "'accuracy.columns'", "table, column");
    expect_error(BASE "farm = { chunks = 4; };\n", 4, "'farm.chunks'", "chunk, progress_s");
}

static void test_err_type_integer(void **state)
{
    (void)state;
    expect_error(BASE "seed = \"1\";\n", 4, "seed", "must be an integer, got a string");
    expect_error(BASE "farm = { chunk = 2.5; };\n", 4, "farm.chunk", "must be an integer, got a float");
}

static void test_err_type_number(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  srcc_threshold = \"high\"; };\n",
                 4, "latency.srcc_threshold", "must be a number, got a string");
}

static void test_err_type_string(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = 201;\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 2,
                 "space", "must be a string, got an integer");
    expect_error(BASE "output_dir = true;\n", 4, "output_dir", "got a boolean");
}

static void test_err_type_group(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\nlatency = \"x\";\n", 3, "latency",
                 "must be a group { ... }, got a string");
    expect_error(BASE "farm = [1];\n", 4, "farm", "must be a group");
}

static void test_err_type_names(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; targets = \"gpu\"; };\n",
                 3, "latency.targets", "must be an array of strings, got a string");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  targets = ( \"gpu\",\n"
                 "              3 ); };\n",
                 5, "latency.targets[1]", "must be a string, got an integer");
}

static void test_err_range_int(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  train_samples = 1; };\n",
                 4, "latency.train_samples", "out of range; use an integer from 3");
    expect_error(BASE "seed = -1;\n", 4, "seed", "an integer >= 0");
    expect_error(BASE "seed = 3000000000;\n", 4, "seed", "L suffix"); /* libconfig wraps it negative */
    expect_error(BASE "farm = { chunk = 0; };\n", 4, "farm.chunk", "out of range");
    expect_error(BASE "farm = {\n progress_s = 0; };\n", 5, "farm.progress_s", "out of range");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; val_samples = 0; };\n",
                 3, "latency.val_samples", "out of range");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; cv_folds = 1; };\n",
                 3, "latency.cv_folds", "out of range");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; mu_steps = 1; };\n",
                 3, "latency.mu_steps", "out of range");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; train_samples = 3000000000L; };\n",
                 3, "latency.train_samples", "out of range");
}

static void test_err_range_float(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  srcc_threshold = 1.5; };\n",
                 4, "latency.srcc_threshold", "out of range; use a number from -1 to 1");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; srcc_threshold = -2; };\n",
                 3, "latency.srcc_threshold", "out of range");
}

static void test_err_mu_grid(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  mu_min = 0; };\n",
                 4, "latency.mu_min", "must be > 0");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  mu_min = 10;\n"
                 "  mu_max = 1; };\n",
                 5, "latency.mu_max", "must be below");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  mu_min = 1e7; };\n",
                 4, "latency.mu_min", "must be below"); /* above the default mu_max */
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\"; mu_max = 1e999; };\n",
                 3, "latency.mu_max", "finite");
}

static void test_err_missing_latency_table(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\n"
                 "space = \"nb201\";\n"
                 "latency = {\n"
                 "  proxy = \"p\";\n"
                 "};\n",
                 3, "'latency.table'", "add table = \"latency/nb201.csv\"; inside latency");
}

static void test_err_missing_latency_proxy(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\n"
                 "space = \"nb201\";\n"
                 "\n"
                 "latency =\n"
                 "{\n"
                 "  table = \"t.csv\";\n"
                 "};\n",
                 4, "'latency.proxy'", "add proxy =");
}

static void test_err_missing_top_keys(void **state)
{
    (void)state;
    expect_error("space = \"nb201\";\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 1, "'campaign'",
                 "at the top level");
    expect_error("campaign = \"c\";\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 1, "'space'", NULL);
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n", 1, "'latency'", "add latency = {");
    expect_error("", 1, "'campaign'", NULL);
}

static void test_err_missing_candidates_n(void **state)
{
    (void)state;
    expect_error(BASE "candidates = {\n  select = \"sample\";\n};\n", 4, "'candidates.n'", "add n = 1000;");
}

static void test_err_missing_candidates_path(void **state)
{
    (void)state;
    expect_error(BASE "\ncandidates = { select = \"file\"; };\n", 5, "'candidates.path'", "add path =");
}

/* score.* options of the zero-shot proxies: defaults, values, errors. */
static void test_score_options(void **state)
{
    (void)state;
    loaded l;
    load_ok(&l, BASE);
    assert_string_equal(l.plan.score.data, DEFAULT_DATA "/cifar10/data_batch_1_first1102.bin");
    assert_int_equal(l.plan.score.classes, 10);
    assert_int_equal(l.plan.score.batch_size, 64);
    assert_int_equal(l.plan.score.zico_batches, 2);
    assert_int_equal(l.plan.score.init, 0);
    assert_int_equal(l.plan.score.precision, 0);
    assert_close(l.plan.score.zico_bc_beta, 1.0, 0);
    assert_int_equal(l.plan.score.zico_bc_map, 0);
    hw_plan_free(&l.plan);
    load_ok(&l, BASE "score = { proxies = [\"zico_bc\"]; data = \"c100.bin\"; classes = 100; batch_size = 32;\n"
                "  zico_batches = 3; init = \"kaiming_normal\"; precision = \"f64\"; zico_bc_beta = 0.5;\n"
                "  zico_bc_map = \"input\"; };\n");
    assert_string_equal(l.plan.score.data, DEFAULT_DATA "/c100.bin");
    assert_int_equal(l.plan.score.classes, 100);
    assert_int_equal(l.plan.score.batch_size, 32);
    assert_int_equal(l.plan.score.zico_batches, 3);
    assert_int_equal(l.plan.score.init, 1);
    assert_int_equal(l.plan.score.precision, 1);
    assert_close(l.plan.score.zico_bc_beta, 0.5, 0);
    assert_int_equal(l.plan.score.zico_bc_map, 1);
    hw_plan_free(&l.plan);
    expect_error(BASE "score = { classes = 20; };\n", 4, "score.classes", "use 10");
    expect_error(BASE "score = { zico_batches = 1; };\n", 4, "score.zico_batches", "out of range");
    expect_error(BASE "score = {\n  init = \"xavier\"; };\n", 5, "score.init", "\"torch\", \"kaiming_normal\"");
    expect_error(BASE "score = { precision = \"f16\"; };\n", 4, "score.precision", "\"f32\", \"f64\"");
    expect_error(BASE "score = { zico_bc_map = \"both\"; };\n", 4, "score.zico_bc_map", "\"output\", \"input\"");
    expect_error(BASE "score = { batch_size = 0; };\n", 4, "score.batch_size", "out of range");
}

static void test_err_enum_values(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb101\";\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 2,
                 "space", "use one of: \"nb201\"");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  decision = \"vote\"; };\n",
                 4, "latency.decision", "use one of: \"cv\", \"threshold\"");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  lambda_select = \"kfold\"; };\n",
                 4, "latency.lambda_select", "use one of: \"cv\", \"holdout\"");
    expect_error(BASE "candidates = { select = \"random\"; };\n", 4, "candidates.select",
                 "use one of: \"all\", \"sample\", \"file\"");
}

/* latency.method, latency.sources, latency.sample_select: defaults and values. */
static void test_multiproxy_keys(void **state)
{
    (void)state;
    static const char *const star[] = {"*"}, *const two[] = {"gpu", "cpu"};
    loaded l;
    load_ok(&l, BASE);
    assert_int_equal(l.plan.latency.method, HW_METHOD_ADAPROXY);
    assert_int_equal(l.plan.latency.sample_select, HW_SAMPLES_RANDOM);
    assert_names(l.plan.latency.sources, l.plan.latency.n_sources, star, 1);
    assert_int_equal(l.plan.latency.sources_line, 0);
    hw_plan_free(&l.plan);
    load_ok(&l, "campaign = \"c\";\nspace = \"nb201\";\n"
                "latency = { table = \"t.csv\"; proxy = \"p\"; method = \"multiproxy\";\n"
                "  sources = [\"gpu\", \"cpu\"]; sample_select = \"diverse\"; };\n");
    assert_int_equal(l.plan.latency.method, HW_METHOD_MULTIPROXY);
    assert_int_equal(l.plan.latency.sample_select, HW_SAMPLES_DIVERSE);
    assert_names(l.plan.latency.sources, l.plan.latency.n_sources, two, 2);
    assert_int_equal(l.plan.latency.sources_line, 4);
    hw_plan_free(&l.plan);
    assert_null(l.plan.latency.sources);
    load_ok(&l, "campaign = \"c\";\nspace = \"nb201\";\n"
                "latency = { table = \"t.csv\"; proxy = \"p\"; method = \"direct\"; };\n");
    assert_int_equal(l.plan.latency.method, HW_METHOD_DIRECT);
    hw_plan_free(&l.plan);
}

static void test_err_multiproxy_keys(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  method = \"help\"; };\n",
                 4, "latency.method", "use one of: \"adaproxy\", \"multiproxy\", \"direct\"");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  sample_select = \"kcenter\"; };\n",
                 4, "latency.sample_select", "use one of: \"random\", \"diverse\"");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  sources = [\"gpu\", \"*\"]; };\n",
                 4, "latency.sources[1]", "cannot be mixed");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  sources = []; };\n",
                 4, "latency.sources", "is empty");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  sources = \"gpu\"; };\n",
                 4, "latency.sources", "must be an array of strings");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  sources = [\"gpu\", \"gpu\"]; };\n",
                 4, "latency.sources[1]", "listed twice");
}

static void test_err_sample_n(void **state)
{
    (void)state;
    expect_error(BASE "candidates = { select = \"sample\";\n  n = 0; };\n", 5, "candidates.n", "out of range");
    expect_error(BASE "candidates = { select = \"sample\"; n = -3; };\n", 4, "candidates.n", "an integer >= 1");
}

static void test_err_select_key_mismatch(void **state)
{
    (void)state;
    expect_error(BASE "candidates = { n = 5; };\n", 4, "candidates.n", "only used with select = \"sample\"");
    expect_error(BASE "candidates = { select = \"sample\"; n = 5;\n path = \"a.txt\"; };\n", 5, "candidates.path",
                 "only used with select = \"file\"");
}

static void test_err_targets_star_mixed(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  targets = [\"gpu\",\n"
                 "             \"*\"]; };\n",
                 5, "latency.targets[1]", "cannot be mixed");
}

static void test_err_targets_duplicate(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  targets = [\"gpu\", \"cpu\", \"gpu\"]; };\n",
                 4, "latency.targets[2]", "listed twice");
}

static void test_err_targets_empty(void **state)
{
    (void)state;
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  targets = []; };\n",
                 4, "latency.targets", "is empty");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\n"
                 "latency = { table = \"t.csv\"; proxy = \"p\";\n"
                 "  targets = [\"\"]; };\n",
                 4, "latency.targets[0]", "is empty");
}

static void test_err_rank_by(void **state)
{
    (void)state;
    expect_error(BASE "score = { proxies = [\"params\", \"synflow\"];\n  rank_by = \"flops\"; };\n", 5,
                 "score.rank_by", "not among score.proxies (params, synflow)");
    expect_error(BASE "\nscore = { rank_by = \"synflow\"; };\n", 5, "score.rank_by", "(params, flops)");
}

static void test_err_proxies(void **state)
{
    (void)state;
    expect_error(BASE "score = { proxies = [\"Params\"]; };\n", 4, "score.proxies[0]", "not a valid proxy name");
    expect_error(BASE "score = { proxies = [\"params\", \"params\"]; };\n", 4, "score.proxies[1]", "listed twice");
    expect_error(BASE "score = {\n proxies = (); };\n", 5, "score.proxies", "is empty");
}

static void test_err_campaign_name(void **state)
{
    (void)state;
    expect_error("campaign = \"a/b\";\nspace = \"nb201\";\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 1,
                 "campaign", "not a valid directory name");
    expect_error("\ncampaign = \"..\";\nspace = \"nb201\";\nlatency = { table = \"t.csv\"; proxy = \"p\"; };\n", 2,
                 "campaign", "not a valid directory name");
}

static void test_err_string_length(void **state)
{
    (void)state;
    char text[1024], name[201];
    memset(name, 'x', 200);
    name[200] = '\0';
    snprintf(text, sizeof text,
             "campaign = \"c\";\nspace = \"nb201\";\nlatency = { table = \"t.csv\";\n proxy = \"%s\"; };\n", name);
    expect_error(text, 4, "latency.proxy", "too long");
    expect_error("campaign = \"c\";\nspace = \"nb201\";\nlatency = { table = \"t.csv\"; proxy = \"\"; };\n", 3,
                 "latency.proxy", "is empty");
    expect_error(BASE "accuracy = { column = \"\"; };\n", 4, "accuracy.column", "is empty");
}

static int group_setup(void **state)
{
    const char *d = getenv("HWNAS_DATA_DIR");
    *state = d ? strdup(d) : NULL;
    unsetenv("HWNAS_DATA_DIR");
    return 0;
}

static int group_teardown(void **state)
{
    if (*state)
        setenv("HWNAS_DATA_DIR", *state, 1);
    free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_config),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_rank_by_defaults_to_first_proxy),
        cmocka_unit_test(test_relative_paths),
        cmocka_unit_test(test_absolute_paths_kept),
        cmocka_unit_test(test_config_path_without_dir),
        cmocka_unit_test(test_env_data_dir),
        cmocka_unit_test(test_int64_and_int_as_float),
        cmocka_unit_test(test_empty_strings_disable),
        cmocka_unit_test(test_plan_free_zeroed_and_twice),
        cmocka_unit_test(test_err_unreadable),
        cmocka_unit_test(test_err_syntax),
        cmocka_unit_test(test_err_duplicate_key),
        cmocka_unit_test(test_err_unknown_top_key),
        cmocka_unit_test(test_err_unknown_latency_key),
        cmocka_unit_test(test_err_unknown_group_keys),
        cmocka_unit_test(test_err_type_integer),
        cmocka_unit_test(test_err_type_number),
        cmocka_unit_test(test_err_type_string),
        cmocka_unit_test(test_err_type_group),
        cmocka_unit_test(test_err_type_names),
        cmocka_unit_test(test_err_range_int),
        cmocka_unit_test(test_err_range_float),
        cmocka_unit_test(test_err_mu_grid),
        cmocka_unit_test(test_err_missing_latency_table),
        cmocka_unit_test(test_err_missing_latency_proxy),
        cmocka_unit_test(test_err_missing_top_keys),
        cmocka_unit_test(test_err_missing_candidates_n),
        cmocka_unit_test(test_err_missing_candidates_path),
        cmocka_unit_test(test_err_enum_values),
        cmocka_unit_test(test_multiproxy_keys),
        cmocka_unit_test(test_err_multiproxy_keys),
        cmocka_unit_test(test_err_sample_n),
        cmocka_unit_test(test_err_select_key_mismatch),
        cmocka_unit_test(test_err_targets_star_mixed),
        cmocka_unit_test(test_err_targets_duplicate),
        cmocka_unit_test(test_err_targets_empty),
        cmocka_unit_test(test_err_rank_by),
        cmocka_unit_test(test_err_proxies),
        cmocka_unit_test(test_err_campaign_name),
        cmocka_unit_test(test_err_string_length),
        cmocka_unit_test(test_score_options),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
