/* tests/fuzz/fuzz_tmp.h - shared by the libFuzzer targets: a per-process input file and contract checks. */
#ifndef HWNAS_FUZZ_TMP_H
#define HWNAS_FUZZ_TMP_H
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwnas/error.h"

/* A broken contract is a finding: print it and abort so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                        \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz: contract violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static char fuzz_dir[64], fuzz_file[128];

static void fuzz_cleanup(void)
{
    if (fuzz_file[0])
        unlink(fuzz_file);
    if (fuzz_dir[0])
        rmdir(fuzz_dir);
}

/* Creates the private directory /tmp/hwnas-fuzz-<pid>-XXXXXX once per process (removed at exit; after a
 * crash, tests/fuzz/run.sh removes it by the pid). */
static inline void fuzz_init_dir(const char *name)
{
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/hwnas-fuzz-%ld-XXXXXX", (long)getpid());
    if (!mkdtemp(fuzz_dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    snprintf(fuzz_file, sizeof fuzz_file, "%s/%s", fuzz_dir, name);
    atexit(fuzz_cleanup);
}

/* Writes data into <private dir>/name (the same file on every call) and returns its path. Overwrites, then
 * truncates to size: O_TRUNC would make ext4 flush the file on every close (20x slower). */
static inline const char *fuzz_write(const uint8_t *data, size_t size, const char *name)
{
    if (!fuzz_dir[0])
        fuzz_init_dir(name);
    int fd = open(fuzz_file, O_WRONLY | O_CREAT, 0600);
    FUZZ_CHECK(fd >= 0);
    for (size_t off = 0; off < size;) {
        ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);
        FUZZ_CHECK(n > 0);
        off += (size_t)n;
    }
    FUZZ_CHECK(ftruncate(fd, (off_t)size) == 0);
    FUZZ_CHECK(close(fd) == 0);
    return fuzz_file;
}

/* 1 when s holds a control character (a newline would break the one-line message, ESC the terminal). */
static inline int fuzz_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* The failure contract of every loader: HW_EINPUT (or HW_ENOMEM), a non-empty one-line message. */
static inline void fuzz_check_err(int rc, const hw_err *e)
{
    FUZZ_CHECK(rc == HW_EINPUT || rc == HW_ENOMEM);
    FUZZ_CHECK(e->code == rc);
    FUZZ_CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL);
    FUZZ_CHECK(e->msg[0] != '\0');
    FUZZ_CHECK(!fuzz_has_control(e->msg));
}

/* s is NUL-terminated within cap bytes. */
static inline int fuzz_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

#endif
