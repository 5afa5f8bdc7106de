/* hwnas/cifar.h - CIFAR-10/100 binary-version records and the labelled,
 * normalised batches the zero-shot proxies read.
 * Records: CIFAR-10 = 1 label byte (0-9) + 3072 pixel bytes; CIFAR-100 = 1
 * coarse (0-19) + 1 fine (0-99) label byte + 3072 pixel bytes; pixels are the
 * R, G, B planes of 32x32, row-major. CIFAR-100 batches use the fine label.
 * Normalisation (methods.md §2): x = (p/255 − mean_c) / std_c with mean =
 * (125.3, 123.0, 113.9)/255 and std = (63.0, 62.1, 66.7)/255, in double.
 * Batch choice: records are permuted by hw_rng_partial_shuffle seeded with
 * hw_rng_seed(seed, HW_CIFAR_STREAM); batch j is records perm[j·B .. j·B+B).
 * No augmentation. The same seed gives the same batches on every rank. */
#ifndef HWNAS_CIFAR_H
#define HWNAS_CIFAR_H
#include <stdint.h>

#include "hwnas/error.h"

#define HW_CIFAR_SIDE 32
#define HW_CIFAR_PIXELS (3 * HW_CIFAR_SIDE * HW_CIFAR_SIDE)
/* FNV-1a of "hwnas-cifar-batches": the RNG stream of the batch choice. */
#define HW_CIFAR_STREAM 0x07daf6258273c7bfULL

typedef struct hw_cifar {
    int classes;        /* 10 or 100 */
    long n;             /* records */
    uint8_t *label;     /* n labels (CIFAR-100: fine) */
    uint8_t *pixels;    /* n x 3072 */
} hw_cifar;

/* n_batches x batch labelled images: x is (n_batches·batch, 3, side, side),
 * y their labels; batch j starts at image j·batch. */
typedef struct hw_batches {
    int n_batches, batch, side, classes;
    double *x;
    int *y;
} hw_batches;

/* Reads a whole binary file of classes 10 or 100. Errors (HW_EINPUT, one line
 * "path: what is wrong; what to do"): missing or unreadable file, empty or
 * truncated file (size not a multiple of the record size), label out of range. */
int  hw_cifar_load(const char *path, int classes, hw_cifar *out, hw_err *err);
void hw_cifar_free(hw_cifar *c);

/* n_batches batches of `batch` distinct records chosen from the seed (see above).
 * HW_EINPUT when the file holds fewer than n_batches·batch records. */
int  hw_cifar_batches(const hw_cifar *c, int batch, int n_batches, uint64_t seed, hw_batches *out, hw_err *err);
/* Normalises record r into x (3, 32, 32). */
void hw_cifar_normalise(const hw_cifar *c, long r, double *x);
void hw_batches_free(hw_batches *b);

#endif
