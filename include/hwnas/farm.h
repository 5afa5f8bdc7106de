/* hwnas/farm.h - dynamic chunked task farm over MPI; knows nothing of what
 * an item or a result means. Rank 0 coordinates: it hands out chunks of item
 * indices [first, first+count) to whichever worker asks, and stores each
 * chunk's results (count x width doubles) at result[first * width]. With one
 * rank, rank 0 does the work itself. Results depend only on the item index,
 * so they are identical for any number of ranks. Every MPI call is checked
 * (the communicator's error handler must be MPI_ERRORS_RETURN). */
#ifndef HWNAS_FARM_H
#define HWNAS_FARM_H
#include <mpi.h>
#include <stddef.h>

#include "hwnas/error.h"

typedef int (*hw_farm_work_fn)(size_t first, size_t count, double *out, void *ctx, hw_err *err);

typedef struct hw_farm_job {
    size_t n_items, chunk, width;
    hw_farm_work_fn work;
    void *ctx;
    double *result;      /* rank 0: n_items * width; unused elsewhere */
    double progress_s;   /* seconds between progress lines on rank 0's stderr; <= 0: none */
    const char *label;   /* e.g. "scoring" */
} hw_farm_job;

/* Collective over comm. Returns 0 on every rank, or an error (on rank 0 the
 * first worker error is reported; workers return their own). */
int hw_farm_run(MPI_Comm comm, const hw_farm_job *job, hw_err *err);

/* Formats an MPI error code: "MPI_Send: <MPI_Error_string>". */
int hw_mpi_check(int mpi_rc, const char *what, hw_err *err);

#endif
