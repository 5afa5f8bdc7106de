/* Discrete-event simulator of asynchronous parameter-server SGD (the model is
 * stated in hwnas/sgd_sim.h). The state advances from one event time to the
 * next; at each time, settle() applies everything that ends then and starts
 * everything that can start, until nothing changes. */
#include "hwnas/sgd_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/rng.h"

enum { PULL = 0, PUSH = 1 };

typedef struct {
    int active, tensor;
    double rem, rate, t0;
} flow;

typedef struct {           /* delivered messages, FIFO (latency is the same for all) */
    double *t;
    int *tensor;
    int head, n, cap;
} fifo;

typedef struct {
    int steps_done;
    int started;            /* 0 until its start time (stagger) */
    int running;            /* op index, or -1 */
    double run_t0, run_end, run_rem; /* start, end at the current speed, work left (µs at full speed) */
    int *wait;              /* per op: unfinished deps + tensors still to arrive */
    int *heap, n_heap;      /* ready ops, min-heap */
    int ops_done, applied;
    char *grad_ready;       /* per tensor */
    int next[2];            /* next message (index into the order) per direction */
    double burst_t0[2];     /* when this step's first message of each direction started */
    double weight[2];       /* share = NOISY: this step's transfer weight per direction */
    flow fl[2];
    fifo dl[2];             /* deliveries: pulls to the worker, pushes to the server */
    double *ends;           /* end of each step, warmup + steps of them */
} worker;

typedef struct {
    const hw_sgd_trace *t;
    const hw_sgd_sim_cfg *c;
    int W, total, n_ops, T;
    int *order[2];
    int *succ0, *succ;      /* CSR: ops depending on op i */
    int *grad0, *grads;     /* CSR: tensors whose grad_op is op i */
    int *n_wait;            /* deps + gating tensors per op */
    worker *w;
    /* server */
    int *q_w, *q_k, q_head, q_n, q_cap;
    int busy_w, busy_k;
    double busy_t0, busy_end, busy_rem;
    double speed;           /* of ops and applies (CPU sharing; 1 without) */
    double op_time, op_work, snap_op_time, snap_op_work; /* running-op time and work done at `speed` */
    double now, carried[2], busy_time;
    double snap_carried[2], snap_busy, t_a;
    int warm_left;          /* workers still in warmup */
    int unfinished;         /* workers with fewer than total steps done */
    hw_sgd_event *ev;
    size_t n_ev, cap_ev;
    hw_rng noise;           /* share = NOISY: the weights' stream */
    char *capped;           /* share = NOISY: per worker, scratch of the water-filling */
    hw_err *err;
    int rc;
} sim;

/* ---- small containers ---- */

static void heap_push(worker *w, int op)
{
    int i = w->n_heap++;
    while (i > 0 && w->heap[(i - 1) / 2] > op) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i] = op;
}

static int heap_pop(worker *w)
{
    int top = w->heap[0], last = w->heap[--w->n_heap], i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= w->n_heap)
            break;
        if (c + 1 < w->n_heap && w->heap[c + 1] < w->heap[c])
            c++;
        if (w->heap[c] >= last)
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (w->n_heap)
        w->heap[i] = last;
    return top;
}

static void fifo_put(fifo *f, double t, int k)
{
    int i = (f->head + f->n++) % f->cap;
    f->t[i] = t;
    f->tensor[i] = k;
}

static void record(sim *s, int pid, int tid, int step, int op, int k, double t0, double t1)
{
    if (!s->c->record || s->rc)
        return;
    if (s->n_ev == s->cap_ev) {
        size_t cap = s->cap_ev ? 2 * s->cap_ev : 4096;
        hw_sgd_event *e = realloc(s->ev, cap * sizeof *e);
        if (!e) {
            s->rc = hw_errf(s->err, HW_ENOMEM, "out of memory recording the simulated trace");
            return;
        }
        s->ev = e;
        s->cap_ev = cap;
    }
    hw_sgd_event *e = &s->ev[s->n_ev++];
    memset(e, 0, sizeof *e); /* padding too: recorded events compare byte for byte */
    e->pid = pid, e->tid = tid, e->step = step, e->op = op, e->tensor = k, e->ts_us = t0, e->dur_us = t1 - t0;
}

/* ---- worker state ---- */

static void start_step(sim *s, int i)
{
    worker *w = &s->w[i];
    memcpy(w->wait, s->n_wait, (size_t)s->n_ops * sizeof *w->wait);
    w->n_heap = 0;
    for (int j = 0; j < s->n_ops; j++)
        if (!w->wait[j])
            heap_push(w, j);
    memset(w->grad_ready, 0, (size_t)(s->T ? s->T : 1));
    w->ops_done = w->applied = 0;
    w->next[PULL] = w->next[PUSH] = 0;
}

static void op_finished(sim *s, worker *w, int op)
{
    w->ops_done++;
    for (int k = s->succ0[op]; k < s->succ0[op + 1]; k++)
        if (!--w->wait[s->succ[k]])
            heap_push(w, s->succ[k]);
    for (int k = s->grad0[op]; k < s->grad0[op + 1]; k++)
        w->grad_ready[s->grads[k]] = 1;
}

static void step_finished(sim *s, int i)
{
    worker *w = &s->w[i];
    if (w->steps_done < s->total) {
        w->ends[w->steps_done] = s->now;
        if (w->steps_done + 1 == s->c->warmup && !--s->warm_left) {
            s->t_a = s->now;
            s->snap_carried[0] = s->carried[0];
            s->snap_carried[1] = s->carried[1];
            s->snap_busy = s->busy_time;
            s->snap_op_time = s->op_time;
            s->snap_op_work = s->op_work;
        }
        if (w->steps_done + 1 == s->total)
            s->unfinished--;
    }
    w->steps_done++;
    start_step(s, i);
}

static double start_of(const sim *s, int i)
{
    return s->c->start_us ? s->c->start_us[i] : i * s->c->stagger_us;
}

/* Everything that happens at s->now for worker i; returns 1 if anything changed. */
static int settle_worker(sim *s, int i)
{
    worker *w = &s->w[i];
    const hw_sgd_trace *t = s->t;
    int changed = 0;
    if (!w->started) {
        if (start_of(s, i) > s->now)
            return 0;
        w->started = 1;
        start_step(s, i);
        changed = 1;
    }
    fifo *f = &w->dl[PULL];
    for (; f->n && f->t[f->head] <= s->now; f->head = (f->head + 1) % f->cap, f->n--, changed = 1) {
        int op = t->tensors[f->tensor[f->head]].fwd_op;
        if (!--w->wait[op])
            heap_push(w, op);
    }
    f = &w->dl[PUSH];
    for (; f->n && f->t[f->head] <= s->now; f->head = (f->head + 1) % f->cap, f->n--, changed = 1) {
        int q = (s->q_head + s->q_n++) % s->q_cap;
        s->q_w[q] = i;
        s->q_k[q] = f->tensor[f->head];
    }
    if (w->running >= 0 && w->run_end <= s->now) {
        record(s, i + 1, 0, w->steps_done, w->running, -1, w->run_t0, w->run_end);
        op_finished(s, w, w->running);
        w->running = -1;
        changed = 1;
    }
    if (w->running < 0 && w->n_heap) {
        w->running = heap_pop(w);
        w->run_t0 = s->now;
        w->run_rem = t->ops[w->running].dur_us;
        w->run_end = s->now + w->run_rem; /* at full speed; set_rates rescales it under CPU sharing */
        changed = 1;
    }
    for (int d = PULL; d <= PUSH; d++) {
        flow *fl = &w->fl[d];
        if (fl->active || w->next[d] >= s->T)
            continue;
        int k = s->order[d][w->next[d]];
        if (d == PUSH && !w->grad_ready[k])
            continue;
        if (!w->next[d]++) {
            w->burst_t0[d] = s->now;
            w->weight[d] = s->c->share == HW_SGD_SHARE_NOISY ? exp(s->c->share_sigma[d] * hw_rng_normal(&s->noise)) : 1;
        }
        *fl = (flow){1, k, (double)t->tensors[k].bytes, 0, s->now};
        changed = 1;
    }
    if (w->ops_done == s->n_ops && w->applied == s->T) {
        step_finished(s, i);
        changed = 1;
    }
    return changed;
}

static int settle_server(sim *s)
{
    int changed = 0;
    if (s->busy_w >= 0 && s->busy_end <= s->now) {
        record(s, 0, 0, s->w[s->busy_w].steps_done, -1, s->busy_k, s->busy_t0, s->busy_end);
        s->w[s->busy_w].applied++;
        s->busy_w = -1;
        changed = 1;
    }
    if (s->busy_w < 0 && s->q_n) {
        s->busy_w = s->q_w[s->q_head];
        s->busy_k = s->q_k[s->q_head];
        s->q_head = (s->q_head + 1) % s->q_cap;
        s->q_n--;
        s->busy_t0 = s->now;
        s->busy_rem = s->t->msg_overhead_us + (double)s->t->tensors[s->busy_k].bytes * s->t->apply_us_per_byte;
        s->busy_end = s->now + s->busy_rem;
        changed = 1;
    }
    return changed;
}

static void settle(sim *s)
{
    for (int changed = 1; changed && !s->rc && s->unfinished;) {
        changed = 0;
        for (int i = 0; i < s->W; i++)
            changed |= settle_worker(s, i);
        changed |= settle_server(s);
    }
}

/* share = NOISY: the flows of direction d share bw_server by weight, each
 * capped at bw_worker. Each pass caps at least one flow or ends, so at most
 * n + 1 passes. Returns the sum of the rates. */
static double share_weighted(sim *s, int d)
{
    const double cap = s->c->net.bw_worker;
    double left = s->c->net.bw_server, wsum = 0;
    memset(s->capped, 0, (size_t)s->W);
    for (int more = 1; more;) {
        more = 0, wsum = 0;
        for (int i = 0; i < s->W; i++)
            if (s->w[i].fl[d].active && !s->capped[i])
                wsum += s->w[i].weight[d];
        for (int i = 0; i < s->W; i++) {
            worker *w = &s->w[i];
            if (w->fl[d].active && !s->capped[i] && left * w->weight[d] / wsum > cap) {
                s->capped[i] = 1, more = 1;
                w->fl[d].rate = cap;
                left -= cap;
            }
        }
    }
    double net = 0;
    for (int i = 0; i < s->W; i++) {
        worker *w = &s->w[i];
        if (!w->fl[d].active)
            continue;
        if (!s->capped[i])
            w->fl[d].rate = fmax(0, left) * w->weight[d] / wsum;
        net += w->fl[d].rate;
    }
    return net;
}

/* Max-min fair share of the server link: every flow of a direction gets
 * min(bw_worker, bw_server / n); FCFS and NOISY as in hwnas/sgd_sim.h. With
 * CPU sharing, then the speed of ops and applies (hwnas/sgd_sim.h) and their
 * end times at that speed. */
static void set_rates(sim *s)
{
    double net = 0;
    for (int d = PULL; d <= PUSH; d++) {
        int n = 0;
        for (int i = 0; i < s->W; i++)
            n += s->w[i].fl[d].active;
        if (s->c->share == HW_SGD_SHARE_FCFS) {
            /* strict priority by (start of the step's transfer, worker id): each
             * earlier flow takes min(bw_worker, what is left), so the flow with r
             * earlier ones gets min(bw_worker, bw_server - r * bw_worker), >= 0 */
            const double bw = s->c->net.bw_worker;
            for (int i = 0; i < s->W; i++) {
                worker *w = &s->w[i];
                if (!w->fl[d].active)
                    continue;
                int r = 0;
                for (int j = 0; j < s->W; j++)
                    r += s->w[j].fl[d].active && (s->w[j].burst_t0[d] < w->burst_t0[d] ||
                                                  (s->w[j].burst_t0[d] == w->burst_t0[d] && j < i));
                w->fl[d].rate = fmin(bw, fmax(0, s->c->net.bw_server - r * bw));
                net += w->fl[d].rate;
            }
            continue;
        }
        if (s->c->share == HW_SGD_SHARE_NOISY) {
            net += share_weighted(s, d);
            continue;
        }
        double r = fmin(s->c->net.bw_worker, s->c->net.bw_server / (n ? n : 1));
        for (int i = 0; i < s->W; i++)
            s->w[i].fl[d].rate = r;
        net += n * r;
    }
    if (s->c->cores < 1)
        return;
    double demand = net * s->c->net_cpu_us_per_byte + (s->busy_w >= 0);
    for (int i = 0; i < s->W; i++)
        demand += s->w[i].running >= 0;
    s->speed = demand > s->c->cores ? s->c->cores / demand : 1;
    for (int i = 0; i < s->W; i++)
        if (s->w[i].running >= 0)
            s->w[i].run_end = s->now + s->w[i].run_rem / s->speed;
    if (s->busy_w >= 0)
        s->busy_end = s->now + s->busy_rem / s->speed;
}

static double next_time(const sim *s)
{
    double t = INFINITY;
    for (int i = 0; i < s->W; i++) {
        const worker *w = &s->w[i];
        if (!w->started)
            t = fmin(t, start_of(s, i));
        if (w->running >= 0)
            t = fmin(t, w->run_end);
        for (int d = PULL; d <= PUSH; d++) {
            if (w->fl[d].active && (w->fl[d].rate > 0 || w->fl[d].rem <= 0))
                t = fmin(t, w->fl[d].rem <= 0 ? s->now : s->now + w->fl[d].rem / w->fl[d].rate);
            if (w->dl[d].n)
                t = fmin(t, w->dl[d].t[w->dl[d].head]);
        }
    }
    if (s->busy_w >= 0)
        t = fmin(t, s->busy_end);
    return t;
}

/* Drains every flow up to time t1; flows whose bytes are out are delivered after the latency. */
static void advance(sim *s, double t1)
{
    double dt = t1 - s->now, lat = s->c->net.lat_server_us + s->c->net.lat_worker_us;
    for (int i = 0; i < s->W; i++) {
        worker *w = &s->w[i];
        for (int d = PULL; d <= PUSH; d++) {
            flow *fl = &w->fl[d];
            if (!fl->active)
                continue;
            double bytes = (double)s->t->tensors[fl->tensor].bytes;
            int done = fl->rem <= 0 || (fl->rate > 0 && s->now + fl->rem / fl->rate <= t1);
            double moved = done ? fl->rem : fl->rate * dt;
            s->carried[d] += moved;
            fl->rem -= moved;
            if (done || fl->rem <= 1e-12 * (bytes > 1 ? bytes : 1)) {
                fl->active = 0;
                fifo_put(&w->dl[d], t1 + lat, fl->tensor);
                record(s, i + 1, d == PULL ? 1 : 2, w->steps_done, -1, fl->tensor, fl->t0, t1 + lat);
            }
        }
    }
    for (int i = 0; i < s->W; i++) {
        worker *w = &s->w[i];
        if (w->running < 0)
            continue;
        s->op_time += dt;
        s->op_work += s->speed * dt;
        w->run_rem = w->run_end <= t1 ? 0 : w->run_rem - s->speed * dt;
    }
    if (s->busy_w >= 0) {
        s->busy_time += fmin(t1, s->busy_end) - fmax(s->now, s->busy_t0);
        s->busy_rem = s->busy_end <= t1 ? 0 : s->busy_rem - s->speed * dt;
    }
    s->now = t1;
}

/* ---- setup ---- */

static int check_cfg(const hw_sgd_sim_cfg *c, hw_err *err)
{
    const hw_sgd_net *n = &c->net;
    if (c->workers < 1 || c->workers > 100000)
        return hw_errf(err, HW_EINPUT, "workers: %d is not in [1, 100000]; give a worker count", c->workers);
    if (c->steps < 1 || c->warmup < 0 || c->steps > 1000000 || c->warmup > 1000000)
        return hw_errf(err, HW_EINPUT, "steps: %d measured after %d warmup steps; give steps >= 1, warmup >= 0",
                       c->steps, c->warmup);
    if (!(isfinite(n->bw_server) && n->bw_server > 0) || !(isfinite(n->bw_worker) && n->bw_worker > 0))
        return hw_errf(err, HW_EINPUT, "bandwidth: server %g, worker %g bytes/us; both must be finite and > 0",
                       n->bw_server, n->bw_worker);
    if (!(isfinite(c->stagger_us) && c->stagger_us >= 0))
        return hw_errf(err, HW_EINPUT, "stagger: %g us is not finite and >= 0", c->stagger_us);
    for (int i = 0; c->start_us && i < c->workers; i++)
        if (!(isfinite(c->start_us[i]) && c->start_us[i] >= 0))
            return hw_errf(err, HW_EINPUT, "start: worker %d at %g us is not finite and >= 0", i, c->start_us[i]);
    if (!(isfinite(n->lat_server_us) && n->lat_server_us >= 0) || !(isfinite(n->lat_worker_us) && n->lat_worker_us >= 0))
        return hw_errf(err, HW_EINPUT, "latency: server %g, worker %g us; both must be finite and >= 0",
                       n->lat_server_us, n->lat_worker_us);
    if ((unsigned)c->share > HW_SGD_SHARE_NOISY)
        return hw_errf(err, HW_EINPUT, "share: unknown sharing model; use fair, fcfs or noisy");
    for (int d = 0; d < 2; d++)
        if (!(c->share_sigma[d] >= 0 && c->share_sigma[d] <= 5))
            return hw_errf(err, HW_EINPUT, "share_sigma: %g (%s) is not in [0, 5]", c->share_sigma[d],
                           d ? "push" : "pull");
    if (c->cores < 0 || c->cores > 1000000)
        return hw_errf(err, HW_EINPUT, "cores: %d is not in [0, 1000000]; 0 = a node per rank", c->cores);
    if (!(isfinite(c->net_cpu_us_per_byte) && c->net_cpu_us_per_byte >= 0))
        return hw_errf(err, HW_EINPUT, "net_cpu: %g us/byte is not finite and >= 0", c->net_cpu_us_per_byte);
    if ((unsigned)c->pull > HW_SGD_RANDOM || (unsigned)c->push > HW_SGD_RANDOM)
        return hw_errf(err, HW_EINPUT, "policy: unknown; use layer, reverse, largest or random");
    return HW_OK;
}

static int csr(int n, int m, const int *from, const int *to, int **start, int **items, hw_err *err)
{
    if (!(*start = hw_calloc((size_t)n + 1, sizeof **start, err)) || !(*items = hw_calloc((size_t)m, sizeof **items, err)))
        return HW_ENOMEM;
    for (int e = 0; e < m; e++)
        (*start)[from[e] + 1]++;
    for (int i = 0; i < n; i++)
        (*start)[i + 1] += (*start)[i];
    int *fill = hw_calloc((size_t)n + 1, sizeof *fill, err);
    if (!fill)
        return HW_ENOMEM;
    for (int e = 0; e < m; e++)
        (*items)[(*start)[from[e]] + fill[from[e]]++] = to[e];
    free(fill);
    return HW_OK;
}

static int build_graph(sim *s)
{
    const hw_sgd_trace *t = s->t;
    int m = 0, rc;
    for (int j = 0; j < t->n_ops; j++)
        m += t->ops[j].n_deps;
    int *from = hw_calloc((size_t)m + (size_t)t->n_tensors, sizeof *from, s->err);
    int *to = hw_calloc((size_t)m + (size_t)t->n_tensors, sizeof *to, s->err);
    if (!(s->n_wait = hw_calloc((size_t)t->n_ops, sizeof *s->n_wait, s->err)) || !from || !to) {
        free(from);
        free(to);
        return HW_ENOMEM;
    }
    m = 0;
    for (int j = 0; j < t->n_ops; j++)
        for (int k = 0; k < t->ops[j].n_deps; k++, m++) {
            from[m] = t->ops[j].deps[k];
            to[m] = j;
            s->n_wait[j]++;
        }
    rc = csr(t->n_ops, m, from, to, &s->succ0, &s->succ, s->err);
    for (int k = 0; k < t->n_tensors; k++) {
        from[k] = t->tensors[k].grad_op;
        to[k] = k;
        s->n_wait[t->tensors[k].fwd_op]++;
    }
    if (!rc)
        rc = csr(t->n_ops, t->n_tensors, from, to, &s->grad0, &s->grads, s->err);
    free(from);
    free(to);
    return rc;
}

static int alloc_fifo(fifo *f, int cap, hw_err *err)
{
    f->cap = cap;
    f->t = hw_calloc((size_t)cap, sizeof *f->t, err);
    f->tensor = hw_calloc((size_t)cap, sizeof *f->tensor, err);
    return f->t && f->tensor ? HW_OK : HW_ENOMEM;
}

static int setup(sim *s)
{
    int T1 = s->T ? s->T : 1, rc;
    if ((rc = build_graph(s)))
        return rc;
    for (int d = PULL; d <= PUSH; d++) {
        if (!(s->order[d] = hw_calloc((size_t)T1, sizeof *s->order[d], s->err)))
            return HW_ENOMEM;
        hw_sgd_order(s->t, d == PULL ? s->c->pull : s->c->push, s->c->seed, s->order[d]);
    }
    s->q_cap = s->W * T1;
    hw_rng_seed(&s->noise, s->c->noise_seed, HW_SGD_NOISE_STREAM);
    if (!(s->w = hw_calloc((size_t)s->W, sizeof *s->w, s->err)) ||
        !(s->capped = hw_calloc((size_t)s->W, 1, s->err)) ||
        !(s->q_w = hw_calloc((size_t)s->q_cap, sizeof *s->q_w, s->err)) ||
        !(s->q_k = hw_calloc((size_t)s->q_cap, sizeof *s->q_k, s->err)))
        return HW_ENOMEM;
    for (int i = 0; i < s->W; i++) {
        worker *w = &s->w[i];
        w->running = -1;
        if (!(w->wait = hw_calloc((size_t)s->n_ops, sizeof *w->wait, s->err)) ||
            !(w->heap = hw_calloc((size_t)s->n_ops, sizeof *w->heap, s->err)) ||
            !(w->grad_ready = hw_calloc((size_t)T1, 1, s->err)) ||
            !(w->ends = hw_calloc((size_t)s->total, sizeof *w->ends, s->err)) ||
            alloc_fifo(&w->dl[PULL], T1, s->err) || alloc_fifo(&w->dl[PUSH], T1, s->err))
            return HW_ENOMEM;
    }
    return HW_OK;
}

static void teardown(sim *s)
{
    for (int i = 0; s->w && i < s->W; i++) {
        worker *w = &s->w[i];
        free(w->wait);
        free(w->heap);
        free(w->grad_ready);
        free(w->ends);
        for (int d = PULL; d <= PUSH; d++) {
            free(w->dl[d].t);
            free(w->dl[d].tensor);
        }
    }
    free(s->w);
    free(s->capped);
    free(s->q_w);
    free(s->q_k);
    free(s->order[0]);
    free(s->order[1]);
    free(s->succ0);
    free(s->succ);
    free(s->grad0);
    free(s->grads);
    free(s->n_wait);
}

static int summarise(sim *s, hw_sgd_sim_result *r)
{
    const hw_sgd_sim_cfg *c = s->c;
    double sum = 0, mean = 0, worst = 0;
    for (int i = 0; i < s->W; i++) {
        const worker *w = &s->w[i];
        double t0 = c->warmup ? w->ends[c->warmup - 1] : 0, span = w->ends[s->total - 1] - t0;
        if (!(span > 0))
            return hw_errf(s->err, HW_EINPUT, "trace: a training step takes no time (all durations, bytes, "
                           "latencies and costs 0); the throughput would be infinite");
        sum += c->steps / span;
        mean += span / c->steps;
        worst = fmax(worst, span / c->steps);
    }
    double win = s->now - s->t_a;
    r->workers = s->W;
    r->steps_per_s = sum * 1e6;
    r->step_us = mean / s->W;
    r->step_us_max = worst;
    r->util_down = win > 0 ? (s->carried[PULL] - s->snap_carried[PULL]) / (c->net.bw_server * win) : 0;
    r->util_up = win > 0 ? (s->carried[PUSH] - s->snap_carried[PUSH]) / (c->net.bw_server * win) : 0;
    r->server_busy = win > 0 ? (s->busy_time - s->snap_busy) / win : 0;
    r->t_end_us = s->now;
    double ot = s->op_time - s->snap_op_time;
    r->cpu_speed = ot > 0 ? (s->op_work - s->snap_op_work) / ot : 1;
    return HW_OK;
}

int hw_sgd_simulate(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, hw_sgd_sim_result *r, hw_err *err)
{
    memset(r, 0, sizeof *r);
    int rc = check_cfg(c, err);
    if (rc || (rc = hw_sgd_trace_check(t, NULL, err)))
        return rc;
    sim s = {0};
    s.t = t;
    s.c = c;
    s.err = err;
    s.W = c->workers;
    s.total = c->warmup + c->steps;
    s.n_ops = t->n_ops;
    s.T = t->n_tensors;
    s.busy_w = -1;
    s.speed = 1;
    s.warm_left = c->warmup ? s.W : 0;
    s.unfinished = s.W;
    rc = setup(&s);
    while (!rc && !s.rc) {
        settle(&s);
        set_rates(&s);
        if (!s.unfinished || s.rc)
            break;
        double t1 = next_time(&s);
        if (!isfinite(t1)) {
            rc = hw_errf(err, HW_EINPUT, "trace: the simulation is stuck (an op waits for a tensor that never "
                         "comes); check the trace's fwd_op and deps");
            break;
        }
        advance(&s, t1);
    }
    if (!rc)
        rc = s.rc;
    if (!rc)
        rc = summarise(&s, r);
    r->ev = s.ev;
    r->n_ev = s.n_ev;
    teardown(&s);
    if (rc)
        hw_sgd_sim_result_free(r);
    return rc;
}

void hw_sgd_sim_result_free(hw_sgd_sim_result *r)
{
    free(r->ev);
    r->ev = NULL;
    r->n_ev = 0;
}

int hw_sgd_single_step_us(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, double *step_us, hw_err *err)
{
    hw_sgd_sim_cfg one = *c;
    hw_sgd_sim_result r;
    one.workers = 1, one.record = 0, one.stagger_us = 0, one.start_us = NULL;
    int rc = hw_sgd_simulate(t, &one, &r, err);
    if (rc == HW_OK)
        *step_us = r.step_us;
    hw_sgd_sim_result_free(&r);
    return rc;
}
