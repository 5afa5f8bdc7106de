/* Dynamic chunked task farm: rank 0 hands out index ranges, gathers results. */
#include "hwnas/farm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/progress.h"

enum { TAG_READY = 1, TAG_WORK = 2, TAG_STOP = 3, TAG_HDR = 4, TAG_DATA = 5, TAG_ERR = 6 };

int hw_mpi_check(int mpi_rc, const char *what, hw_err *err)
{
    if (mpi_rc == MPI_SUCCESS)
        return HW_OK;
    char s[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(mpi_rc, s, &len);
    return hw_errf(err, HW_EIO, "%s: %.*s; check the MPI launch (mpirun/srun) and the node health", what,
                   len, s);
}

static int run_alone(const hw_farm_job *job, hw_err *err)
{
    hw_progress pr;
    hw_progress_start(&pr, job->label, job->n_items, job->progress_s);
    for (size_t first = 0; first < job->n_items; first += job->chunk) {
        size_t count = job->n_items - first < job->chunk ? job->n_items - first : job->chunk;
        int rc = job->work(first, count, job->result + first * job->width, job->ctx, err);
        if (rc)
            return rc;
        hw_progress_update(&pr, first + count);
    }
    hw_progress_finish(&pr, job->n_items);
    return HW_OK;
}

/* Sends the next chunk to dest, or STOP when nothing is left or stopping. */
static int hand_out(MPI_Comm comm, int dest, const hw_farm_job *job, size_t *next, int stopping,
                    int *active, hw_err *err)
{
    if (stopping || *next >= job->n_items) {
        (*active)--;
        return hw_mpi_check(MPI_Send(NULL, 0, MPI_BYTE, dest, TAG_STOP, comm), "MPI_Send(stop)", err);
    }
    uint64_t w[2] = {*next, job->n_items - *next < job->chunk ? job->n_items - *next : job->chunk};
    *next += w[1];
    return hw_mpi_check(MPI_Send(w, 2, MPI_UINT64_T, dest, TAG_WORK, comm), "MPI_Send(work)", err);
}

/* Receives the data of a chunk whose header came from src. */
static int take_result(MPI_Comm comm, int src, const hw_farm_job *job, hw_err *err, size_t *done)
{
    uint64_t h[2];
    int rc = hw_mpi_check(MPI_Recv(h, 2, MPI_UINT64_T, src, TAG_HDR, comm, MPI_STATUS_IGNORE),
                          "MPI_Recv(header)", err);
    if (rc)
        return rc;
    if (h[0] + h[1] > job->n_items)
        return hw_errf(err, HW_EIO, "farm: worker %d returned an out-of-range chunk", src);
    rc = hw_mpi_check(MPI_Recv(job->result + h[0] * job->width, (int)(h[1] * job->width), MPI_DOUBLE, src,
                               TAG_DATA, comm, MPI_STATUS_IGNORE),
                      "MPI_Recv(results)", err);
    *done += h[1];
    return rc;
}

static int coordinate(MPI_Comm comm, int size, const hw_farm_job *job, hw_err *err)
{
    size_t next = 0, done = 0;
    int active = size - 1, failed = 0;
    hw_progress pr;
    hw_progress_start(&pr, job->label, job->n_items, job->progress_s);
    while (active > 0) {
        MPI_Status st;
        int rc = hw_mpi_check(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st), "MPI_Probe", err);
        if (rc)
            return rc;
        if (st.MPI_TAG == TAG_ERR) {
            char msg[sizeof err->msg] = {0};
            MPI_Recv(msg, (int)sizeof msg - 1, MPI_CHAR, st.MPI_SOURCE, TAG_ERR, comm, MPI_STATUS_IGNORE);
            if (!failed)
                hw_errf(err, HW_EIO, "rank %d: %s", st.MPI_SOURCE, msg);
            failed = 1;
        } else if (st.MPI_TAG == TAG_READY) {
            rc = hw_mpi_check(MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_READY, comm, MPI_STATUS_IGNORE),
                              "MPI_Recv(ready)", err);
        } else {
            rc = take_result(comm, st.MPI_SOURCE, job, err, &done);
            hw_progress_update(&pr, done);
        }
        if (rc || (rc = hand_out(comm, st.MPI_SOURCE, job, &next, failed, &active, err)))
            return rc;
    }
    if (!failed)
        hw_progress_finish(&pr, done);
    return failed ? HW_EIO : HW_OK;
}

static int serve(MPI_Comm comm, const hw_farm_job *job, hw_err *err)
{
    double *buf = hw_calloc(job->chunk * job->width, sizeof *buf, err);
    int rc = buf ? hw_mpi_check(MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, comm), "MPI_Send(ready)", err)
                 : HW_ENOMEM;
    int work_rc = HW_OK;
    while (!rc) {
        uint64_t w[2];
        MPI_Status st;
        rc = hw_mpi_check(MPI_Recv(w, 2, MPI_UINT64_T, 0, MPI_ANY_TAG, comm, &st), "MPI_Recv(work)", err);
        if (rc || st.MPI_TAG == TAG_STOP)
            break;
        if (!work_rc)
            work_rc = job->work(w[0], w[1], buf, job->ctx, err);
        if (work_rc) { /* report once, then keep answering until told to stop */
            rc = hw_mpi_check(MPI_Send(err->msg, (int)strlen(err->msg) + 1, MPI_CHAR, 0, TAG_ERR, comm),
                              "MPI_Send(error)", err);
            continue;
        }
        rc = hw_mpi_check(MPI_Send(w, 2, MPI_UINT64_T, 0, TAG_HDR, comm), "MPI_Send(header)", err);
        if (!rc)
            rc = hw_mpi_check(MPI_Send(buf, (int)(w[1] * job->width), MPI_DOUBLE, 0, TAG_DATA, comm),
                              "MPI_Send(results)", err);
    }
    free(buf);
    return rc ? rc : work_rc;
}

int hw_farm_run(MPI_Comm comm, const hw_farm_job *job, hw_err *err)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (job->chunk == 0 || job->width == 0)
        return hw_errf(err, HW_EINPUT, "farm: chunk and width must be positive");
    if (size == 1)
        return run_alone(job, err);
    return rank == 0 ? coordinate(comm, size, job, err) : serve(comm, job, err);
}
