/* The results journal: checksummed chunk records, torn-tail detection, resume. */
#include "hwnas/journal.h"
#include "hwnas/progress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define J_MAGIC "HWNASJ01"
#define R_MAGIC 0x31434552u
#define HDR_BYTES (8 + 4 + 8 + 8 + 4)

uint32_t hw_crc32(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    const unsigned char *p = data;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static int io_error(const hw_journal *j, const char *what, hw_err *err)
{
    return hw_errf(err, HW_EIO, "%s: %s failed (%s); check free space and permissions of the output directory",
                   j->path, what, strerror(errno));
}

static void put_header(unsigned char *h, uint32_t width, uint64_t n_items, uint64_t fp)
{
    memcpy(h, J_MAGIC, 8);
    memcpy(h + 8, &width, 4);
    memcpy(h + 12, &n_items, 8);
    memcpy(h + 20, &fp, 8);
    uint32_t crc = hw_crc32(0, h, 28);
    memcpy(h + 28, &crc, 4);
}

int hw_journal_create(hw_journal *j, const char *path, uint32_t width, uint64_t n_items, uint64_t fingerprint,
                      double sync_s, hw_err *err)
{
    memset(j, 0, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s", path);
    j->width = width, j->n_items = n_items, j->fingerprint = fingerprint, j->sync_s = sync_s;
    j->f = fopen(path, "w+b");
    if (!j->f)
        return io_error(j, "creating the journal", err);
    unsigned char h[HDR_BYTES];
    put_header(h, width, n_items, fingerprint);
    if (fwrite(h, 1, sizeof h, j->f) != sizeof h)
        return io_error(j, "writing the journal header", err);
    j->good_end = HDR_BYTES;
    j->last_sync = hw_now();
    return hw_journal_sync(j, err);
}

static int add_rec(hw_journal *j, uint64_t first, uint64_t count, long offset, hw_err *err)
{
    if (j->n_rec == j->cap_rec) {
        size_t cap = j->cap_rec ? 2 * j->cap_rec : 64;
        hw_jrec *r = realloc(j->rec, cap * sizeof *r);
        if (!r)
            return hw_errf(err, HW_ENOMEM, "out of memory indexing %s", j->path);
        j->rec = r, j->cap_rec = cap;
    }
    j->rec[j->n_rec++] = (hw_jrec){first, count, offset};
    j->n_done += count;
    return HW_OK;
}

/* Reads and checks one record at the current position; 1 = valid, 0 = end or torn. */
static int read_record(hw_journal *j, long fsize, uint64_t *first, uint64_t *count, long *payload)
{
    unsigned char h[4 + 8 + 4 + 4];
    long at = ftell(j->f);
    if (fread(h, 1, sizeof h, j->f) != sizeof h)
        return 0;
    uint32_t magic, width, c32;
    memcpy(&magic, h, 4), memcpy(first, h + 4, 8), memcpy(&c32, h + 12, 4), memcpy(&width, h + 16, 4);
    *count = c32;
    if (magic != R_MAGIC || width == 0 || width != j->width || *count == 0 || *first > j->n_items ||
        *count > j->n_items - *first)
        return 0;
    if (*count > (UINT64_MAX / sizeof(double)) / width)
        return 0;
    uint64_t bytes = *count * width * sizeof(double);
    if (bytes > (uint64_t)(fsize - at) - sizeof h)
        return 0;
    uint32_t crc = hw_crc32(0, h + 4, sizeof h - 4), want;
    *payload = at + (long)sizeof h;
    unsigned char buf[8192];
    for (uint64_t left = bytes; left > 0;) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, n, j->f) != n)
            return 0;
        crc = hw_crc32(crc, buf, n), left -= n;
    }
    return fread(&want, 1, 4, j->f) == 4 && want == crc;
}

static int scan_records(hw_journal *j, uint8_t *done, hw_err *err)
{
    struct stat st;
    if (fstat(fileno(j->f), &st) != 0)
        return io_error(j, "stat", err);
    uint64_t first, count;
    long payload;
    j->good_end = HDR_BYTES;
    fseek(j->f, HDR_BYTES, SEEK_SET);
    while (read_record(j, (long)st.st_size, &first, &count, &payload)) {
        int rc = add_rec(j, first, count, payload, err);
        if (rc)
            return rc;
        if (done)
            memset(done + first, 1, count);
        j->good_end = ftell(j->f);
    }
    j->dropped_bytes = (size_t)(st.st_size - j->good_end);
    return HW_OK;
}

static int read_header(hw_journal *j, hw_err *err)
{
    unsigned char h[HDR_BYTES];
    uint32_t crc;
    if (fread(h, 1, sizeof h, j->f) != sizeof h || memcmp(h, J_MAGIC, 8) != 0 ||
        (memcpy(&crc, h + 28, 4), crc != hw_crc32(0, h, 28)))
        return hw_errf(err, HW_EINPUT, "%s: not an hwnas journal (bad header); remove it to start the campaign over",
                       j->path);
    memcpy(&j->width, h + 8, 4), memcpy(&j->n_items, h + 12, 8), memcpy(&j->fingerprint, h + 20, 8);
    return HW_OK;
}

int hw_journal_scan(hw_journal *j, const char *path, hw_err *err)
{
    memset(j, 0, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s", path);
    j->f = fopen(path, "rb");
    if (!j->f)
        return hw_errf(err, HW_EINPUT, "%s: cannot open (%s)", path, strerror(errno));
    int rc = read_header(j, err);
    return rc ? rc : scan_records(j, NULL, err);
}

int hw_journal_resume(hw_journal *j, const char *path, uint32_t width, uint64_t n_items, uint64_t fingerprint,
                      double sync_s, uint8_t *done, hw_err *err)
{
    memset(j, 0, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s", path);
    j->sync_s = sync_s;
    j->f = fopen(path, "r+b");
    if (!j->f)
        return io_error(j, "opening the journal", err);
    int rc = read_header(j, err);
    if (!rc && (j->width != width || j->n_items != n_items || j->fingerprint != fingerprint))
        rc = hw_errf(err, HW_EINPUT, "%s: the journal belongs to another configuration of this campaign (different "
                     "config, data or seed); remove it to start over, or restore the original config", path);
    if (!rc)
        rc = scan_records(j, done, err);
    if (!rc && (ftruncate(fileno(j->f), j->good_end) != 0 || fseek(j->f, j->good_end, SEEK_SET) != 0))
        rc = io_error(j, "truncating the torn tail of the journal", err);
    j->last_sync = hw_now();
    return rc;
}

int hw_journal_append(hw_journal *j, uint64_t first, uint64_t count, const double *rows, hw_err *err)
{
    uint32_t magic = R_MAGIC, c32 = (uint32_t)count, width = j->width;
    unsigned char h[4 + 8 + 4 + 4];
    memcpy(h, &magic, 4), memcpy(h + 4, &first, 8), memcpy(h + 12, &c32, 4), memcpy(h + 16, &width, 4);
    size_t bytes = (size_t)count * width * sizeof(double);
    uint32_t crc = hw_crc32(hw_crc32(0, h + 4, sizeof h - 4), rows, bytes);
    long payload = j->good_end + (long)sizeof h;
    if (fwrite(h, 1, sizeof h, j->f) != sizeof h || fwrite(rows, 1, bytes, j->f) != bytes ||
        fwrite(&crc, 1, 4, j->f) != 4 || fflush(j->f) != 0)
        return io_error(j, "appending to the journal", err);
    j->good_end = payload + (long)bytes + 4;
    int rc = add_rec(j, first, count, payload, err);
    if (!rc && hw_now() - j->last_sync >= j->sync_s)
        rc = hw_journal_sync(j, err);
    return rc;
}

int hw_journal_sync(hw_journal *j, hw_err *err)
{
    if (fflush(j->f) != 0 || fsync(fileno(j->f)) != 0)
        return io_error(j, "fsync of the journal", err);
    j->last_sync = hw_now();
    return HW_OK;
}

static int cmp_rec(const void *a, const void *b)
{
    const hw_jrec *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

int hw_journal_index(hw_journal *j, hw_err *err)
{
    if (j->n_rec) /* qsort(NULL, 0) is undefined */
        qsort(j->rec, j->n_rec, sizeof *j->rec, cmp_rec);
    size_t kept = 0;
    uint64_t next = 0;
    for (size_t r = 0; r < j->n_rec; r++) {
        if (j->rec[r].first + j->rec[r].count <= next)
            continue; /* a duplicate of items already covered (same deterministic values) */
        if (j->rec[r].first != next)
            return hw_errf(err, HW_EIO, "%s: items %llu.. are %s; the journal is inconsistent: remove it and rerun",
                           j->path, (unsigned long long)next, j->rec[r].first > next ? "missing" : "overlapping");
        j->rec[kept++] = j->rec[r];
        next = j->rec[r].first + j->rec[r].count;
    }
    j->n_rec = kept;
    j->cache_rec = (size_t)-1;
    if (next != j->n_items)
        return hw_errf(err, HW_EIO, "%s: only %llu of %llu items are in the journal", j->path,
                       (unsigned long long)next, (unsigned long long)j->n_items);
    return HW_OK;
}

static size_t find_rec(const hw_journal *j, uint64_t i)
{
    size_t lo = 0, hi = j->n_rec;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (j->rec[mid].first <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int load_rec(hw_journal *j, size_t r, hw_err *err)
{
    size_t n = (size_t)j->rec[r].count * j->width;
    if (n > j->cache_cap) {
        double *c = realloc(j->cache, n * sizeof *c);
        if (!c)
            return hw_errf(err, HW_ENOMEM, "out of memory reading %s", j->path);
        j->cache = c, j->cache_cap = n;
    }
    if (fseek(j->f, j->rec[r].offset, SEEK_SET) != 0 || fread(j->cache, sizeof(double), n, j->f) != n)
        return io_error(j, "reading the journal", err);
    j->cache_rec = r;
    return HW_OK;
}

int hw_journal_row(hw_journal *j, uint64_t i, double *row, hw_err *err)
{
    size_t r = find_rec(j, i);
    if (r != j->cache_rec) {
        int rc = load_rec(j, r, err);
        if (rc)
            return rc;
    }
    memcpy(row, j->cache + (i - j->rec[r].first) * j->width, j->width * sizeof *row);
    return HW_OK;
}

void hw_journal_close(hw_journal *j)
{
    if (j->f)
        fclose(j->f);
    free(j->rec), free(j->cache);
    memset(j, 0, sizeof *j);
}
