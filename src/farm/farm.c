/* Dynamic chunked task farm: rank 0 hands out runs of undone items and passes
 * finished chunks to the sink; a stop request drains the chunks in flight. */
#include "hwnas/farm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The next run of at most chunk undone items at or after *next; count 0 = none left. */
static void next_chunk(const hw_farm_job *job, size_t *next, size_t *first, size_t *count)
{
    while (*next < job->n_items && job->done && job->done[*next])
        (*next)++;
    *first = *next, *count = 0;
    while (*next < job->n_items && *count < job->chunk && !(job->done && job->done[*next]))
        (*next)++, (*count)++;
}

static size_t n_done_before(const hw_farm_job *job)
{
    size_t n = 0;
    for (size_t i = 0; job->done && i < job->n_items; i++)
        n += job->done[i] != 0;
    return n;
}

static int stopping(const hw_farm_job *job) { return job->stop && *job->stop; }

static int run_alone(const hw_farm_job *job, hw_err *err)
{
    double *buf = hw_calloc(job->chunk * job->width, sizeof *buf, err);
    size_t next = 0, first, count, done = n_done_before(job);
    int rc = buf ? HW_OK : HW_ENOMEM;
    hw_progress pr;
    hw_progress_start(&pr, job->label, job->n_items, job->progress_s);
    while (!rc && (next_chunk(job, &next, &first, &count), count > 0)) {
        if (stopping(job)) {
            rc = HW_ERESUME;
            break;
        }
        rc = job->work(first, count, buf, job->ctx, err);
        if (!rc)
            rc = job->sink(first, count, buf, job->sink_ctx, err);
        hw_progress_update(&pr, done += count);
    }
    if (!rc)
        hw_progress_finish(&pr, done);
    free(buf);
    return rc;
}

typedef struct {
    MPI_Comm comm;
    const hw_farm_job *job;
    size_t next, done;
    int active, failed, stopped;
    int fail_rc; /* the first failure; workers are still stopped cleanly after it */
    double *buf;
} coord;

/* Sends the next chunk to dest, or STOP when nothing is left or stopping. */
static int hand_out(coord *c, int dest, hw_err *err)
{
    size_t first = 0, count = 0;
    if (!c->failed && !(c->stopped = c->stopped || stopping(c->job)))
        next_chunk(c->job, &c->next, &first, &count);
    if (count == 0) {
        c->active--;
        return hw_mpi_check(MPI_Send(NULL, 0, MPI_BYTE, dest, TAG_STOP, c->comm), "MPI_Send(stop)", err);
    }
    uint64_t w[2] = {first, count};
    return hw_mpi_check(MPI_Send(w, 2, MPI_UINT64_T, dest, TAG_WORK, c->comm), "MPI_Send(work)", err);
}

/* Receives a chunk's data from src and passes it to the sink. */
static int take_result(coord *c, int src, hw_err *err)
{
    const hw_farm_job *job = c->job;
    uint64_t h[2];
    int rc = hw_mpi_check(MPI_Recv(h, 2, MPI_UINT64_T, src, TAG_HDR, c->comm, MPI_STATUS_IGNORE),
                          "MPI_Recv(header)", err);
    if (!rc && (h[1] > job->chunk || h[0] + h[1] > job->n_items))
        return hw_errf(err, HW_EIO, "farm: worker %d returned an out-of-range chunk", src);
    if (!rc)
        rc = hw_mpi_check(MPI_Recv(c->buf, (int)(h[1] * job->width), MPI_DOUBLE, src, TAG_DATA, c->comm,
                                   MPI_STATUS_IGNORE), "MPI_Recv(results)", err);
    if (!rc && !c->failed && (c->fail_rc = job->sink(h[0], h[1], c->buf, job->sink_ctx, err)) != HW_OK)
        c->failed = 1; /* e.g. the disk is full: stop handing out work, drain the workers */
    c->done += h[1];
    return rc;
}

static int take_error(coord *c, int src, hw_err *err)
{
    char msg[sizeof err->msg] = {0};
    int rc = hw_mpi_check(MPI_Recv(msg, (int)sizeof msg - 1, MPI_CHAR, src, TAG_ERR, c->comm, MPI_STATUS_IGNORE),
                          "MPI_Recv(error)", err);
    if (!rc && !c->failed)
        c->fail_rc = hw_errf(err, HW_EIO, "rank %d: %s", src, msg);
    c->failed = 1;
    return rc;
}

/* Waits for the next message without hogging a core: Open MPI's blocking
 * probe busy-polls, which oversubscribed ranks (rank 0 beside the workers on
 * the same cores) cannot spare. Spins for up to 200 us (messages that come
 * fast are served at once), then sleeps 50 us .. 2 ms between polls. */
static int wait_message(MPI_Comm comm, MPI_Status *st, hw_err *err)
{
    double spin_until = hw_now() + 200e-6;
    long nap_ns = 50000;
    for (;;) {
        int flag = 0;
        int rc = hw_mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, st), "MPI_Iprobe", err);
        if (rc || flag)
            return rc;
        if (hw_now() < spin_until)
            continue;
        struct timespec ts = {0, nap_ns};
        nanosleep(&ts, NULL);
        nap_ns = nap_ns < 2000000 ? 2 * nap_ns : 2000000;
    }
}

static int coordinate(MPI_Comm comm, int size, const hw_farm_job *job, hw_err *err)
{
    coord c = {comm, job, 0, n_done_before(job), size - 1, 0, 0, HW_OK, NULL};
    if (!(c.buf = hw_calloc(job->chunk * job->width, sizeof *c.buf, err)))
        return HW_ENOMEM;
    hw_progress pr;
    hw_progress_start(&pr, job->label, job->n_items, job->progress_s);
    int rc = HW_OK;
    while (!rc && c.active > 0) {
        MPI_Status st;
        rc = wait_message(comm, &st, err);
        if (!rc && st.MPI_TAG == TAG_ERR)
            rc = take_error(&c, st.MPI_SOURCE, err);
        else if (!rc && st.MPI_TAG == TAG_READY)
            rc = hw_mpi_check(MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_READY, comm, MPI_STATUS_IGNORE),
                              "MPI_Recv(ready)", err);
        else if (!rc) {
            rc = take_result(&c, st.MPI_SOURCE, err);
            hw_progress_update(&pr, c.done);
        }
        if (!rc)
            rc = hand_out(&c, st.MPI_SOURCE, err);
    }
    free(c.buf);
    if (!rc && !c.failed && !c.stopped)
        hw_progress_finish(&pr, c.done);
    return rc ? rc : c.failed ? c.fail_rc : c.stopped ? HW_ERESUME : HW_OK;
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
    int rank, size, rc;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (job->chunk == 0 || job->width == 0)
        return hw_errf(err, HW_EINPUT, "farm: chunk and width must be positive");
    if (size == 1)
        return run_alone(job, err);
    rc = rank == 0 ? coordinate(comm, size, job, err) : serve(comm, job, err);
    int all = rc;
    if (hw_mpi_check(MPI_Bcast(&all, 1, MPI_INT, 0, comm), "MPI_Bcast(farm status)", err) == HW_OK && rank != 0 &&
        !rc)
        rc = all == HW_ERESUME ? HW_ERESUME : rc;
    return rc;
}
