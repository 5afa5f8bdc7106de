/* tests/fuzz/journal_input.h - the fuzz_journal input format (flags byte + file), shared with test_fuzz_regress.c. */
#ifndef HWNAS_JOURNAL_INPUT_H
#define HWNAS_JOURNAL_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hwnas/journal.h"

/* Input: one flags byte, then the file. Flag 1 rewrites the header CRC and flag 2 every record CRC that the
 * layout reaches, so that mutations get past the checksums (include/hwnas/journal.h has the layout). */
#define JIN_FIX_HEADER 1u
#define JIN_FIX_RECORDS 2u
#define JIN_HDR_BYTES 32
#define JIN_REC_HEAD 20

static inline uint64_t jin_get(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* little-endian host, as the journal */
    return v;
}

static inline void jin_fix_records(uint8_t *f, size_t size)
{
    for (size_t at = JIN_HDR_BYTES; size - at >= JIN_REC_HEAD;) {
        uint64_t bytes = jin_get(f + at + 12, 4) * jin_get(f + at + 16, 4) * sizeof(double);
        if (bytes > size - at - JIN_REC_HEAD || size - at - JIN_REC_HEAD - bytes < 4)
            return;
        uint32_t crc = hw_crc32(0, f + at + 4, JIN_REC_HEAD - 4);
        crc = hw_crc32(crc, f + at + JIN_REC_HEAD, (size_t)bytes);
        memcpy(f + at + JIN_REC_HEAD + bytes, &crc, 4);
        at += JIN_REC_HEAD + (size_t)bytes + 4;
    }
}

/* Turns an input of size bytes into the journal file it stands for: out gets size - 1 bytes. */
static inline size_t jin_decode(const uint8_t *in, size_t size, uint8_t *out)
{
    if (size == 0)
        return 0;
    size_t n = size - 1;
    memcpy(out, in + 1, n);
    if (n >= JIN_HDR_BYTES && (in[0] & JIN_FIX_HEADER)) {
        uint32_t crc = hw_crc32(0, out, 28);
        memcpy(out + 28, &crc, 4);
    }
    if (n >= JIN_HDR_BYTES && (in[0] & JIN_FIX_RECORDS))
        jin_fix_records(out, n);
    return n;
}

#endif
