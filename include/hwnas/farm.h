/* hwnas/farm.h - dynamic chunked task farm over MPI; knows nothing of what
 * an item or a result means. Rank 0 coordinates: it hands out chunks of item
 * indices [first, first+count) (runs of items not yet done) to whichever
 * worker asks, and passes each finished chunk (count x width doubles) to the
 * sink, in arrival order. With one rank, rank 0 does the work itself. Results
 * depend only on the item index, so they are identical for any number of
 * ranks. Every MPI call is checked (the communicator's error handler must be
 * MPI_ERRORS_RETURN). When *stop becomes non-zero, rank 0 hands out no more
 * work, collects the chunks in flight and returns HW_ERESUME on every rank. */
#ifndef HWNAS_FARM_H
#define HWNAS_FARM_H
#include <mpi.h>
#include <stddef.h>

#include "hwnas/error.h"

#include <signal.h>
#include <stdint.h>

typedef int (*hw_farm_work_fn)(size_t first, size_t count, double *out, void *ctx, hw_err *err);
typedef int (*hw_farm_sink_fn)(size_t first, size_t count, const double *rows, void *ctx, hw_err *err);

typedef struct hw_farm_job {
    size_t n_items, chunk, width;
    hw_farm_work_fn work;
    void *ctx;
    hw_farm_sink_fn sink;        /* rank 0: receives every finished chunk */
    void *sink_ctx;
    const uint8_t *done;         /* rank 0: n_items flags, items already done are skipped; NULL = none */
    volatile sig_atomic_t *stop; /* rank 0: stop request (signal handler); NULL = never */
    double progress_s;           /* seconds between progress lines on rank 0's stderr; <= 0: none */
    const char *label;           /* e.g. "candidates" */
} hw_farm_job;

/* Collective over comm. Returns 0 on every rank, or an error (on rank 0 the
 * first worker error is reported; workers return their own). */
int hw_farm_run(MPI_Comm comm, const hw_farm_job *job, hw_err *err);

/* Formats an MPI error code: "MPI_Send: <MPI_Error_string>". */
int hw_mpi_check(int mpi_rc, const char *what, hw_err *err);

#endif
