/* measured.c - loads measured latencies of new devices (arch_str,device,latency_ms) from CSV. */
#include "hwnas/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/csv.h"

typedef struct mloader {
    hw_csv csv;
    hw_measured *m;
    hw_arch_key_fn key_fn;
    size_t mask;         /* hash slots - 1 */
    size_t *slot;        /* open addressing on (key, device): row + 1, 0 = empty */
} mloader;

static uint64_t pair_hash(uint32_t key, const char *device)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)key * 0x9e3779b97f4a7c15ULL);
    for (const unsigned char *p = (const unsigned char *)device; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

static size_t *pair_slot(const mloader *ld, uint32_t key, const char *device)
{
    const hw_measured *m = ld->m;
    size_t i = (size_t)pair_hash(key, device) & ld->mask;
    for (size_t r; (r = ld->slot[i]) != 0; i = (i + 1) & ld->mask)
        if (m->key[r - 1] == key && strcmp(m->device[r - 1], device) == 0)
            break;
    return &ld->slot[i];
}

static int load_header(mloader *ld, hw_err *err)
{
    hw_csv *c = &ld->csv;
    static const char *const want[3] = {"arch_str", "device", "latency_ms"};
    int got, rc = hw_csv_next(c, &got, err);
    if (rc)
        return rc;
    if (!got)
        return hw_csv_line_err(c, 1, err, "the file is empty; expected a header "
                                          "'arch_str,device,latency_ms' and one row per measurement");
    if ((rc = hw_csv_take_header(c, err)))
        return rc;
    for (size_t k = 0; k < 3; k++)
        if (k >= c->n_field || strcmp(c->field[k], want[k]) != 0)
            return hw_csv_field_err(c, k, err, "the header must be exactly 'arch_str,device,latency_ms'"
                                               " (expected '%s' here); fix the header", want[k]);
    if (c->n_field > 3)
        return hw_csv_field_err(c, 3, err, "the header must be exactly 'arch_str,device,latency_ms'; "
                                           "remove the extra columns");
    return 0;
}

static int alloc_rows(mloader *ld, hw_err *err)
{
    hw_measured *m = ld->m;
    size_t cap = hw_csv_rows_left(&ld->csv), slots = 16;
    while (slots < 2 * cap)
        slots *= 2;
    ld->mask = slots - 1;
    if (!(ld->slot = hw_calloc(slots, sizeof *ld->slot, err)) ||
        !(m->key = hw_calloc(cap, sizeof *m->key, err)) ||
        !(m->arch_str = hw_calloc(cap, sizeof *m->arch_str, err)) ||
        !(m->device = hw_calloc(cap, sizeof *m->device, err)) ||
        !(m->latency_ms = hw_calloc(cap, sizeof *m->latency_ms, err)) ||
        !(m->line = hw_calloc(cap, sizeof *m->line, err)))
        return HW_ENOMEM;
    return 0;
}

static int check_device(const hw_csv *c, hw_err *err)
{
    const char *s = c->field[1];
    if (s[0] == '\0')
        return hw_csv_field_err(c, 1, err, "empty device name; name the device the latency was "
                                           "measured on");
    size_t bad = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
    if (s[bad] != '\0')
        return hw_csv_field_err(c, 1, err, "device name '%.60s' has the character '%c' at position "
                                           "%zu; use only letters, digits, '.', '_' and '-'",
                                s, s[bad], bad + 1);
    return 0;
}

static int parse_latency(const hw_csv *c, double *v, hw_err *err)
{
    const char *s = c->field[2];
    if (!hw_csv_double(s, v) || isnan(*v))
        return hw_csv_field_err(c, 2, err, "'%.40s' is not a number; write the measured latency "
                                           "in milliseconds", s);
    if (isinf(*v))
        return hw_csv_field_err(c, 2, err, "latency '%.40s' is not finite; write the measured "
                                           "latency in milliseconds", s);
    if (*v <= 0)
        return hw_csv_field_err(c, 2, err, "latency %.40s is not positive; write the measured "
                                           "latency in milliseconds (> 0), or drop the row", s);
    return 0;
}

static int parse_key(const mloader *ld, uint32_t *key, hw_err *err)
{
    const char *s = ld->csv.field[0];
    char why[256] = "";
    if (ld->key_fn(s, key, why, sizeof why) != 0)
        return hw_csv_field_err(&ld->csv, 0, err, "invalid architecture '%.200s' (%s); fix the string "
                                                  "or use measurements of this search space", s,
                                why[0] ? why : "rejected by the search space");
    return 0;
}

static int commit_row(mloader *ld, uint32_t key, double lat, size_t *slot, hw_err *err)
{
    hw_measured *m = ld->m;
    const hw_csv *c = &ld->csv;
    size_t i = m->n;
    m->arch_str[i] = strdup(c->field[0]);
    m->device[i] = strdup(c->field[1]);
    m->n++; /* counted before the check so that hw_measured_free releases both */
    if (!m->arch_str[i] || !m->device[i])
        return hw_errf(err, HW_ENOMEM, "%s: out of memory", m->path);
    m->key[i] = key;
    m->latency_ms[i] = lat;
    m->line[i] = c->line;
    *slot = i + 1;
    return 0;
}

static int parse_row(mloader *ld, hw_err *err)
{
    const hw_csv *c = &ld->csv;
    uint32_t key;
    double lat;
    int rc;
    if ((rc = hw_csv_expect_fields(c, err)) || (rc = parse_key(ld, &key, err)) ||
        (rc = check_device(c, err)) || (rc = parse_latency(c, &lat, err)))
        return rc;
    size_t *slot = pair_slot(ld, key, c->field[1]);
    if (*slot)
        return hw_csv_field_err(c, 1, err, "duplicate measurement: architecture '%.200s' on device "
                                           "'%s' is already on line %d; keep one of the two rows",
                                c->field[0], c->field[1], ld->m->line[*slot - 1]);
    return commit_row(ld, key, lat, slot, err);
}

static int load_rows(mloader *ld, hw_err *err)
{
    int got, rc;
    while (!(rc = hw_csv_next(&ld->csv, &got, err)) && got)
        if ((rc = parse_row(ld, err)))
            return rc;
    if (!rc && ld->m->n == 0)
        return hw_csv_line_err(&ld->csv, ld->csv.header_line, err,
                               "the file has a header but no rows; add one row per measurement");
    return rc;
}

int hw_measured_load(const char *path, hw_arch_key_fn key_fn, hw_measured *m, hw_err *err)
{
    mloader ld = {.m = m, .key_fn = key_fn};
    memset(m, 0, sizeof *m);
    if (!key_fn)
        return hw_errf(err, HW_EINPUT, "%s: no arch key function given (internal error)", path);
    if (!(m->path = strdup(path)))
        return hw_errf(err, HW_ENOMEM, "%s: out of memory", path);
    int rc = hw_csv_open(&ld.csv, path, err);
    if (!rc && !(rc = load_header(&ld, err)) && !(rc = alloc_rows(&ld, err)))
        rc = load_rows(&ld, err);
    hw_csv_close(&ld.csv);
    free(ld.slot);
    if (rc)
        hw_measured_free(m);
    return rc;
}

void hw_measured_free(hw_measured *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        if (m->arch_str)
            free(m->arch_str[i]);
        if (m->device)
            free(m->device[i]);
    }
    free(m->path);
    free(m->key);
    free(m->arch_str);
    free(m->device);
    free(m->latency_ms);
    free(m->line);
    memset(m, 0, sizeof *m);
}
