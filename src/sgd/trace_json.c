/* SGD trace files: Chrome trace-event JSON reader and writer
 * (hwnas/sgd_trace.h). A small self-contained JSON parser builds a tree of
 * nodes, each with its line number, so every error names file:line. */
#include "hwnas/sgd_trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64
#define TRACE_MAX_BYTES (1L << 30)

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jnode {
    jtype type;
    int line;
    double num;          /* J_NUM, J_BOOL */
    char *str;           /* J_STR: the decoded string (NUL-terminated) */
    char *key;           /* member name when the parent is an object */
    struct jnode *kids;  /* J_ARR, J_OBJ */
    int n_kids;
} jnode;

typedef struct {
    const char *s, *end, *name;
    int line;
    hw_err *err;
} jparser;

static void jfree(jnode *n)
{
    for (int i = 0; i < n->n_kids; i++)
        jfree(&n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n->key);
}

static int jerr(jparser *p, const char *what)
{
    return hw_errf(p->err, HW_EINPUT, "%s:%d: JSON: %s; fix the file (it must be valid JSON)", p->name, p->line, what);
}

static void skip_ws(jparser *p)
{
    for (; p->s < p->end; p->s++) {
        if (*p->s == '\n')
            p->line++;
        else if (*p->s != ' ' && *p->s != '\t' && *p->s != '\r')
            break;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_u4(jparser *p, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++) {
        int h = p->s < p->end ? hexval(*p->s) : -1;
        if (h < 0)
            return jerr(p, "bad \\u escape (4 hex digits expected)");
        *u = *u * 16 + (unsigned)h;
        p->s++;
    }
    return 0;
}

static size_t put_utf8(char *o, unsigned c)
{
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | c >> 6); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12); o[1] = (char)(0x80 | (c >> 6 & 0x3F)); o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18); o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int escape(jparser *p, char *o, size_t *n)
{
    char c = *p->s++;
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *k;
    if (c && (k = strchr(from, c))) {
        o[(*n)++] = to[k - from];
        return 0;
    }
    if (c != 'u')
        return jerr(p, "unknown escape in a string");
    unsigned u, lo;
    if (read_u4(p, &u))
        return HW_EINPUT;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return jerr(p, "lone low surrogate in a \\u escape");
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u')
            return jerr(p, "high surrogate not followed by a low one");
        p->s += 2;
        if (read_u4(p, &lo))
            return HW_EINPUT;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return jerr(p, "high surrogate not followed by a low one");
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (u == 0)
        return jerr(p, "\\u0000 in a string");
    *n += put_utf8(o + *n, u);
    return 0;
}

/* At the opening quote; *out gets a malloc'd decoded copy (never longer than the source). */
static int parse_string(jparser *p, char **out)
{
    const char *q = ++p->s;
    while (q < p->end && *q != '"') {
        if (*q == '\\' && q + 1 < p->end)
            q++;
        q++;
    }
    if (q >= p->end)
        return jerr(p, "unterminated string");
    char *o = malloc((size_t)(q - p->s) + 1);
    size_t n = 0;
    if (!o)
        return hw_errf(p->err, HW_ENOMEM, "out of memory reading %s", p->name);
    while (*p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            free(o);
            return jerr(p, "control character in a string (escape it)");
        }
        if (c == '\\') {
            p->s++;
            if (escape(p, o, &n)) {
                free(o);
                return HW_EINPUT;
            }
        } else {
            o[n++] = (char)c;
            p->s++;
        }
    }
    p->s++;
    o[n] = 0;
    *out = o;
    return 0;
}

static int parse_number(jparser *p, jnode *n)
{
    const char *q = p->s;
    if (q < p->end && *q == '-') q++;
    if (q >= p->end || *q < '0' || *q > '9')
        return jerr(p, "invalid value");
    if (*q == '0') q++;
    else while (q < p->end && *q >= '0' && *q <= '9') q++;
    if (q < p->end && *q == '.') {
        q++;
        if (q >= p->end || *q < '0' || *q > '9')
            return jerr(p, "invalid number (digit expected after '.')");
        while (q < p->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < p->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < p->end && (*q == '+' || *q == '-')) q++;
        if (q >= p->end || *q < '0' || *q > '9')
            return jerr(p, "invalid number (digit expected in the exponent)");
        while (q < p->end && *q >= '0' && *q <= '9') q++;
    }
    char buf[64];
    if (q - p->s >= (long)sizeof buf)
        return jerr(p, "number too long");
    memcpy(buf, p->s, (size_t)(q - p->s));
    buf[q - p->s] = 0;
    n->type = J_NUM;
    n->num = strtod(buf, NULL);
    if (!isfinite(n->num))
        return jerr(p, "number out of range");
    p->s = q;
    return 0;
}

static int parse_value(jparser *p, jnode *n, int depth);

static int add_kid(jparser *p, jnode *n, int *cap, jnode **kid)
{
    if (n->n_kids == *cap) {
        int c = *cap ? 2 * *cap : 4;
        jnode *k = realloc(n->kids, (size_t)c * sizeof *k);
        if (!k)
            return hw_errf(p->err, HW_ENOMEM, "out of memory reading %s", p->name);
        n->kids = k;
        *cap = c;
    }
    *kid = &n->kids[n->n_kids++];
    memset(*kid, 0, sizeof **kid);
    return 0;
}

static int parse_container(jparser *p, jnode *n, int depth)
{
    int obj = *p->s == '{', cap = 0;
    char close = obj ? '}' : ']';
    n->type = obj ? J_OBJ : J_ARR;
    p->s++;
    skip_ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return 0;
    }
    for (;;) {
        jnode *k = NULL;
        char *key = NULL;
        skip_ws(p);
        if (obj) {
            if (p->s >= p->end || *p->s != '"')
                return jerr(p, "member name (a string) expected");
            if (parse_string(p, &key))
                return HW_EINPUT;
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') {
                free(key);
                return jerr(p, "':' expected after a member name");
            }
            p->s++;
            skip_ws(p);
        }
        if (add_kid(p, n, &cap, &k)) {
            free(key);
            return HW_ENOMEM;
        }
        k->key = key;
        if (parse_value(p, k, depth + 1))
            return HW_EINPUT;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return 0;
        }
        return jerr(p, obj ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static int parse_value(jparser *p, jnode *n, int depth)
{
    skip_ws(p);
    n->line = p->line;
    if (depth > JSON_MAX_DEPTH)
        return jerr(p, "nested too deeply");
    if (p->s >= p->end)
        return jerr(p, "unexpected end of file");
    char c = *p->s;
    if (c == '{' || c == '[')
        return parse_container(p, n, depth);
    if (c == '"') {
        n->type = J_STR;
        return parse_string(p, &n->str);
    }
    static const struct { const char *w; jtype t; double v; } lit[] = {
        {"true", J_BOOL, 1}, {"false", J_BOOL, 0}, {"null", J_NULL, 0}};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(lit[i].w);
        if ((size_t)(p->end - p->s) >= l && !memcmp(p->s, lit[i].w, l)) {
            n->type = lit[i].t;
            n->num = lit[i].v;
            p->s += l;
            return 0;
        }
    }
    return parse_number(p, n);
}

static int json_parse(const char *text, size_t len, const char *name, jnode *root, hw_err *err)
{
    jparser p = {text, text + len, name, 1, err};
    memset(root, 0, sizeof *root);
    int rc = parse_value(&p, root, 0);
    if (!rc) {
        skip_ws(&p);
        if (p.s < p.end)
            rc = jerr(&p, "text after the end of the top-level value");
    }
    if (rc)
        jfree(root);
    return rc;
}

/* ---- reading the "hwnas" model ---- */

typedef struct {
    const char *name;
    hw_err *err;
} reader;

static const char *const type_names[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};

static int want(reader *r, const jnode *n, jtype t, const char *field)
{
    if (n->type == t)
        return 0;
    return hw_errf(r->err, HW_EINPUT, "%s:%d: %s: is %s, expected %s; fix the trace", r->name, n->line, field,
                   type_names[n->type], type_names[t]);
}

/* Checks obj's keys: each of keys[0..nk) exactly once, no other; found[i] = the member. */
static int members(reader *r, const jnode *obj, const char *field, const char *const *keys, int nk,
                   const jnode **found, int others_ok)
{
    if (want(r, obj, J_OBJ, field))
        return HW_EINPUT;
    for (int i = 0; i < nk; i++)
        found[i] = NULL;
    for (int m = 0; m < obj->n_kids; m++) {
        const jnode *k = &obj->kids[m];
        int i = 0;
        while (i < nk && strcmp(keys[i], k->key))
            i++;
        if (i == nk) {
            if (others_ok)
                continue;
            return hw_errf(r->err, HW_EINPUT, "%s:%d: %s.%s: unknown key; remove it (see hwnas/sgd_trace.h)",
                           r->name, k->line, field, k->key);
        }
        if (found[i])
            return hw_errf(r->err, HW_EINPUT, "%s:%d: %s.%s: repeated key (first on line %d); keep one",
                           r->name, k->line, field, k->key, found[i]->line);
        found[i] = k;
    }
    for (int i = 0; i < nk; i++)
        if (!found[i])
            return hw_errf(r->err, HW_EINPUT, "%s:%d: %s: missing key '%s'; add it (see hwnas/sgd_trace.h)",
                           r->name, obj->line, field, keys[i]);
    return 0;
}

static int get_str(reader *r, const jnode *n, const char *field, char *out)
{
    if (want(r, n, J_STR, field))
        return HW_EINPUT;
    if (strlen(n->str) >= HW_SGD_NAME_MAX)
        return hw_errf(r->err, HW_EINPUT, "%s:%d: %s: longer than %d bytes; shorten it", r->name, n->line, field,
                       HW_SGD_NAME_MAX - 1);
    strcpy(out, n->str);
    return 0;
}

static int get_num(reader *r, const jnode *n, const char *field, double *out)
{
    if (want(r, n, J_NUM, field))
        return HW_EINPUT;
    if (n->num < 0)
        return hw_errf(r->err, HW_EINPUT, "%s:%d: %s: %g is negative; fix the trace", r->name, n->line, field, n->num);
    *out = n->num;
    return 0;
}

static int get_int(reader *r, const jnode *n, const char *field, double max, double *out)
{
    if (get_num(r, n, field, out))
        return HW_EINPUT;
    if (*out != floor(*out) || *out > max)
        return hw_errf(r->err, HW_EINPUT, "%s:%d: %s: %g is not an integer in [0, %.0f]; fix the trace", r->name,
                       n->line, field, *out, max);
    return 0;
}

static int read_meta(reader *r, const jnode *n, hw_sgd_meta *m)
{
    static const char *const keys[] = {"arch", "host", "cpu", "coretype", "date", "threads", "batch", "step_us"};
    const jnode *f[8];
    double th, ba;
    if (members(r, n, "meta", keys, 8, f, 0) || get_str(r, f[0], "meta.arch", m->arch) ||
        get_str(r, f[1], "meta.host", m->host) || get_str(r, f[2], "meta.cpu", m->cpu) ||
        get_str(r, f[3], "meta.coretype", m->coretype) || get_str(r, f[4], "meta.date", m->date) ||
        get_int(r, f[5], "meta.threads", 1e6, &th) || get_int(r, f[6], "meta.batch", 1e9, &ba) ||
        get_num(r, f[7], "meta.step_us", &m->step_us))
        return HW_EINPUT;
    m->threads = (int)th;
    m->batch = (int)ba;
    return 0;
}

static int read_op(reader *r, const jnode *n, int i, hw_sgd_trace *t)
{
    static const char *const keys[] = {"name", "phase", "dur_us", "deps"};
    const jnode *f[4];
    char field[48], fk[4][64], phase[HW_SGD_NAME_MAX];
    hw_sgd_op *o = &t->ops[i];
    snprintf(field, sizeof field, "ops[%d]", i);
    for (int k = 0; k < 4; k++)
        snprintf(fk[k], sizeof fk[k], "ops[%d].%s", i, keys[k]);
    if (members(r, n, field, keys, 4, f, 0) || get_str(r, f[0], fk[0], o->name) || get_str(r, f[1], fk[1], phase) ||
        get_num(r, f[2], fk[2], &o->dur_us) || want(r, f[3], J_ARR, fk[3]))
        return HW_EINPUT;
    if (strcmp(phase, "FWD") && strcmp(phase, "BWD"))
        return hw_errf(r->err, HW_EINPUT, "%s:%d: %s.phase: '%s' is not FWD or BWD; fix the trace", r->name,
                       f[1]->line, field, phase);
    o->phase = phase[0] == 'F' ? HW_SGD_FWD : HW_SGD_BWD;
    if (!(o->deps = hw_calloc((size_t)f[3]->n_kids, sizeof *o->deps, r->err)))
        return HW_ENOMEM;
    o->n_deps = f[3]->n_kids;
    for (int k = 0; k < o->n_deps; k++) {
        double d;
        snprintf(field, sizeof field, "ops[%d].deps[%d]", i, k);
        if (get_int(r, &f[3]->kids[k], field, 1e9, &d))
            return HW_EINPUT;
        o->deps[k] = (int)d;
    }
    return 0;
}

static int read_tensor(reader *r, const jnode *n, int i, hw_sgd_trace *t)
{
    static const char *const keys[] = {"name", "bytes", "fwd_op", "grad_op"};
    const jnode *f[4];
    char field[48], fk[4][64];
    double b, fo, go;
    hw_sgd_tensor *x = &t->tensors[i];
    snprintf(field, sizeof field, "tensors[%d]", i);
    for (int k = 0; k < 4; k++)
        snprintf(fk[k], sizeof fk[k], "tensors[%d].%s", i, keys[k]);
    if (members(r, n, field, keys, 4, f, 0) || get_str(r, f[0], fk[0], x->name) ||
        get_int(r, f[1], fk[1], 9007199254740992.0, &b) || get_int(r, f[2], fk[2], 1e9, &fo) ||
        get_int(r, f[3], fk[3], 1e9, &go))
        return HW_EINPUT;
    x->bytes = (int64_t)b;
    x->fwd_op = (int)fo;
    x->grad_op = (int)go;
    return 0;
}

static int read_model(reader *r, const jnode *h, hw_sgd_trace *t)
{
    static const char *const keys[] = {"version", "meta", "server", "ops", "tensors"};
    static const char *const skeys[] = {"apply_us_per_byte", "msg_overhead_us"};
    const jnode *f[5], *s[2];
    double v;
    int rc;
    if (members(r, h, "hwnas", keys, 5, f, 0) || get_int(r, f[0], "hwnas.version", 1e9, &v))
        return HW_EINPUT;
    if (v != HW_SGD_TRACE_VERSION)
        return hw_errf(r->err, HW_EINPUT, "%s:%d: hwnas.version: %g is not %d; write the trace with this hwnas",
                       r->name, f[0]->line, v, HW_SGD_TRACE_VERSION);
    if (want(r, f[3], J_ARR, "hwnas.ops") || want(r, f[4], J_ARR, "hwnas.tensors"))
        return HW_EINPUT;
    if ((rc = hw_sgd_trace_alloc(t, f[3]->n_kids, f[4]->n_kids, r->err)))
        return rc;
    if (read_meta(r, f[1], &t->meta) || members(r, f[2], "server", skeys, 2, s, 0) ||
        get_num(r, s[0], "server.apply_us_per_byte", &t->apply_us_per_byte) ||
        get_num(r, s[1], "server.msg_overhead_us", &t->msg_overhead_us))
        return HW_EINPUT;
    for (int i = 0; i < t->n_ops; i++)
        if ((rc = read_op(r, &f[3]->kids[i], i, t)))
            return rc;
    for (int i = 0; i < t->n_tensors; i++)
        if ((rc = read_tensor(r, &f[4]->kids[i], i, t)))
            return rc;
    hw_sgd_where w;
    hw_err e = {0};
    if (hw_sgd_trace_check(t, &w, &e)) {
        int line = w.kind == 1 ? f[3]->kids[w.index].line : w.kind == 2 ? f[4]->kids[w.index].line : h->line;
        if (w.kind == 0 && t->n_ops == 0)
            line = f[3]->line;
        return hw_errf(r->err, HW_EINPUT, "%s:%d: %s", r->name, line, e.msg);
    }
    return 0;
}

int hw_sgd_trace_parse(const char *text, size_t len, const char *name, hw_sgd_trace *t, hw_err *err)
{
    static const char *const keys[] = {"traceEvents", "hwnas"};
    jnode root;
    const jnode *f[2];
    reader r = {name, err};
    memset(t, 0, sizeof *t);
    int rc = json_parse(text, len, name, &root, err);
    if (rc)
        return rc;
    if (root.type != J_OBJ)
        rc = hw_errf(err, HW_EINPUT, "%s:%d: top level: is %s, expected an object {\"traceEvents\": [...], "
                     "\"hwnas\": {...}}; write the trace with hwnas", name, root.line, type_names[root.type]);
    else if (!(rc = members(&r, &root, "(top level)", keys, 2, f, 1)) &&
             !(rc = want(&r, f[0], J_ARR, "traceEvents")))
        rc = read_model(&r, f[1], t);
    jfree(&root);
    if (rc)
        hw_sgd_trace_free(t);
    return rc;
}

static int slurp(const char *path, char **text, size_t *len, hw_err *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return hw_errf(err, HW_EINPUT, "%s: cannot open: %s; check the path", path, strerror(errno));
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    int rc = b ? 0 : hw_errf(err, HW_ENOMEM, "out of memory reading %s", path);
    while (!rc && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = cap >= (size_t)TRACE_MAX_BYTES ? NULL : realloc(b, cap * 2);
            if (!nb)
                rc = hw_errf(err, HW_EINPUT, "%s: larger than %ld bytes or out of memory; not a trace", path,
                             TRACE_MAX_BYTES);
            else {
                b = nb;
                cap *= 2;
            }
        }
    }
    if (!rc && ferror(f))
        rc = hw_errf(err, HW_EIO, "%s: read error: %s", path, strerror(errno));
    if (f != stdin)
        fclose(f);
    if (rc)
        free(b);
    else {
        *text = b;
        *len = n;
    }
    return rc;
}

int hw_sgd_trace_read(const char *path, hw_sgd_trace *t, hw_err *err)
{
    char *text = NULL;
    size_t len = 0;
    memset(t, 0, sizeof *t);
    int rc = slurp(path, &text, &len, err);
    if (!rc)
        rc = hw_sgd_trace_parse(text, len, path, t, err);
    free(text);
    return rc;
}

/* ---- writing ---- */

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_event(FILE *f, const hw_sgd_trace *t, const hw_sgd_event *e)
{
    static const char *const what[] = {"", "pull ", "push "};
    const char *pre = e->tid == 0 ? (e->pid == 0 ? "apply " : "") : what[e->tid == 1 ? 1 : 2];
    const char *base = e->tid == 0 && e->pid != 0 ? (e->op >= 0 ? t->ops[e->op].name : "?")
                                                  : (e->tensor >= 0 ? t->tensors[e->tensor].name : "?");
    char name[2 * HW_SGD_NAME_MAX];
    snprintf(name, sizeof name, "%s%s", pre, base);
    fputs("{\"name\":", f);
    put_str(f, name);
    fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,\"tid\":%d,\"args\":{\"step\":%d",
            e->tid == 0 ? (e->pid == 0 ? "apply" : "compute") : e->tid == 1 ? "pull" : "push", e->ts_us, e->dur_us,
            e->pid, e->tid, e->step);
    if (e->op >= 0 && e->op < t->n_ops) {
        fprintf(f, ",\"op\":%d,\"deps\":[", e->op);
        for (int k = 0; k < t->ops[e->op].n_deps; k++)
            fprintf(f, "%s%d", k ? "," : "", t->ops[e->op].deps[k]);
        fputc(']', f);
    }
    if (e->tensor >= 0 && e->tensor < t->n_tensors)
        fprintf(f, ",\"tensor\":%d,\"bytes\":%lld", e->tensor, (long long)t->tensors[e->tensor].bytes);
    fputs("}}", f);
}

static void put_names(FILE *f, const hw_sgd_event *ev, size_t n_ev)
{
    /* process and thread names for the viewers (metadata events, "ph":"M") */
    int max_pid = 0;
    for (size_t i = 0; i < n_ev; i++)
        if (ev[i].pid > max_pid)
            max_pid = ev[i].pid;
    for (int p = 0; p <= max_pid; p++) {
        if (p == 0)
            fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{\"name\":\"server\"}},\n", f);
        else
            fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"args\":{\"name\":\"worker %d\"}},\n",
                    p, p);
        static const char *const tn[] = {"compute", "pull", "push"};
        for (int k = 0; k < 3; k++)
            fprintf(f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":\"%s\"}},\n",
                    p, k, p == 0 && k == 0 ? "apply" : tn[k]);
    }
}

static void put_model(FILE *f, const hw_sgd_trace *t)
{
    const hw_sgd_meta *m = &t->meta;
    fprintf(f, "\"hwnas\":{\"version\":%d,\n\"meta\":{\"arch\":", HW_SGD_TRACE_VERSION);
    put_str(f, m->arch);
    fputs(",\"host\":", f);
    put_str(f, m->host);
    fputs(",\"cpu\":", f);
    put_str(f, m->cpu);
    fputs(",\"coretype\":", f);
    put_str(f, m->coretype);
    fputs(",\"date\":", f);
    put_str(f, m->date);
    fprintf(f, ",\"threads\":%d,\"batch\":%d,\"step_us\":%.17g},\n", m->threads, m->batch, m->step_us);
    fprintf(f, "\"server\":{\"apply_us_per_byte\":%.17g,\"msg_overhead_us\":%.17g},\n\"ops\":[\n",
            t->apply_us_per_byte, t->msg_overhead_us);
    for (int i = 0; i < t->n_ops; i++) {
        const hw_sgd_op *o = &t->ops[i];
        fputs("{\"name\":", f);
        put_str(f, o->name);
        fprintf(f, ",\"phase\":\"%s\",\"dur_us\":%.17g,\"deps\":[", o->phase == HW_SGD_FWD ? "FWD" : "BWD", o->dur_us);
        for (int k = 0; k < o->n_deps; k++)
            fprintf(f, "%s%d", k ? "," : "", o->deps[k]);
        fprintf(f, "]}%s\n", i + 1 < t->n_ops ? "," : "");
    }
    fputs("],\n\"tensors\":[\n", f);
    for (int i = 0; i < t->n_tensors; i++) {
        const hw_sgd_tensor *x = &t->tensors[i];
        fputs("{\"name\":", f);
        put_str(f, x->name);
        fprintf(f, ",\"bytes\":%lld,\"fwd_op\":%d,\"grad_op\":%d}%s\n", (long long)x->bytes, x->fwd_op, x->grad_op,
                i + 1 < t->n_tensors ? "," : "");
    }
    fputs("]}", f);
}

int hw_sgd_trace_write(const char *path, const hw_sgd_trace *t, const hw_sgd_event *ev, size_t n_ev,
                       const char *prediction_json, hw_err *err)
{
    int rc = hw_sgd_trace_check(t, NULL, err);
    if (rc)
        return rc;
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f)
        return hw_errf(err, HW_EIO, "%s: cannot create: %s; check the directory", path, strerror(errno));
    fputs("{\"traceEvents\":[\n", f);
    put_names(f, ev, n_ev);
    for (size_t i = 0; i < n_ev; i++) {
        put_event(f, t, &ev[i]);
        fputs(i + 1 < n_ev ? ",\n" : "\n", f);
    }
    if (!n_ev)
        fputs("{\"name\":\"empty\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{}}\n", f);
    fputs("],\n\"displayTimeUnit\":\"ms\",\n", f);
    put_model(f, t);
    if (prediction_json)
        fprintf(f, ",\n\"prediction\":%s", prediction_json);
    fputs("}\n", f);
    if (fflush(f) || ferror(f))
        rc = hw_errf(err, HW_EIO, "%s: write error: %s", path, strerror(errno));
    if (f != stdout && fclose(f) && !rc)
        rc = hw_errf(err, HW_EIO, "%s: write error: %s", path, strerror(errno));
    return rc;
}
