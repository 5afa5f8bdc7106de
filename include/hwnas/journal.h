/* hwnas/journal.h - the results journal of a campaign: rank 0 appends every
 * finished chunk of candidates as a checksummed record, so a crash or kill
 * loses at most the chunks still in flight, and `hwnas run --resume` goes on
 * from it. Layout (little-endian, as written by this machine):
 *   header: "HWNASJ01" | u32 width | u64 n_items | u64 fingerprint | u32 crc32
 *   record: u32 0x31434552 ("REC1") | u64 first | u32 count | u32 width |
 *           count*width doubles | u32 crc32 (of everything after the magic)
 * Records may come in any order; a record that is truncated or fails its CRC
 * ends the scan (a torn tail is dropped, never trusted). Every record is
 * fflush'ed when written and the file is fsync'ed at least every sync_s
 * seconds and at close. */
#ifndef HWNAS_JOURNAL_H
#define HWNAS_JOURNAL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hwnas/error.h"

typedef struct hw_jrec {
    uint64_t first, count;
    long offset;          /* file offset of the payload */
} hw_jrec;

typedef struct hw_journal {
    FILE *f;
    char path[4200];
    uint32_t width;
    uint64_t n_items, fingerprint;
    hw_jrec *rec;         /* valid records sorted by first after hw_journal_index() */
    size_t n_rec, cap_rec;
    uint64_t n_done;      /* items covered by valid records */
    double sync_s, last_sync;
    long good_end;        /* offset after the last valid record */
    size_t dropped_bytes; /* torn tail dropped by the scan */
    double *cache;        /* payload of record cache_rec (hw_journal_row) */
    size_t cache_rec, cache_cap;
} hw_journal;

uint32_t hw_crc32(uint32_t crc, const void *data, size_t n);

/* Creates (truncates) path and writes the header. */
int hw_journal_create(hw_journal *j, const char *path, uint32_t width, uint64_t n_items, uint64_t fingerprint,
                      double sync_s, hw_err *err);
/* Opens an existing journal for resuming: checks the header against width,
 * n_items and fingerprint (a journal of another campaign is an input error),
 * scans the records, marks done[first..first+count) = 1 (done has n_items
 * bytes, may be NULL), truncates a torn tail and positions for appending. */
int hw_journal_resume(hw_journal *j, const char *path, uint32_t width, uint64_t n_items, uint64_t fingerprint,
                      double sync_s, uint8_t *done, hw_err *err);
/* Read-only scan of any file (for tools and the fuzzer): fills j->rec and
 * counts; never modifies the file. */
int hw_journal_scan(hw_journal *j, const char *path, hw_err *err);
int hw_journal_append(hw_journal *j, uint64_t first, uint64_t count, const double *rows, hw_err *err);
int hw_journal_sync(hw_journal *j, hw_err *err);
/* Sorts the records by first and checks that they cover 0..n_items exactly
 * once; then hw_journal_row() reads any item's row. */
int hw_journal_index(hw_journal *j, hw_err *err);
/* Row of item i into row[width]; uses a one-record cache (buf, cap in doubles). */
int hw_journal_row(hw_journal *j, uint64_t i, double *row, hw_err *err);
void hw_journal_close(hw_journal *j);

#endif
