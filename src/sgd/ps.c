/* Asynchronous parameter-server SGD over MPI: the server loop, the worker loop
 * and the gathering of results on rank 0 (hwnas/sgd_ps.h). */
#include "hwnas/sgd_ps.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwnas/sgd_profile.h"

enum { TAG_CTRL = 1, TAG_GRAD = 1000, TAG_PARAM = 100000 };
enum { CTRL_PULL = 1, CTRL_DONE = 2 }; /* the int a worker sends with TAG_CTRL */

/* Sizes and offsets of the tensors in one float buffer; the pull and push orders. */
typedef struct layout {
    int T;
    size_t *off, total, maxn;
    int *order, *porder; /* pull order, push order (tensor indices) */
} layout;

typedef struct ev_log {
    hw_sgd_event *ev;
    size_t n, cap;
    int on;
} ev_log;

static void ev_add(ev_log *l, int pid, int tid, int step, int op, int tensor, double t0, double t1)
{
    if (!l->on)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        hw_sgd_event *e = realloc(l->ev, cap * sizeof *e);
        if (!e) {
            l->on = 0; /* out of memory: stop recording rather than fail the training */
            return;
        }
        l->ev = e, l->cap = cap;
    }
    hw_sgd_event e = {pid, tid, step, op, tensor, t0, t1 - t0};
    l->ev[l->n++] = e;
}

static void pause_us(int us)
{
    if (us > 0) {
        struct timespec ts = {0, (long)us * 1000};
        nanosleep(&ts, NULL);
    }
}

/* One idle wait of a rank with nothing to do: sleeps *nap µs, then doubles
 * *nap up to cfg->poll_max_us (exponential back-off: an idle rank costs
 * little CPU, a busy one answers within poll_us). Reset *nap = cfg->poll_us
 * whenever something completed. */
static void idle(int *nap, const hw_ps_cfg *cfg)
{
    pause_us(*nap);
    int next = *nap * 2, cap = cfg->poll_max_us > cfg->poll_us ? cfg->poll_max_us : cfg->poll_us;
    *nap = next < cap ? next : cap;
}

static int layout_make(const hw_sgd_trace *m, const hw_ps_cfg *cfg, layout *L, hw_err *err)
{
    L->T = m->n_tensors;
    L->off = hw_calloc((size_t)L->T + 1, sizeof *L->off, err);
    L->order = L->off ? hw_calloc((size_t)L->T + 1, sizeof *L->order, err) : NULL;
    L->porder = L->order ? hw_calloc((size_t)L->T + 1, sizeof *L->porder, err) : NULL;
    if (!L->porder)
        return HW_ENOMEM;
    L->total = L->maxn = 0;
    for (int t = 0; t < L->T; t++) {
        size_t n = (size_t)m->tensors[t].bytes / 4;
        L->off[t] = L->total;
        L->total += n;
        L->maxn = n > L->maxn ? n : L->maxn;
    }
    L->off[L->T] = L->total;
    hw_sgd_order(m, cfg->policy, cfg->seed, L->order);
    hw_sgd_order(m, cfg->push_policy, cfg->seed, L->porder);
    return HW_OK;
}

static void layout_free(layout *L)
{
    free(L->off), free(L->order), free(L->porder);
}

static size_t tn(const layout *L, int t) { return L->off[t + 1] - L->off[t]; }

static int mpi_fail(hw_err *err, const char *what)
{
    return hw_errf(err, HW_EIO, "sgd-train: MPI %s failed; check the MPI setup (mpirun, network)", what);
}

/* Parameters of nn into the float buffer w. */
static void params_to_f32(const hw_nn *nn, const layout *L, float *w, double *tmp)
{
    for (int t = 0; t < L->T; t++) {
        hw_nn_param_get(nn, t, 0, tmp);
        for (size_t i = 0; i < tn(L, t); i++)
            w[L->off[t] + i] = (float)tmp[i];
    }
}

/* ---- server ---------------------------------------------------------------- */

/* Every receive of the server is posted in advance and completed by
 * MPI_Testsome, so the server never blocks on one worker: a blocking MPI_Recv
 * of a large gradient (rendezvous protocol) would wait, spinning in Open MPI's
 * progress engine, until the sending worker next calls MPI (between two of its
 * ops), and that spinning took half a core from the workers that share the
 * machine. Per worker w: one control receive (PULL or DONE) and, once its pull
 * of step k is served, one receive per gradient of step k. */
typedef struct server {
    const layout *L;
    int W;
    float *w, *g, *snap;   /* parameters; W gradient buffers; W snapshots */
    MPI_Request *req;      /* W × T pull sends */
    MPI_Request *rq;       /* W × (T + 1) receives: gradients 0..T-1, then the control message */
    int *ctrl;             /* W control words: CTRL_PULL or CTRL_DONE */
    int *idx;              /* W × (T + 1): MPI_Testsome's completed indices */
    int *got, *step;       /* per worker: gradients received in the current step, steps completed */
    int *pending;          /* per worker: a pull received and not yet served */
    int *served;           /* per worker: pulls served */
    double *applied;       /* W × steps */
} server;

/* Tests reqs[0..n) until all are complete, idle between tests. */
static int wait_all(MPI_Request *reqs, int n, const hw_ps_cfg *cfg)
{
    for (int nap = cfg->poll_us;;) {
        int flag = 0;
        if (MPI_Testall(n, reqs, &flag, MPI_STATUSES_IGNORE) != MPI_SUCCESS)
            return -1;
        if (flag)
            return 0;
        idle(&nap, cfg);
    }
}

static int post_ctrl(server *S, int w)
{
    int T = S->L->T;
    return MPI_Irecv(&S->ctrl[w], 1, MPI_INT, w + 1, TAG_CTRL, MPI_COMM_WORLD, &S->rq[(size_t)w * (T + 1) + T]);
}

/* Serves worker w's pull: snapshot, one MPI_Isend per tensor in the pull
 * order, and the receives of the gradients this step will send back. */
static int serve_pull(server *S, int w, const hw_ps_cfg *cfg, double t_recv, ev_log *ev)
{
    const layout *L = S->L;
    MPI_Request *sq = S->req + (size_t)w * L->T, *rq = S->rq + (size_t)w * (L->T + 1);
    if (wait_all(sq, L->T, cfg)) /* the previous pull's sends: complete long ago in practice */
        return -1;
    float *snap = S->snap + (size_t)w * L->total, *g = S->g + (size_t)w * L->total;
    for (int t = 0; t < L->T; t++)
        if (MPI_Irecv(g + L->off[t], (int)tn(L, t), MPI_FLOAT, w + 1, TAG_GRAD + t, MPI_COMM_WORLD, &rq[t]) !=
            MPI_SUCCESS)
            return -1;
    for (int k = 0; k < L->T; k++) {
        int t = L->order[k];
        memcpy(snap + L->off[t], S->w + L->off[t], tn(L, t) * sizeof(float));
        if (MPI_Isend(snap + L->off[t], (int)tn(L, t), MPI_FLOAT, w + 1, TAG_PARAM + t, MPI_COMM_WORLD, &sq[t]) !=
            MPI_SUCCESS)
            return -1;
    }
    S->pending[w] = 0;
    S->served[w]++;
    ev_add(ev, 0, 1, S->step[w], -1, -1, t_recv, hw_sgd_now_us());
    return post_ctrl(S, w);
}

static int server_loop(server *S, const hw_ps_cfg *cfg, ev_log *ev, hw_err *err)
{
    const layout *L = S->L;
    int done = 0, n_rq = S->W * (L->T + 1), nap = cfg->poll_us;
    for (int w = 0; w < S->W; w++)
        if (post_ctrl(S, w) != MPI_SUCCESS)
            return mpi_fail(err, "Irecv (control)");
    while (done < S->W) {
        int n = 0;
        if (MPI_Testsome(n_rq, S->rq, &n, S->idx, MPI_STATUSES_IGNORE) != MPI_SUCCESS)
            return mpi_fail(err, "Testsome");
        if (n == MPI_UNDEFINED || n == 0) {
            idle(&nap, cfg);
            continue;
        }
        nap = cfg->poll_us;
        double t0 = hw_sgd_now_us();
        for (int i = 0; i < n; i++) {
            int w = S->idx[i] / (L->T + 1), t = S->idx[i] % (L->T + 1);
            if (t == L->T) { /* control */
                if (S->ctrl[w] == CTRL_DONE)
                    done++;
                else if (S->ctrl[w] == CTRL_PULL)
                    S->pending[w] = 1;
                else
                    return hw_errf(err, HW_EIO, "sgd-train: unexpected control word %d from rank %d", S->ctrl[w],
                                   w + 1);
                continue;
            }
            double t1 = hw_sgd_now_us();
            hw_sgd_apply(S->w + L->off[t], S->g + (size_t)w * L->total + L->off[t], tn(L, t), cfg->lr);
            double t2 = hw_sgd_now_us();
            ev_add(ev, 0, 2, S->step[w], -1, t, t0, t1);
            ev_add(ev, 0, 0, S->step[w], -1, t, t1, t2);
            if (++S->got[w] == L->T) {
                if (S->step[w] < cfg->steps)
                    S->applied[(size_t)w * cfg->steps + S->step[w]] = t2;
                S->got[w] = 0;
                S->step[w]++;
            }
        }
        /* a pull is served once the worker's previous gradients are all applied, so
         * that its next step sees them (the worker sends PULL after its sends
         * complete, but a send completes when MPI has the data, which may still
         * be on its way then) */
        for (int w = 0; w < S->W; w++)
            if (S->pending[w] && S->step[w] == S->served[w] && serve_pull(S, w, cfg, t0, ev))
                return mpi_fail(err, "Isend (parameters)");
    }
    if (wait_all(S->req, S->W * L->T, cfg))
        return mpi_fail(err, "Waitall");
    return HW_OK;
}

static int run_server(hw_nn *nn, const layout *L, int W, const hw_ps_cfg *cfg, double *applied, ev_log *ev,
                      hw_err *err)
{
    server S = {.L = L, .W = W, .applied = applied};
    size_t nr = (size_t)W * (L->T + 1);
    double *tmp = hw_calloc(L->maxn + 1, sizeof *tmp, err);
    S.w = tmp ? hw_calloc(L->total + 1, sizeof *S.w, err) : NULL;
    S.g = S.w ? hw_calloc((size_t)W * L->total + 1, sizeof *S.g, err) : NULL;
    S.snap = S.g ? hw_calloc((size_t)W * L->total + 1, sizeof *S.snap, err) : NULL;
    S.req = S.snap ? hw_calloc((size_t)W * L->T + 1, sizeof *S.req, err) : NULL;
    S.rq = S.req ? hw_calloc(nr, sizeof *S.rq, err) : NULL;
    S.idx = S.rq ? hw_calloc(nr, sizeof *S.idx, err) : NULL;
    S.ctrl = S.idx ? hw_calloc((size_t)W, sizeof *S.ctrl, err) : NULL;
    S.got = S.ctrl ? hw_calloc((size_t)W, sizeof *S.got, err) : NULL;
    S.step = S.got ? hw_calloc((size_t)W, sizeof *S.step, err) : NULL;
    S.pending = S.step ? hw_calloc((size_t)W, sizeof *S.pending, err) : NULL;
    S.served = S.pending ? hw_calloc((size_t)W, sizeof *S.served, err) : NULL;
    int rc = S.served ? HW_OK : HW_ENOMEM;
    if (rc == HW_OK) {
        for (size_t i = 0; i < (size_t)W * L->T; i++)
            S.req[i] = MPI_REQUEST_NULL;
        for (size_t i = 0; i < nr; i++)
            S.rq[i] = MPI_REQUEST_NULL;
        params_to_f32(nn, L, S.w, tmp);
        rc = server_loop(&S, cfg, ev, err);
    }
    free(tmp), free(S.w), free(S.g), free(S.snap), free(S.req), free(S.rq), free(S.idx), free(S.ctrl);
    free(S.got), free(S.step), free(S.pending), free(S.served);
    return rc;
}

/* ---- worker ---------------------------------------------------------------- */

typedef struct worker {
    hw_nn *nn;
    const hw_sgd_trace *m;
    const layout *L;
    const hw_ps_cfg *cfg;
    int me, k;             /* worker index (rank − 1), current step */
    float *recv, *grad;    /* parameters received, gradients sent */
    double *tmp;
    MPI_Request *rreq, *sreq;
    double *t_pull, *t_push; /* per tensor: pull posted / push posted */
    int *by_fwd, *by_grad, *fwd_at, *grad_at;
    int *ready, pnext;     /* gradient final (this step); next position in the push order */
    int *idx;              /* T: MPI_Testsome's completed indices */
    double *op_us;         /* this step's op durations */
    ev_log *ev;
    int fail;
} worker;

/* Tests every pending request: records observed pull arrivals and push
 * completions. One MPI_Testsome per direction (one progress-engine pass each):
 * an MPI_Test per tensor would poll the TCP transport 2·T times after every op
 * (~80,000 polls a step for an NB201 network, a third of its compute time).
 * Returns how many requests completed. */
static int progress(worker *w)
{
    double now = -1;
    int done = 0;
    for (int dir = 0; dir < 2 && !w->fail; dir++) {
        int n = 0;
        if (MPI_Testsome(w->L->T, dir ? w->sreq : w->rreq, &n, w->idx, MPI_STATUSES_IGNORE) != MPI_SUCCESS) {
            w->fail = 1;
            break;
        }
        for (int i = 0; n != MPI_UNDEFINED && i < n; i++, done++) {
            int t = w->idx[i];
            if (now < 0)
                now = hw_sgd_now_us();
            ev_add(w->ev, w->me + 1, dir ? 2 : 1, w->k, -1, t, dir ? w->t_push[t] : w->t_pull[t], now);
        }
    }
    return done;
}

/* Waits for one request, testing all (so arrivals are recorded) and idle between tests. */
static void wait_for(worker *w, MPI_Request *r)
{
    int nap = w->cfg->poll_us;
    while (!w->fail && *r != MPI_REQUEST_NULL) {
        if (progress(w))
            nap = w->cfg->poll_us;
        if (*r != MPI_REQUEST_NULL)
            idle(&nap, w->cfg);
    }
}

static void before_op(void *ctx, int op)
{
    worker *w = ctx;
    for (int i = w->fwd_at[op]; i < w->fwd_at[op + 1]; i++) {
        int t = w->by_fwd[i];
        wait_for(w, &w->rreq[t]);
        const float *v = w->recv + w->L->off[t];
        for (size_t j = 0; j < tn(w->L, t); j++)
            w->tmp[j] = v[j];
        hw_nn_param_set(w->nn, t, w->tmp);
    }
}

static void after_op(void *ctx, int op, double t0, double t1)
{
    worker *w = ctx;
    w->op_us[op] = t1 - t0;
    ev_add(w->ev, w->me + 1, 0, w->k, op, -1, t0, t1);
    for (int i = w->grad_at[op]; i < w->grad_at[op + 1]; i++)
        w->ready[w->by_grad[i]] = 1;
    /* strict push order: the next tensor in the order waits for its gradient */
    for (; w->pnext < w->L->T && w->ready[w->L->porder[w->pnext]]; w->pnext++) {
        int t = w->L->porder[w->pnext];
        float *g = w->grad + w->L->off[t];
        hw_nn_param_get(w->nn, t, 1, w->tmp);
        for (size_t j = 0; j < tn(w->L, t); j++)
            g[j] = (float)w->tmp[j];
        w->t_push[t] = hw_sgd_now_us();
        if (MPI_Isend(g, (int)tn(w->L, t), MPI_FLOAT, 0, TAG_GRAD + t, MPI_COMM_WORLD, &w->sreq[t]) != MPI_SUCCESS)
            w->fail = 1;
    }
    progress(w);
}

/* CSR lists of tensors by op (key = fwd_op or grad_op), each list in policy order. */
static void by_op(const worker *w, int grad, int *at, int *list)
{
    int n = w->m->n_ops;
    memset(at, 0, (size_t)(n + 1) * sizeof *at);
    for (int t = 0; t < w->L->T; t++)
        at[(grad ? w->m->tensors[t].grad_op : w->m->tensors[t].fwd_op) + 1]++;
    for (int i = 0; i < n; i++)
        at[i + 1] += at[i];
    int *fill = calloc((size_t)n, sizeof *fill);
    for (int k = 0; k < w->L->T && fill; k++) {
        int t = w->L->order[k], op = grad ? w->m->tensors[t].grad_op : w->m->tensors[t].fwd_op;
        list[at[op] + fill[op]++] = t;
    }
    free(fill);
}

/* Step k of worker w: pull, forward, loss, backward with pushes, wait for the pushes. */
static double worker_step(worker *w, const hw_ps_data *d, int W, double *t_start, double *t_end)
{
    const layout *L = w->L;
    int B = hw_nn_batch(w->nn), nb = (int)(((long)w->k * W + w->me) % d->n_batches);
    *t_start = hw_sgd_now_us();
    int pull = CTRL_PULL;
    if (MPI_Send(&pull, 1, MPI_INT, 0, TAG_CTRL, MPI_COMM_WORLD) != MPI_SUCCESS)
        w->fail = 1;
    for (int t = 0; t < L->T && !w->fail; t++) {
        w->t_pull[t] = hw_sgd_now_us();
        if (MPI_Irecv(w->recv + L->off[t], (int)tn(L, t), MPI_FLOAT, 0, TAG_PARAM + t, MPI_COMM_WORLD,
                      &w->rreq[t]) != MPI_SUCCESS)
            w->fail = 1;
    }
    if (w->fail)
        return 0;
    memset(w->ready, 0, (size_t)L->T * sizeof *w->ready);
    w->pnext = 0;
    hw_sgd_hooks h = {before_op, after_op, w};
    double loss = hw_sgd_step_run(w->nn, d->x + (size_t)nb * B * d->img_len, d->y + (size_t)nb * B, &h);
    for (int t = 0; t < L->T; t++)
        wait_for(w, &w->sreq[t]);
    *t_end = hw_sgd_now_us();
    return loss;
}

static int run_worker(hw_nn *nn, const hw_sgd_trace *m, const layout *L, int me, int W, const hw_ps_cfg *cfg,
                      const hw_ps_data *d, double *mine /* 3 × steps */, double *op_us, ev_log *ev, hw_err *err)
{
    int T = L->T, n = m->n_ops;
    worker w = {.nn = nn, .m = m, .L = L, .cfg = cfg, .me = me, .ev = ev};
    w.recv = hw_calloc(L->total + 1, sizeof *w.recv, err);
    w.grad = w.recv ? hw_calloc(L->total + 1, sizeof *w.grad, err) : NULL;
    w.tmp = w.grad ? hw_calloc(L->maxn + 1, sizeof *w.tmp, err) : NULL;
    w.rreq = w.tmp ? hw_calloc((size_t)T + 1, sizeof *w.rreq, err) : NULL;
    w.sreq = w.rreq ? hw_calloc((size_t)T + 1, sizeof *w.sreq, err) : NULL;
    w.t_pull = w.sreq ? hw_calloc((size_t)T + 1, sizeof *w.t_pull, err) : NULL;
    w.t_push = w.t_pull ? hw_calloc((size_t)T + 1, sizeof *w.t_push, err) : NULL;
    w.by_fwd = w.t_push ? hw_calloc((size_t)T + 1, sizeof *w.by_fwd, err) : NULL;
    w.by_grad = w.by_fwd ? hw_calloc((size_t)T + 1, sizeof *w.by_grad, err) : NULL;
    w.fwd_at = w.by_grad ? hw_calloc((size_t)n + 1, sizeof *w.fwd_at, err) : NULL;
    w.grad_at = w.fwd_at ? hw_calloc((size_t)n + 1, sizeof *w.grad_at, err) : NULL;
    w.ready = w.grad_at ? hw_calloc((size_t)T + 1, sizeof *w.ready, err) : NULL;
    w.op_us = w.ready ? hw_calloc((size_t)n, sizeof *w.op_us, err) : NULL;
    w.idx = w.op_us ? hw_calloc((size_t)T + 1, sizeof *w.idx, err) : NULL;
    int rc = w.idx ? HW_OK : HW_ENOMEM;
    if (rc == HW_OK) {
        for (int t = 0; t < T; t++)
            w.rreq[t] = w.sreq[t] = MPI_REQUEST_NULL;
        by_op(&w, 0, w.fwd_at, w.by_fwd);
        by_op(&w, 1, w.grad_at, w.by_grad);
        for (w.k = 0; w.k < cfg->steps && !w.fail; w.k++) {
            int k = w.k;
            mine[k] = worker_step(&w, d, W, &mine[cfg->steps + k], &mine[2 * cfg->steps + k]);
            if (op_us)
                memcpy(op_us + (size_t)k * n, w.op_us, (size_t)n * sizeof *op_us);
        }
        int fin = CTRL_DONE;
        if (w.fail || MPI_Send(&fin, 1, MPI_INT, 0, TAG_CTRL, MPI_COMM_WORLD) != MPI_SUCCESS)
            rc = mpi_fail(err, "communication with the server");
    }
    free(w.recv), free(w.grad), free(w.tmp), free(w.rreq), free(w.sreq), free(w.t_pull), free(w.t_push);
    free(w.by_fwd), free(w.by_grad), free(w.fwd_at), free(w.grad_at), free(w.ready), free(w.op_us), free(w.idx);
    return rc;
}

/* ---- both ------------------------------------------------------------------ */

/* CPU time of this process (all its threads, user + system), µs. */
static double cpu_us(void)
{
    struct timespec ts;
    return clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) ? 0 : ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Gathers the workers' (loss, start, end) and events, worker 1's op times, the
 * server's completion times, into res on rank 0. */
static int gather(int rank, int W, const hw_ps_cfg *cfg, int n_ops, const double *mine, double *op_us,
                  double *applied, ev_log *ev, hw_ps_result *res, hw_err *err)
{
    int S = cfg->steps;
    double *all = NULL;
    int *cnt = NULL, *disp = NULL;
    if (rank == 0) {
        all = hw_calloc((size_t)(W + 1) * 3 * S, sizeof *all, err);
        cnt = all ? hw_calloc((size_t)W + 1, sizeof *cnt, err) : NULL;
        disp = cnt ? hw_calloc((size_t)W + 1, sizeof *disp, err) : NULL;
    }
    int ok = rank != 0 || disp, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        free(all), free(cnt), free(disp);
        return rank == 0 ? HW_ENOMEM : hw_errf(err, HW_ENOMEM, "sgd-train: out of memory on rank 0");
    }
    int rc = MPI_Gather(mine, 3 * S, MPI_DOUBLE, all, 3 * S, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rc == MPI_SUCCESS && rank == 1)
        rc = MPI_Send(op_us, S * n_ops, MPI_DOUBLE, 0, 3, MPI_COMM_WORLD);
    if (rc == MPI_SUCCESS && rank == 0)
        rc = MPI_Recv(res->op_us, S * n_ops, MPI_DOUBLE, 1, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int bytes = ev->on ? (int)(ev->n * sizeof(hw_sgd_event)) : 0;
    if (rc == MPI_SUCCESS)
        rc = MPI_Gather(&bytes, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    char *evbuf = NULL;
    if (rc == MPI_SUCCESS && rank == 0) {
        long total = 0;
        for (int r = 0; r <= W; r++)
            disp[r] = (int)total, total += cnt[r];
        evbuf = malloc((size_t)total + 1);
        res->n_ev = (size_t)total / sizeof(hw_sgd_event);
    }
    if (rc == MPI_SUCCESS)
        rc = MPI_Gatherv(ev->ev, bytes, MPI_BYTE, evbuf, cnt, disp, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
        free(all), free(cnt), free(disp), free(evbuf);
        return mpi_fail(err, "gather of the results");
    }
    if (rank == 0) {
        for (int w = 0; w < W; w++)
            for (int k = 0; k < S; k++) {
                const double *a = all + (size_t)(w + 1) * 3 * S;
                res->loss[(size_t)w * S + k] = a[k];
                res->t_start[(size_t)w * S + k] = a[S + k];
                res->t_end[(size_t)w * S + k] = a[2 * S + k];
            }
        memcpy(res->t_applied, applied, (size_t)W * S * sizeof *applied);
        res->ev = (hw_sgd_event *)evbuf;
        if (!evbuf)
            res->n_ev = 0;
    }
    free(all), free(cnt), free(disp);
    return HW_OK;
}

void hw_ps_result_free(hw_ps_result *r)
{
    free(r->loss), free(r->t_start), free(r->t_end), free(r->t_applied), free(r->op_us), free(r->cpu_frac);
    free(r->ev);
    memset(r, 0, sizeof *r);
}

static int alloc_result(hw_ps_result *r, int W, int S, int n_ops, hw_err *err)
{
    size_t n = (size_t)W * S;
    r->workers = W, r->steps = S, r->n_ops = n_ops;
    r->loss = hw_calloc(n, sizeof *r->loss, err);
    r->t_start = r->loss ? hw_calloc(n, sizeof *r->t_start, err) : NULL;
    r->t_end = r->t_start ? hw_calloc(n, sizeof *r->t_end, err) : NULL;
    r->t_applied = r->t_end ? hw_calloc(n, sizeof *r->t_applied, err) : NULL;
    r->op_us = r->t_applied ? hw_calloc((size_t)S * n_ops, sizeof *r->op_us, err) : NULL;
    r->cpu_frac = r->op_us ? hw_calloc((size_t)W + 1, sizeof *r->cpu_frac, err) : NULL;
    return r->cpu_frac ? HW_OK : HW_ENOMEM;
}

int hw_ps_run(hw_nn *nn, const hw_sgd_trace *model, const hw_ps_cfg *cfg, const hw_ps_data *data,
              hw_ps_result *res, hw_err *err)
{
    int rank, size;
    memset(res, 0, sizeof *res);
    if (MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS || MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS)
        return mpi_fail(err, "Comm_rank");
    int W = size - 1, S = cfg->steps, n = model->n_ops;
    layout L = {0};
    ev_log ev = {.on = cfg->record};
    double *mine = hw_calloc((size_t)3 * S, sizeof *mine, err);
    double *op_us = mine && rank == 1 ? hw_calloc((size_t)S * n, sizeof *op_us, err) : NULL;
    double *applied = mine && rank == 0 ? hw_calloc((size_t)W * S + 1, sizeof *applied, err) : NULL;
    int rc = mine && (rank != 1 || op_us) && (rank != 0 || applied) ? layout_make(model, cfg, &L, err) : HW_ENOMEM;
    if (rc == HW_OK && rank == 0)
        rc = alloc_result(res, W, S, n, err);
    int ok = rc == HW_OK, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (all_ok) {
        MPI_Barrier(MPI_COMM_WORLD);
        double wall0 = hw_sgd_now_us(), cpu0 = cpu_us();
        if (rank == 0)
            rc = run_server(nn, &L, W, cfg, applied, &ev, err);
        else
            rc = run_worker(nn, model, &L, rank - 1, W, cfg, data, mine, op_us, &ev, err);
        double frac = (cpu_us() - cpu0) / (hw_sgd_now_us() - wall0);
        if (rc == HW_OK && MPI_Gather(&frac, 1, MPI_DOUBLE, res->cpu_frac, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD) !=
                               MPI_SUCCESS)
            rc = mpi_fail(err, "gather of the CPU times");
        /* a failed rank has left its loop: the caller must MPI_Abort, the others would wait forever */
        if (rc == HW_OK)
            rc = gather(rank, W, cfg, n, mine, op_us, applied, &ev, res, err);
    } else if (rc == HW_OK) {
        rc = hw_errf(err, HW_ENOMEM, "sgd-train: out of memory on another rank");
    }
    free(mine), free(op_us), free(applied), free(ev.ev);
    layout_free(&L);
    if (rc != HW_OK)
        hw_ps_result_free(res);
    return rc;
}
