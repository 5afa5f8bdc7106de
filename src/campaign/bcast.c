/* Broadcast of the worker state from rank 0: candidate keys, the proxy's
 * latencies, every device's predictor, the score proxies and their environment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/farm.h"

static int bcast_bytes(void *buf, size_t n, MPI_Comm comm, hw_err *err)
{
    return hw_mpi_check(MPI_Bcast(buf, (int)n, MPI_BYTE, 0, comm), "MPI_Bcast", err);
}

/* On workers, allocates *p (n elements of size sz) before receiving. */
static int bcast_array(void **p, size_t n, size_t sz, int rank, MPI_Comm comm, hw_err *err)
{
    if (rank != 0 && !(*p = hw_calloc(n, sz, err)))
        return HW_ENOMEM;
    return bcast_bytes(*p, n * sz, comm, err);
}

static int bcast_scores(hw_campaign *c, int rank, MPI_Comm comm, hw_err *err)
{
    int32_t *idx = hw_calloc(c->n_scores, sizeof *idx, err);
    const hw_proxy_def *all = hw_proxy_all();
    if (!idx)
        return HW_ENOMEM;
    for (size_t s = 0; rank == 0 && s < c->n_scores; s++)
        idx[s] = (int32_t)(c->score[s] - all);
    int rc = bcast_bytes(idx, c->n_scores * sizeof *idx, comm, err);
    if (!rc && rank != 0 && !(c->score = hw_calloc(c->n_scores, sizeof *c->score, err)))
        rc = HW_ENOMEM;
    for (size_t s = 0; !rc && rank != 0 && s < c->n_scores; s++)
        c->score[s] = &all[idx[s]];
    free(idx);
    return rc;
}

/* The per-arch predictions of multiproxy/direct devices, when rank 0 has them. */
static int bcast_pred_tab(hw_campaign *c, int rank, MPI_Comm comm, hw_err *err)
{
    int32_t has = c->pred_tab != NULL;
    int rc = bcast_bytes(&has, sizeof has, comm, err);
    if (rc || !has)
        return rc;
    return bcast_array((void **)&c->pred_tab, c->n_dev * (size_t)HW_NB201_N_ARCHS, sizeof *c->pred_tab, rank, comm,
                       err);
}

/* The labelled batches of the zero-shot proxies, when rank 0 loaded them. */
static int bcast_batches(hw_campaign *c, int rank, MPI_Comm comm, hw_err *err)
{
    hw_batches *b = &c->batches;
    int32_t dims[4] = {b->n_batches, b->batch, b->side, b->classes};
    int rc = bcast_bytes(dims, sizeof dims, comm, err);
    if (rc || dims[0] == 0) {
        c->env.data = rank == 0 ? c->env.data : NULL; /* rank 0's pointer came with the env bytes */
        return rc;
    }
    b->n_batches = dims[0], b->batch = dims[1], b->side = dims[2], b->classes = dims[3];
    size_t images = (size_t)dims[0] * (size_t)dims[1];
    rc = bcast_array((void **)&b->x, images * 3 * (size_t)dims[2] * (size_t)dims[2], sizeof *b->x, rank, comm, err);
    if (!rc)
        rc = bcast_array((void **)&b->y, images, sizeof *b->y, rank, comm, err);
    c->env.data = rc ? NULL : b;
    return rc;
}

int hw_campaign_bcast(hw_campaign *c, MPI_Comm comm, hw_err *err)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t sizes[3] = {c->n_cand, c->n_dev, c->n_scores};
    int rc = bcast_bytes(sizes, sizeof sizes, comm, err);
    if (rc)
        return rc;
    c->n_cand = sizes[0], c->n_dev = sizes[1], c->n_scores = sizes[2];
    c->width = c->n_scores + c->n_dev;
    const char *delay = getenv("HWNAS_TEST_DELAY_MS");
    c->test_delay_ms = delay ? atol(delay) : 0;
    c->test_trace = getenv("HWNAS_TEST_TRACE");
    rc = bcast_array((void **)&c->cand, c->n_cand, sizeof *c->cand, rank, comm, err);
    if (!rc)
        rc = bcast_array((void **)&c->proxy_lat, HW_NB201_N_ARCHS, sizeof *c->proxy_lat, rank, comm, err);
    if (!rc)
        rc = bcast_array((void **)&c->index_of, HW_NB201_N_ARCHS, sizeof *c->index_of, rank, comm, err);
    if (!rc)
        rc = bcast_array((void **)&c->dev, c->n_dev, sizeof *c->dev, rank, comm, err);
    if (!rc)
        rc = bcast_pred_tab(c, rank, comm, err);
    if (!rc)
        rc = bcast_bytes(&c->env, sizeof c->env, comm, err);
    if (!rc)
        rc = bcast_batches(c, rank, comm, err);
    c->env.zc.ws = &c->ws, c->env.cache = &c->zc_cache; /* this rank's scratch, not rank 0's pointers */
    memset(&c->zc_cache, 0, sizeof c->zc_cache);
    if (!rc)
        rc = bcast_scores(c, rank, comm, err);
    if (rank != 0) /* pointers inside the copied devices belong to rank 0 */
        for (size_t d = 0; d < c->n_dev; d++)
            memset(&c->dev[d].front, 0, sizeof c->dev[d].front), memset(&c->dev[d].true_front, 0, sizeof(hw_front));
    return rc;
}
