/* CIFAR-10/100 binary-version reader, normalisation and seeded batch choice. */
#include "hwnas/cifar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/rng.h"

static const double MEAN[3] = {125.3, 123.0, 113.9}, STD[3] = {63.0, 62.1, 66.7};

/* Size of the open file f, or -1. */
static long file_size(FILE *f)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return -1;
    long n = ftell(f);
    rewind(f);
    return n;
}

/* Reads the whole file into *buf (caller frees); checks size against rec. */
static int slurp(const char *path, long rec, uint8_t **buf, long *n, hw_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hw_errf(err, HW_EINPUT, "%s: cannot open (%s); check data_dir / $HWNAS_DATA_DIR", path,
                       strerror(errno));
    long size = file_size(f);
    if (size <= 0 || size % rec != 0) {
        fclose(f);
        return hw_errf(err, HW_EINPUT,
                       "%s: %ld bytes is not a whole number of %ld-byte records (truncated, or not a CIFAR-%s "
                       "binary file); re-copy the file or check the dataset setting",
                       path, size, rec, rec == 1 + HW_CIFAR_PIXELS ? "10" : "100");
    }
    *buf = malloc((size_t)size);
    if (!*buf || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(*buf), *buf = NULL;
        return hw_errf(err, HW_EIO, "%s: read of %ld bytes failed; check the file system", path, size);
    }
    fclose(f);
    *n = size / rec;
    return HW_OK;
}

/* Splits the records into labels and pixels, checking label ranges. */
static int split(const char *path, const uint8_t *buf, int lb, hw_cifar *c, hw_err *err)
{
    long rec = lb + HW_CIFAR_PIXELS;
    for (long r = 0; r < c->n; r++) {
        const uint8_t *p = buf + r * rec;
        int coarse_bad = lb == 2 && p[0] >= 20, label = p[lb - 1];
        if (coarse_bad || label >= c->classes)
            return hw_errf(err, HW_EINPUT,
                           "%s: record %ld has %s label %d, outside 0..%d; the file is corrupt or not CIFAR-%d",
                           path, r, coarse_bad ? "coarse" : "a", coarse_bad ? p[0] : label,
                           coarse_bad ? 19 : c->classes - 1, c->classes);
        c->label[r] = (uint8_t)label;
        memcpy(c->pixels + (size_t)r * HW_CIFAR_PIXELS, p + lb, HW_CIFAR_PIXELS);
    }
    return HW_OK;
}

int hw_cifar_load(const char *path, int classes, hw_cifar *out, hw_err *err)
{
    memset(out, 0, sizeof *out);
    if (classes != 10 && classes != 100)
        return hw_errf(err, HW_EINPUT, "%s: %d classes; CIFAR has 10 or 100", path, classes);
    int lb = classes == 10 ? 1 : 2, rc;
    uint8_t *buf = NULL;
    if ((rc = slurp(path, lb + HW_CIFAR_PIXELS, &buf, &out->n, err)) != HW_OK)
        return rc;
    out->classes = classes;
    out->label = hw_calloc((size_t)out->n, 1, err);
    out->pixels = out->label ? hw_calloc((size_t)out->n, HW_CIFAR_PIXELS, err) : NULL;
    rc = out->pixels ? split(path, buf, lb, out, err) : HW_ENOMEM;
    free(buf);
    if (rc)
        hw_cifar_free(out);
    return rc;
}

void hw_cifar_free(hw_cifar *c)
{
    free(c->label);
    free(c->pixels);
    memset(c, 0, sizeof *c);
}

void hw_cifar_normalise(const hw_cifar *c, long r, double *x)
{
    const uint8_t *p = c->pixels + (size_t)r * HW_CIFAR_PIXELS;
    for (int i = 0; i < HW_CIFAR_PIXELS; i++) {
        int ch = i / (HW_CIFAR_SIDE * HW_CIFAR_SIDE);
        x[i] = ((double)p[i] / 255.0 - MEAN[ch] / 255.0) / (STD[ch] / 255.0);
    }
}

int hw_cifar_batches(const hw_cifar *c, int batch, int n_batches, uint64_t seed, hw_batches *out, hw_err *err)
{
    memset(out, 0, sizeof *out);
    long need = (long)batch * n_batches;
    if (batch < 1 || n_batches < 1 || need > c->n)
        return hw_errf(err, HW_EINPUT, "cifar: %d batches of %d images need %ld records, the file has %ld; "
                       "use fewer or smaller batches", n_batches, batch, need, c->n);
    size_t *idx = hw_calloc((size_t)c->n, sizeof *idx, err);
    out->x = idx ? hw_calloc((size_t)need * HW_CIFAR_PIXELS, sizeof *out->x, err) : NULL;
    out->y = out->x ? hw_calloc((size_t)need, sizeof *out->y, err) : NULL;
    if (!out->y) {
        free(idx);
        hw_batches_free(out);
        return HW_ENOMEM;
    }
    hw_rng r;
    hw_rng_seed(&r, seed, HW_CIFAR_STREAM);
    for (long i = 0; i < c->n; i++)
        idx[i] = (size_t)i;
    hw_rng_partial_shuffle(&r, idx, (size_t)c->n, (size_t)need);
    for (long i = 0; i < need; i++) {
        hw_cifar_normalise(c, (long)idx[i], out->x + (size_t)i * HW_CIFAR_PIXELS);
        out->y[i] = c->label[idx[i]];
    }
    free(idx);
    out->n_batches = n_batches, out->batch = batch, out->side = HW_CIFAR_SIDE, out->classes = c->classes;
    return HW_OK;
}

void hw_batches_free(hw_batches *b)
{
    free(b->x);
    free(b->y);
    memset(b, 0, sizeof *b);
}
