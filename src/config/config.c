/* config.c - reads a libconfig campaign file into a validated hw_plan (contract: include/hwnas/config.h). */
#include "hwnas/config.h"

#include "hwnas/sgd_sim.h"

#include <errno.h>
#include <float.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TRY(expr)              \
    do {                       \
        int rc_ = (expr);      \
        if (rc_)               \
            return rc_;        \
    } while (0)

#define KEY_MAX 256
#define BIT(type) (1u << (type))
#define T_INT (BIT(CONFIG_TYPE_INT) | BIT(CONFIG_TYPE_INT64))
#define T_NUM (T_INT | BIT(CONFIG_TYPE_FLOAT))
#define T_STR BIT(CONFIG_TYPE_STRING)
#define T_GROUP BIT(CONFIG_TYPE_GROUP)
#define T_NAMES (BIT(CONFIG_TYPE_ARRAY) | BIT(CONFIG_TYPE_LIST))

#define CAMPAIGN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define PROXY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

typedef struct {
    const char *path;      /* the config file as given */
    char dir[HW_PATH_MAX]; /* its directory, "" when the path has no '/' */
    hw_err *err;
} ctx;

/* Every valid key by full path, with the example value used in hints. */
typedef struct {
    const char *path, *example;
} key_doc;

static const key_doc KEYS[] = {
    {"campaign", "\"nb201-oneproxy\""},
    {"space", "\"nb201\""},
    {"data_dir", "\"/path/to/data\""},
    {"output_dir", "\"results\""},
    {"seed", "1"},
    {"candidates", "{ select = \"all\"; }"},
    {"candidates.select", "\"all\""},
    {"candidates.n", "1000"},
    {"candidates.path", "\"archs.txt\""},
    {"latency", "{ table = \"latency/nb201.csv\"; proxy = \"pixel3\"; }"},
    {"latency.table", "\"latency/nb201.csv\""},
    {"latency.proxy", "\"pixel3\""},
    {"latency.targets", "[\"*\"]"},
    {"latency.measured", "\"measured.csv\""},
    {"latency.host", "\"results/host/host_latency.csv\""},
    {"latency.host_predictor", "\"results/host/predictor.txt\""},
    {"latency.train_samples", "60"},
    {"latency.val_samples", "10"},
    {"latency.srcc_threshold", "0.9"},
    {"latency.decision", "\"cv\""},
    {"latency.lambda_select", "\"cv\""},
    {"latency.cv_folds", "7"},
    {"latency.mu_min", "1e-6"},
    {"latency.mu_max", "1e6"},
    {"latency.mu_steps", "49"},
    {"latency.method", "\"adaproxy\""},
    {"latency.sources", "[\"*\"]"},
    {"latency.sample_select", "\"random\""},
    {"score", "{ proxies = [\"params\", \"flops\"]; rank_by = \"params\"; }"},
    {"score.proxies", "[\"params\", \"flops\"]"},
    {"score.rank_by", "\"params\""},
    {"score.data", "\"cifar10/data_batch_1_first1102.bin\""},
    {"score.classes", "10"},
    {"score.batch_size", "64"},
    {"score.zico_batches", "2"},
    {"score.init", "\"torch\""},
    {"score.precision", "\"f32\""},
    {"score.zico_bc_beta", "1.0"},
    {"score.zico_bc_map", "\"output\""},
    {"accuracy", "{ table = \"nb201/accuracy.csv\"; column = \"cifar10_test\"; }"},
    {"accuracy.table", "\"nb201/accuracy.csv\""},
    {"accuracy.column", "\"cifar10_test\""},
    {"farm", "{ chunk = 256; progress_s = 10; }"},
    {"farm.chunk", "256"},
    {"farm.progress_s", "10"},
    {"throughput", "{ workers = [1, 2, 4, 8]; bw_server = \"1Gbit\"; }"},
    {"throughput.workers", "[1, 2, 4, 8]"},
    {"throughput.bw_server", "\"1Gbit\""},
    {"throughput.bw_worker", "\"1Gbit\""},
    {"throughput.latency_us", "100.0"},
    {"throughput.gflops", "20.0"},
    {"throughput.batch", "64"},
    {"throughput.policy", "\"reverse\""},
    {"throughput.pull_policy", "\"layer\""},
    {"throughput.push_policy", "\"reverse\""},
    {"throughput.top", "20"},
};
#define N_KEYS (sizeof KEYS / sizeof KEYS[0])

/* ---- key paths, messages ---------------------------------------------- */

static const char *example_of(const char *path)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(KEYS[i].path, path))
            return KEYS[i].example;
    return NULL;
}

/* The example for a hint (every key reaching a hint is in KEYS). */
static const char *hint(const char *path)
{
    const char *e = example_of(path);
    return e ? e : "...";
}

/* True when path is a direct child of group ("" = the top level). */
static int is_child(const char *path, const char *group)
{
    size_t n = strlen(group);
    if (n == 0)
        return !strchr(path, '.');
    return !strncmp(path, group, n) && path[n] == '.' && !strchr(path + n + 1, '.');
}

static void appendf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* Full dotted path of s, e.g. "latency.targets[1]"; "" for the root. */
static void key_path(const config_setting_t *s, char *buf, size_t cap)
{
    const config_setting_t *parent = config_setting_parent(s);
    buf[0] = '\0';
    if (!parent)
        return;
    key_path(parent, buf, cap);
    if (config_setting_name(s))
        appendf(buf, cap, "%s%s", buf[0] ? "." : "", config_setting_name(s));
    else
        appendf(buf, cap, "[%d]", config_setting_index(s));
}

static void child_path(const config_setting_t *g, const char *name, char *buf, size_t cap)
{
    key_path(g, buf, cap);
    appendf(buf, cap, "%s%s", buf[0] ? "." : "", name);
}

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP: return "a group { ... }";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a float";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
    case CONFIG_TYPE_LIST: return "a list ( ... )";
    default: return "an unknown type";
    }
}

/* "file:line: what; hint" at setting s (the root has line 0: reported as 1). */
static int fail(const ctx *c, const config_setting_t *s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const ctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *file = config_setting_source_file(s) ? config_setting_source_file(s) : c->path;
    int line = (int)config_setting_source_line(s);
    return hw_errf(c->err, HW_EINPUT, "%s:%d: %s", file, line > 0 ? line : 1, what);
}

/* ---- unknown keys ------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
    size_t lb = strlen(b), row[KEY_MAX];
    if (lb >= KEY_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_key(const ctx *c, const config_setting_t *m, const char *group, const char *path)
{
    char valid[512] = "", guess[KEY_MAX + 32] = "";
    size_t best = 3;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (!is_child(KEYS[i].path, group))
            continue;
        const char *name = KEYS[i].path + (group[0] ? strlen(group) + 1 : 0);
        appendf(valid, sizeof valid, "%s%s", valid[0] ? ", " : "", name);
        size_t d = edit_distance(config_setting_name(m), name);
        if (d < best) {
            best = d;
            snprintf(guess, sizeof guess, "did you mean '%s'? ", name);
        }
    }
    return fail(c, m, "unknown key '%s'; %svalid keys %s%s are: %s", path, guess,
                group[0] ? "in " : "at the top level", group, valid);
}

/* Rejects any member of group g that KEYS does not list under it. */
static int check_keys(const ctx *c, const config_setting_t *g)
{
    char group[KEY_MAX], path[KEY_MAX];
    key_path(g, group, sizeof group);
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, i);
        key_path(m, path, sizeof path);
        if (!example_of(path))
            return unknown_key(c, m, group, path);
    }
    return 0;
}

/* ---- typed getters: absent keys leave the default in place -------------- */

/* Error when the required key g.name is absent (reported at g's line). */
static int require(const ctx *c, const config_setting_t *g, const char *name)
{
    char group[KEY_MAX], path[KEY_MAX];
    if (config_setting_get_member(g, name))
        return 0;
    key_path(g, group, sizeof group);
    child_path(g, name, path, sizeof path);
    return fail(c, g, "missing required key '%s'; add %s = %s;%s%s", path, name, hint(path),
                group[0] ? " inside " : " at the top level", group);
}

/* *out = g.name, NULL when absent (or g is NULL); an error for a type not in types. */
static int lookup(const ctx *c, const config_setting_t *g, const char *name, unsigned types,
                  const char *want, config_setting_t **out)
{
    char path[KEY_MAX];
    config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
    *out = NULL;
    if (!s)
        return 0;
    if (!(types & BIT(config_setting_type(s)))) {
        key_path(s, path, sizeof path);
        return fail(c, s, "%s must be %s, got %s; write e.g. %s = %s;", path, want,
                    type_name(config_setting_type(s)), name, hint(path));
    }
    *out = s;
    return 0;
}

static int check_str(const ctx *c, const config_setting_t *s, const char *v, size_t cap)
{
    char path[KEY_MAX];
    key_path(s, path, sizeof path);
    if (!v[0])
        return fail(c, s, "%s is empty; give a non-empty value", path);
    if (strlen(v) >= cap)
        return fail(c, s, "%s is too long (%zu characters); shorten it to at most %zu", path, strlen(v),
                    cap - 1);
    return 0;
}

/* Copies the string g.name into dst[cap]; *line (if given) gets its line. */
static int get_str(const ctx *c, const config_setting_t *g, const char *name, int empty_ok, char *dst,
                   size_t cap, int *line)
{
    config_setting_t *s;
    TRY(lookup(c, g, name, T_STR, "a string", &s));
    if (!s)
        return 0;
    const char *v = config_setting_get_string(s);
    if (!(empty_ok && !v[0]))
        TRY(check_str(c, s, v, cap));
    memcpy(dst, v, strlen(v) + 1);
    if (line)
        *line = (int)config_setting_source_line(s);
    return 0;
}

static int get_i64(const ctx *c, const config_setting_t *g, const char *name, long long lo, long long hi,
                   long long *dst, int *line)
{
    char path[KEY_MAX], want[96];
    config_setting_t *s;
    TRY(lookup(c, g, name, T_INT, "an integer", &s));
    if (!s)
        return 0;
    long long v = config_setting_get_int64(s);
    if (v >= lo && v <= hi) {
        *dst = v;
        if (line)
            *line = (int)config_setting_source_line(s);
        return 0;
    }
    key_path(s, path, sizeof path);
    snprintf(want, sizeof want, hi == LLONG_MAX ? "an integer >= %lld" : "an integer from %lld to %lld", lo, hi);
    return fail(c, s, "%s = %lld is out of range; use %s%s", path, v, want,
                v < 0 && lo >= 0 ? " (integers above 2147483647 need an L suffix, e.g. 3000000000L)" : "");
}

static int get_int(const ctx *c, const config_setting_t *g, const char *name, int lo, int *dst)
{
    long long v = *dst;
    TRY(get_i64(c, g, name, lo, INT_MAX, &v, NULL));
    *dst = (int)v;
    return 0;
}

/* A float or integer in [lo, hi]. */
static int get_dbl(const ctx *c, const config_setting_t *g, const char *name, double lo, double hi, double *dst)
{
    char path[KEY_MAX];
    config_setting_t *s;
    TRY(lookup(c, g, name, T_NUM, "a number", &s));
    if (!s)
        return 0;
    double v = config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                           : (double)config_setting_get_int64(s);
    if (v >= lo && v <= hi) {
        *dst = v;
        return 0;
    }
    key_path(s, path, sizeof path);
    if (lo == -DBL_MAX && hi == DBL_MAX)
        return fail(c, s, "%s = %g is out of range; use a finite number", path, v);
    return fail(c, s, "%s = %g is out of range; use a number from %g to %g", path, v, lo, hi);
}

/* The string g.name as an index into names (NULL-terminated). */
static int get_enum(const ctx *c, const config_setting_t *g, const char *name, const char *const *names,
                    int *dst, int *line)
{
    char path[KEY_MAX], valid[256] = "";
    config_setting_t *s;
    TRY(lookup(c, g, name, T_STR, "a string", &s));
    if (!s)
        return 0;
    const char *v = config_setting_get_string(s);
    for (int i = 0; names[i]; i++) {
        if (!strcmp(v, names[i])) {
            *dst = i;
            if (line)
                *line = (int)config_setting_source_line(s);
            return 0;
        }
        appendf(valid, sizeof valid, "%s\"%s\"", i ? ", " : "", names[i]);
    }
    key_path(s, path, sizeof path);
    return fail(c, s, "%s = \"%.200s\" is not valid; use one of: %s", path, v, valid);
}

/* Finds the group g.name (NULL when absent) and checks its keys. */
static int get_group(const ctx *c, const config_setting_t *g, const char *name, config_setting_t **out)
{
    TRY(lookup(c, g, name, T_GROUP, "a group { ... }", out));
    return *out ? check_keys(c, *out) : 0;
}

/* ---- string arrays ------------------------------------------------------ */

static void free_names(char ***names)
{
    if (*names)
        for (char **p = *names; *p; p++)
            free(*p);
    free(*names);
    *names = NULL;
}

static int dup_names(const char *const *src, size_t len, char ***out, size_t *n, hw_err *err)
{
    char **v = hw_calloc(len + 1, sizeof *v, err);
    if (!v)
        return HW_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        if (!(v[i] = strdup(src[i]))) {
            free_names(&v);
            return hw_errf(err, HW_ENOMEM, "out of memory copying the config's names");
        }
    }
    *out = v;
    *n = len;
    return 0;
}

/* Element i of arr: a distinct non-empty name; proxy names are [a-z0-9_]+, "*" stands alone. */
static int check_elem(const ctx *c, const config_setting_t *arr, int i, int proxies)
{
    char path[KEY_MAX];
    const config_setting_t *e = config_setting_get_elem(arr, (unsigned)i);
    key_path(e, path, sizeof path);
    if (config_setting_type(e) != CONFIG_TYPE_STRING)
        return fail(c, e, "%s must be a string, got %s; quote the name", path, type_name(config_setting_type(e)));
    const char *v = config_setting_get_string(e);
    TRY(check_str(c, e, v, HW_NAME_MAX));
    if (proxies && strspn(v, PROXY_CHARS) != strlen(v))
        return fail(c, e, "%s = \"%s\" is not a valid proxy name; use lowercase letters, digits and '_'", path, v);
    if (!proxies && !strcmp(v, "*") && config_setting_length(arr) > 1)
        return fail(c, e, "%s: \"*\" (every device) cannot be mixed with device names; "
                          "use [\"*\"] alone or list the names", path);
    for (int j = 0; j < i; j++)
        if (!strcmp(v, config_setting_get_string_elem(arr, j)))
            return fail(c, e, "%s = \"%s\" is listed twice; list each name once", path, v);
    return 0;
}

/* Reads the array or list of names g.name into a malloc'd NULL-terminated copy (*out stays NULL when absent). */
static int get_names(const ctx *c, const config_setting_t *g, const char *name, int proxies, char ***out,
                     size_t *n, int *line)
{
    char path[KEY_MAX];
    config_setting_t *s;
    TRY(lookup(c, g, name, T_NAMES, "an array of strings", &s));
    if (!s)
        return 0;
    int len = config_setting_length(s);
    key_path(s, path, sizeof path);
    if (len == 0)
        return fail(c, s, "%s is empty; list at least one name, e.g. %s = %s;", path, name, hint(path));
    for (int i = 0; i < len; i++)
        TRY(check_elem(c, s, i, proxies));
    const char **tmp = hw_calloc((size_t)len, sizeof *tmp, c->err);
    if (!tmp)
        return HW_ENOMEM;
    for (int i = 0; i < len; i++)
        tmp[i] = config_setting_get_string_elem(s, i);
    int rc = dup_names(tmp, (size_t)len, out, n, c->err);
    free(tmp);
    *line = (int)config_setting_source_line(s);
    return rc;
}

/* ---- paths -------------------------------------------------------------- */

/* dst = rel when it is absolute or base is "", else base/rel; errors name key at setting at. */
static int join(const ctx *c, const config_setting_t *at, const char *key, const char *base, const char *rel,
                char *dst, size_t cap)
{
    int n;
    if (rel[0] == '/' || !base[0])
        n = snprintf(dst, cap, "%s", rel);
    else
        n = snprintf(dst, cap, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", rel);
    if (n >= 0 && (size_t)n < cap)
        return 0;
    return fail(c, at, "%s resolves to a path longer than %zu characters; use a shorter path", key, cap - 1);
}

/* The setting to report at: g.name if present, else g, else fallback. */
static const config_setting_t *at(const config_setting_t *g, const char *name, const config_setting_t *fallback)
{
    const config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
    return s ? s : g ? g : fallback;
}

static int load_data_dir(const ctx *c, const config_setting_t *root, const char *fallback, hw_plan *p)
{
    char rel[HW_PATH_MAX];
    int line = 0;
    TRY(get_str(c, root, "data_dir", 0, rel, sizeof rel, &line));
    if (line)
        return join(c, at(root, "data_dir", root), "data_dir", c->dir, rel, p->data_dir, sizeof p->data_dir);
    const char *env = getenv("HWNAS_DATA_DIR");
    const char *dir = env && env[0] ? env : fallback ? fallback : ".";
    if (strlen(dir) >= sizeof p->data_dir)
        return fail(c, root, "the data directory (%s) is longer than %zu characters; set a shorter data_dir",
                    env && env[0] ? "$HWNAS_DATA_DIR" : "default", sizeof p->data_dir - 1);
    memcpy(p->data_dir, dir, strlen(dir) + 1);
    return 0;
}

/* ---- sections ------------------------------------------------------------ */

static int load_top(const ctx *c, const config_setting_t *root, const char *fallback, hw_plan *p)
{
    static const char *const spaces[] = {"nb201", NULL};
    long long seed = 1;
    int space = 0;
    TRY(require(c, root, "campaign"));
    TRY(require(c, root, "space"));
    TRY(get_str(c, root, "campaign", 0, p->campaign, sizeof p->campaign, NULL));
    if (strspn(p->campaign, CAMPAIGN_CHARS) != strlen(p->campaign) || !strcmp(p->campaign, ".") ||
        !strcmp(p->campaign, ".."))
        return fail(c, at(root, "campaign", root),
                    "campaign = \"%s\" is not a valid directory name; use letters, digits, '.', '_' and '-' only",
                    p->campaign);
    TRY(get_enum(c, root, "space", spaces, &space, NULL));
    memcpy(p->space, spaces[space], strlen(spaces[space]) + 1);
    TRY(get_str(c, root, "output_dir", 0, p->output_dir, sizeof p->output_dir, NULL));
    TRY(get_i64(c, root, "seed", 0, LLONG_MAX, &seed, NULL));
    p->seed = (uint64_t)seed;
    return load_data_dir(c, root, fallback, p);
}

/* candidates.n and candidates.path belong to one select mode each. */
static int only_with(const ctx *c, const config_setting_t *g, const char *name, int used, const char *mode)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s || used)
        return 0;
    return fail(c, s, "candidates.%s is only used with select = \"%s\"; remove it or set select = \"%s\";", name,
                mode, mode);
}

static int load_candidates(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    static const char *const modes[] = {"all", "sample", "file", "repeat", NULL};
    char rel[HW_PATH_MAX];
    config_setting_t *g;
    int mode = HW_SELECT_ALL;
    long long n = 0;
    TRY(get_group(c, root, "candidates", &g));
    if (!g)
        return 0;
    TRY(get_enum(c, g, "select", modes, &mode, &p->select_line));
    p->select = (hw_select)mode;
    TRY(only_with(c, g, "n", mode == HW_SELECT_SAMPLE || mode == HW_SELECT_REPEAT, "sample"));
    TRY(only_with(c, g, "path", mode == HW_SELECT_FILE, "file"));
    if (mode == HW_SELECT_SAMPLE || mode == HW_SELECT_REPEAT) {
        TRY(require(c, g, "n"));
        TRY(get_i64(c, g, "n", 1, LLONG_MAX, &n, &p->select_line));
        p->sample_n = (size_t)n;
    } else if (mode == HW_SELECT_FILE) {
        TRY(require(c, g, "path"));
        TRY(get_str(c, g, "path", 0, rel, sizeof rel, &p->select_line));
        TRY(join(c, at(g, "path", g), "candidates.path", c->dir, rel, p->select_path, sizeof p->select_path));
    }
    return 0;
}

/* latency.method, latency.sources (["*"] by default) and latency.sample_select. */
static int load_latency_method(const ctx *c, const config_setting_t *g, hw_plan *p)
{
    static const char *const methods[] = {"adaproxy", "multiproxy", "direct", NULL};
    static const char *const selects[] = {"random", "diverse", NULL};
    static const char *const all[] = {"*"};
    int method = HW_METHOD_ADAPROXY, sel = HW_SAMPLES_RANDOM;
    TRY(get_enum(c, g, "method", methods, &method, NULL));
    TRY(get_enum(c, g, "sample_select", selects, &sel, NULL));
    p->latency.method = (hw_lat_method)method;
    p->latency.sample_select = (hw_sample_select)sel;
    TRY(get_names(c, g, "sources", 0, &p->latency.sources, &p->latency.n_sources, &p->latency.sources_line));
    if (!p->latency.sources)
        TRY(dup_names(all, 1, &p->latency.sources, &p->latency.n_sources, c->err));
    return 0;
}

static int load_latency_fit(const ctx *c, const config_setting_t *g, hw_plan *p)
{
    static const char *const decisions[] = {"cv", "threshold", NULL};
    static const char *const lambdas[] = {"cv", "holdout", NULL};
    int decision = HW_DECIDE_CV, lambda = HW_LAMBDA_CV;
    TRY(get_int(c, g, "train_samples", 3, &p->latency.train_samples)); /* train + val >= 4 */
    TRY(get_int(c, g, "val_samples", 1, &p->latency.val_samples));
    TRY(get_dbl(c, g, "srcc_threshold", -1.0, 1.0, &p->latency.srcc_threshold));
    TRY(get_enum(c, g, "decision", decisions, &decision, NULL));
    TRY(get_enum(c, g, "lambda_select", lambdas, &lambda, NULL));
    p->latency.decision = (hw_decide)decision;
    p->latency.lambda_select = (hw_lambda_select)lambda;
    TRY(get_int(c, g, "cv_folds", 2, &p->latency.cv_folds));
    TRY(get_dbl(c, g, "mu_min", -DBL_MAX, DBL_MAX, &p->latency.mu_min));
    TRY(get_dbl(c, g, "mu_max", -DBL_MAX, DBL_MAX, &p->latency.mu_max));
    TRY(get_int(c, g, "mu_steps", 2, &p->latency.mu_steps));
    TRY(load_latency_method(c, g, p));
    if (p->latency.mu_min <= 0.0)
        return fail(c, at(g, "mu_min", g), "latency.mu_min = %g must be > 0; use e.g. mu_min = 1e-6;",
                    p->latency.mu_min);
    if (p->latency.mu_min >= p->latency.mu_max)
        return fail(c, at(g, config_setting_get_member(g, "mu_max") ? "mu_max" : "mu_min", g),
                    "latency.mu_min = %g must be below latency.mu_max = %g; widen the grid", p->latency.mu_min,
                    p->latency.mu_max);
    return 0;
}

static int load_latency(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    static const char *const all[] = {"*"};
    char rel[HW_PATH_MAX] = "";
    config_setting_t *g;
    TRY(require(c, root, "latency"));
    TRY(get_group(c, root, "latency", &g));
    TRY(require(c, g, "table"));
    TRY(require(c, g, "proxy"));
    TRY(get_str(c, g, "table", 0, rel, sizeof rel, &p->latency.table_line));
    TRY(join(c, at(g, "table", g), "latency.table", p->data_dir, rel, p->latency.table, HW_PATH_MAX));
    TRY(get_str(c, g, "proxy", 0, p->latency.proxy, HW_NAME_MAX, &p->latency.proxy_line));
    TRY(get_names(c, g, "targets", 0, &p->latency.targets, &p->latency.n_targets, &p->latency.targets_line));
    if (!p->latency.targets)
        TRY(dup_names(all, 1, &p->latency.targets, &p->latency.n_targets, c->err));
    rel[0] = '\0';
    TRY(get_str(c, g, "measured", 1, rel, sizeof rel, &p->latency.measured_line));
    if (rel[0])
        TRY(join(c, at(g, "measured", g), "latency.measured", c->dir, rel, p->latency.measured, HW_PATH_MAX));
    rel[0] = '\0';
    TRY(get_str(c, g, "host", 1, rel, sizeof rel, &p->latency.host_line));
    if (rel[0])
        TRY(join(c, at(g, "host", g), "latency.host", c->dir, rel, p->latency.host, HW_PATH_MAX));
    rel[0] = '\0';
    TRY(get_str(c, g, "host_predictor", 1, rel, sizeof rel, &p->latency.host_predictor_line));
    if (rel[0])
        TRY(join(c, at(g, "host_predictor", g), "latency.host_predictor", c->dir, rel, p->latency.host_predictor,
                 HW_PATH_MAX));
    if (p->latency.host[0] && p->latency.host_predictor[0])
        return fail(c, at(g, "host_predictor", g), "latency.host and latency.host_predictor both set; give one: the "
                    "measured host CSV or the op-wise predictor file");
    return load_latency_fit(c, g, p);
}

/* The zero-shot proxies' data and options (score.data, batch sizes, init, ...). */
static int load_score_data(const ctx *c, const config_setting_t *g, hw_plan *p)
{
    static const char *const inits[] = {"torch", "kaiming_normal", NULL};
    static const char *const precs[] = {"f32", "f64", NULL};
    static const char *const maps[] = {"output", "input", NULL};
    char rel[HW_PATH_MAX] = "cifar10/data_batch_1_first1102.bin";
    TRY(get_str(c, g, "data", 0, rel, sizeof rel, &p->score.data_line));
    TRY(join(c, at(g, "data", g), "score.data", p->data_dir, rel, p->score.data, HW_PATH_MAX));
    TRY(get_int(c, g, "classes", 10, &p->score.classes));
    if (p->score.classes != 10 && p->score.classes != 100)
        return fail(c, at(g, "classes", g), "score.classes = %d; use 10 (CIFAR-10) or 100 (CIFAR-100)",
                    p->score.classes);
    TRY(get_int(c, g, "batch_size", 1, &p->score.batch_size));
    TRY(get_int(c, g, "zico_batches", 2, &p->score.zico_batches));
    TRY(get_enum(c, g, "init", inits, &p->score.init, NULL));
    TRY(get_enum(c, g, "precision", precs, &p->score.precision, NULL));
    TRY(get_dbl(c, g, "zico_bc_beta", -DBL_MAX, DBL_MAX, &p->score.zico_bc_beta));
    return get_enum(c, g, "zico_bc_map", maps, &p->score.zico_bc_map, NULL);
}

static int load_score(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    static const char *const defaults[] = {"params", "flops"};
    config_setting_t *g;
    TRY(get_group(c, root, "score", &g));
    TRY(get_names(c, g, "proxies", 1, &p->score.proxies, &p->score.n_proxies, &p->score.proxies_line));
    if (!p->score.proxies)
        TRY(dup_names(defaults, 2, &p->score.proxies, &p->score.n_proxies, c->err));
    memcpy(p->score.rank_by, p->score.proxies[0], strlen(p->score.proxies[0]) + 1);
    TRY(get_str(c, g, "rank_by", 0, p->score.rank_by, HW_NAME_MAX, &p->score.rank_by_line));
    TRY(load_score_data(c, g, p));
    char valid[512] = "";
    for (size_t i = 0; i < p->score.n_proxies; i++) {
        if (!strcmp(p->score.rank_by, p->score.proxies[i]))
            return 0;
        appendf(valid, sizeof valid, "%s%s", i ? ", " : "", p->score.proxies[i]);
    }
    return fail(c, at(g, "rank_by", g),
                "score.rank_by = \"%s\" is not among score.proxies (%s); use one of them or add it to proxies",
                p->score.rank_by, valid);
}

static int load_accuracy(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    char rel[HW_PATH_MAX] = "nb201/accuracy.csv";
    config_setting_t *g;
    TRY(get_group(c, root, "accuracy", &g));
    TRY(get_str(c, g, "table", 1, rel, sizeof rel, &p->accuracy.table_line));
    TRY(get_str(c, g, "column", 0, p->accuracy.column, HW_NAME_MAX, &p->accuracy.column_line));
    if (!rel[0])
        return 0;
    return join(c, at(g, "table", root), "accuracy.table", p->data_dir, rel, p->accuracy.table, HW_PATH_MAX);
}

static int load_farm(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    config_setting_t *g;
    TRY(get_group(c, root, "farm", &g));
    TRY(get_int(c, g, "chunk", 1, &p->farm.chunk));
    return get_int(c, g, "progress_s", 1, &p->farm.progress_s);
}

/* throughput.workers: an array or list of distinct integers in [1, HW_TPUT_MAX_WORKERS]. */
static int get_workers(const ctx *c, const config_setting_t *g, hw_plan *p)
{
    char path[KEY_MAX];
    config_setting_t *s;
    TRY(lookup(c, g, "workers", T_NAMES, "an array of integers", &s));
    if (!s)
        return 0;
    int len = config_setting_length(s);
    key_path(s, path, sizeof path);
    if (len < 1 || len > HW_TPUT_MAX_W)
        return fail(c, s, "%s has %d entries; list 1 to %d worker counts, e.g. workers = %s;", path, len,
                    HW_TPUT_MAX_W, hint(path));
    for (int i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        key_path(e, path, sizeof path);
        long long w = (config_setting_type(e) == CONFIG_TYPE_INT || config_setting_type(e) == CONFIG_TYPE_INT64)
                          ? config_setting_get_int64(e) : 0;
        if (w < 1 || w > HW_TPUT_MAX_WORKERS)
            return fail(c, e, "%s must be an integer from 1 to %d; write e.g. workers = [1, 2, 4, 8];", path,
                        HW_TPUT_MAX_WORKERS);
        for (int j = 0; j < i; j++)
            if (p->throughput.workers[j] == (int)w)
                return fail(c, e, "%s = %lld is listed twice; list each worker count once", path, w);
        p->throughput.workers[i] = (int)w;
    }
    p->throughput.n_workers = len;
    return 0;
}

/* A bandwidth string ("1Gbit", "100Mbit/s", "12.5MB") into bytes per us. */
static int get_bandwidth(const ctx *c, const config_setting_t *g, const char *name, double *dst)
{
    char path[KEY_MAX];
    config_setting_t *s;
    TRY(lookup(c, g, name, T_STR, "a string", &s));
    if (!s)
        return 0;
    key_path(s, path, sizeof path);
    if (hw_sgd_parse_bandwidth(config_setting_get_string(s), dst))
        return fail(c, s, "%s = \"%.200s\" is not a bandwidth; write a number > 0 and a unit per second, e.g. "
                    "\"100Mbit\", \"1Gbit\", \"12.5MB\" (bit, kbit, Mbit, Gbit, B, kB, MB, GB)", path,
                    config_setting_get_string(s));
    return 0;
}

static int load_throughput(const ctx *c, const config_setting_t *root, hw_plan *p)
{
    static const char *const policies[] = {"layer", "reverse", "largest", "random", NULL};
    config_setting_t *g;
    int both = -1;
    TRY(get_group(c, root, "throughput", &g));
    if (!g)
        return 0;
    p->throughput.enabled = 1;
    TRY(get_workers(c, g, p));
    TRY(get_bandwidth(c, g, "bw_server", &p->throughput.bw_server));
    TRY(get_bandwidth(c, g, "bw_worker", &p->throughput.bw_worker));
    TRY(get_dbl(c, g, "latency_us", 0, 1e9, &p->throughput.latency_us));
    TRY(get_dbl(c, g, "gflops", 1e-6, 1e9, &p->throughput.gflops));
    TRY(get_int(c, g, "batch", 1, &p->throughput.batch));
    TRY(get_enum(c, g, "policy", policies, &both, NULL));
    if (both >= 0)
        p->throughput.pull = p->throughput.push = both;
    if (both >= 0 && (config_setting_get_member(g, "pull_policy") || config_setting_get_member(g, "push_policy")))
        return fail(c, at(g, "policy", g), "throughput.policy sets both orders; remove it or remove "
                    "pull_policy/push_policy");
    TRY(get_enum(c, g, "pull_policy", policies, &p->throughput.pull, NULL));
    TRY(get_enum(c, g, "push_policy", policies, &p->throughput.push, NULL));
    return get_int(c, g, "top", 1, &p->throughput.top);
}

/* ---- entry points --------------------------------------------------------- */

static void set_defaults(hw_plan *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->output_dir, "results");
    p->seed = 1;
    p->select = HW_SELECT_ALL;
    p->latency.train_samples = 60;
    p->score.classes = 10;
    p->score.batch_size = 64;
    p->score.zico_batches = 2;
    p->score.zico_bc_beta = 1.0;
    p->latency.val_samples = 10;
    p->latency.srcc_threshold = 0.9;
    p->latency.decision = HW_DECIDE_CV;
    p->latency.lambda_select = HW_LAMBDA_CV;
    p->latency.cv_folds = 7;
    p->latency.mu_min = 1e-6;
    p->latency.mu_max = 1e6;
    p->latency.mu_steps = 49;
    strcpy(p->accuracy.column, "cifar10_test");
    p->farm.chunk = 256;
    p->farm.progress_s = 10;
    p->throughput.workers[0] = 1, p->throughput.workers[1] = 2, p->throughput.workers[2] = 4;
    p->throughput.workers[3] = 8, p->throughput.n_workers = 4;
    p->throughput.bw_server = p->throughput.bw_worker = 125;
    p->throughput.latency_us = 100;
    p->throughput.gflops = 20;
    p->throughput.batch = 64;
    p->throughput.pull = HW_SGD_LAYER, p->throughput.push = HW_SGD_REVERSE;
    p->throughput.top = 20;
}

/* Records the path and its directory (a plain prefix up to the last '/'). */
static int init_ctx(ctx *c, hw_plan *p)
{
    size_t len = c->path ? strlen(c->path) : 0;
    if (len == 0 || len >= HW_PATH_MAX)
        return hw_errf(c->err, HW_EINPUT, "%s: config path is empty or longer than %d characters; give a shorter path",
                       c->path ? c->path : "(null)", HW_PATH_MAX - 1);
    memcpy(p->config_path, c->path, len + 1);
    const char *slash = strrchr(c->path, '/');
    size_t dlen = slash ? (slash == c->path ? 1 : (size_t)(slash - c->path)) : 0;
    memcpy(c->dir, c->path, dlen);
    c->dir[dlen] = '\0';
    return 0;
}

/* libconfig 1.5 exits the process ("input in flex scanner failed") when an @include names a directory, and
 * blocks on a FIFO: hwnas configs are single files, so a regular file with an @include line is refused. */
static int refuse_include(const ctx *c)
{
    struct stat st;
    char *line = NULL;
    size_t cap = 0;
    int n = 0, found = 0;
    FILE *f = fopen(c->path, "r");
    if (!f)
        return 0; /* config_read_file reports it */
    int regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    while (regular && !found && getline(&line, &cap, f) != -1) {
        n++;
        found = !strncmp(line + strspn(line, " \t"), "@include", 8); /* libconfig's ^[ \t]*@include */
    }
    free(line);
    fclose(f);
    if (!found)
        return 0;
    return hw_errf(c->err, HW_EINPUT, "%s:%d: @include is not supported; copy the included settings into this file",
                   c->path, n);
}

static int read_file(const ctx *c, config_t *cf)
{
    TRY(refuse_include(c));
    errno = 0;
    if (config_read_file(cf, c->path))
        return 0;
    if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
        return hw_errf(c->err, HW_EINPUT, "%s: cannot read the config file (%s); check the path and its permissions",
                       c->path, errno ? strerror(errno) : "I/O error");
    const char *file = config_error_file(cf) ? config_error_file(cf) : c->path;
    return hw_errf(c->err, HW_EINPUT,
                   "%s:%d: %s; check the syntax near this line: settings are name = value; groups name = { ... };",
                   file, config_error_line(cf), config_error_text(cf));
}

static int load_all(const ctx *c, const config_setting_t *root, const char *fallback, hw_plan *p)
{
    TRY(check_keys(c, root));
    TRY(load_top(c, root, fallback, p));
    TRY(load_candidates(c, root, p));
    TRY(load_latency(c, root, p));
    TRY(load_score(c, root, p));
    TRY(load_accuracy(c, root, p));
    TRY(load_farm(c, root, p));
    return load_throughput(c, root, p);
}

int hw_config_load(const char *path, const char *default_data_dir, hw_plan *plan, hw_err *err)
{
    ctx c = {.path = path, .err = err};
    config_t cf;
    set_defaults(plan);
    TRY(init_ctx(&c, plan));
    config_init(&cf);
    if (c.dir[0])
        config_set_include_dir(&cf, c.dir);
    int rc = read_file(&c, &cf);
    if (!rc)
        rc = load_all(&c, config_root_setting(&cf), default_data_dir, plan);
    config_destroy(&cf);
    if (rc)
        hw_plan_free(plan);
    return rc;
}

void hw_plan_free(hw_plan *plan)
{
    if (!plan)
        return;
    free_names(&plan->latency.targets);
    plan->latency.n_targets = 0;
    free_names(&plan->latency.sources);
    plan->latency.n_sources = 0;
    free_names(&plan->score.proxies);
    plan->score.n_proxies = 0;
}
