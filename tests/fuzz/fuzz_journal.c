/* fuzz_journal.c - libFuzzer target: hw_journal_scan (then hw_journal_index / hw_journal_row) on arbitrary files. */
#include "fuzz_tmp.h"

#include "hwnas/journal.h"
#include "journal_input.h"

/* A scanned journal: records inside the file and the header's range, counts add up. */
static void check_scan(const hw_journal *j, size_t size)
{
    uint64_t done = 0;
    FUZZ_CHECK(j->n_rec <= j->cap_rec && (j->n_rec == 0 || j->rec != NULL));
    for (size_t r = 0; r < j->n_rec; r++) {
        const hw_jrec *x = &j->rec[r];
        FUZZ_CHECK(x->count >= 1 && x->first <= j->n_items && x->count <= j->n_items - x->first);
        FUZZ_CHECK(x->offset >= JIN_HDR_BYTES + JIN_REC_HEAD && (size_t)x->offset <= size);
        FUZZ_CHECK(x->count * j->width * sizeof(double) <= size - (size_t)x->offset);
        done += x->count;
    }
    FUZZ_CHECK(done == j->n_done);
    FUZZ_CHECK(j->good_end >= JIN_HDR_BYTES && (size_t)j->good_end <= size);
    FUZZ_CHECK(j->dropped_bytes == size - (size_t)j->good_end);
}

/* After a successful index every item's row can be read: the first and last of each record. */
static void check_rows(hw_journal *j)
{
    hw_err e = {0};
    int rc = hw_journal_index(j, &e);
    if (rc) {
        FUZZ_CHECK(rc == HW_EIO || rc == HW_ENOMEM);
        FUZZ_CHECK(e.code == rc && e.msg[0] != '\0' && !fuzz_has_control(e.msg));
        return;
    }
    if (j->n_rec == 0)
        return;
    double *row = calloc(j->width ? j->width : 1, sizeof *row);
    FUZZ_CHECK(row != NULL);
    for (size_t r = 0; r < j->n_rec; r++) {
        FUZZ_CHECK(hw_journal_row(j, j->rec[r].first, row, &e) == 0);
        FUZZ_CHECK(hw_journal_row(j, j->rec[r].first + j->rec[r].count - 1, row, &e) == 0);
    }
    free(row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *file = malloc(size ? size : 1);
    FUZZ_CHECK(file != NULL);
    size_t n = jin_decode(data, size, file);
    const char *path = fuzz_write(file, n, "journal.bin");
    free(file);
    hw_journal j;
    hw_err e = {0};
    int rc = hw_journal_scan(&j, path, &e);
    if (rc) {
        FUZZ_CHECK(rc == HW_EINPUT || rc == HW_EIO || rc == HW_ENOMEM);
        FUZZ_CHECK(e.code == rc && e.msg[0] != '\0' && !fuzz_has_control(e.msg));
    } else {
        check_scan(&j, n);
        check_rows(&j);
    }
    hw_journal_close(&j);
    return 0;
}
