/* One arena per network: activations, gradients, parameters, BN state and
 * scratch, placed once at create; hw_nn_create / hw_nn_free. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "net.h"

#define HUGE_PAGE ((size_t)2 << 20)

size_t nn_real_size(const hw_nn *nn)
{
    return nn->cfg.prec == HW_NN_F64 ? sizeof(double) : sizeof(float);
}

size_t nn_numel(const hw_nn *nn, int t)
{
    const nn_tensor *x = &nn->t[t];
    return (size_t)nn->cfg.batch * x->c * x->h * x->w;
}

/* Reserves bytes at *off (64-byte aligned); returns base + start, or NULL when
 * only measuring. */
static void *take(size_t *off, size_t bytes, unsigned char *base)
{
    size_t start = (*off + 63) & ~(size_t)63;
    *off = start + bytes;
    return base ? base + start : NULL;
}

/* Scratch sizes: the largest im2col (or pooling) buffer and the largest one-image
 * gradient of a fused conv + BN pair. */
static void scratch_sizes(hw_nn *nn)
{
    nn->col_n = nn->gs_n = 0;
    for (int i = 0; i < nn->nop; i++) {
        const nn_op *o = &nn->op[i];
        const nn_tensor *x = &nn->t[o->in], *y = &nn->t[o->out];
        if (o->kind == NN_CONV) {
            hw_conv_dims d = hw_conv_make(1, x->c, x->h, x->w, y->c, o->k, o->stride, (o->k - 1) / 2, o->relu);
            size_t n = hw_conv_scratch(&d);
            nn->col_n = n > nn->col_n ? n : nn->col_n;
        } else if (o->kind == NN_POOL3) {
            size_t n = hw_pool3_scratch(x->h, x->w);
            nn->col_n = n > nn->col_n ? n : nn->col_n;
        }
    }
    for (int i = 0; i < nn->nt; i++)
        if (nn->t[i].shared_grad && nn_numel(nn, i) / (size_t)nn->cfg.batch > nn->gs_n)
            nn->gs_n = nn_numel(nn, i) / (size_t)nn->cfg.batch; /* one image */
}

size_t nn_layout(hw_nn *nn, unsigned char *base)
{
    size_t off = 0, rs = nn_real_size(nn);
    for (int i = 0; i < nn->nt; i++) {
        nn_tensor *t = &nn->t[i];
        t->x = take(&off, nn_numel(nn, i) * rs, base);
        t->g = t->live && !t->shared_grad ? take(&off, nn_numel(nn, i) * rs, base) : NULL;
    }
    for (int i = 0; i < nn->np; i++) {
        nn->p[i].w = take(&off, nn->p[i].info.n * rs, base);
        nn->p[i].g = take(&off, nn->p[i].info.n * rs, base);
    }
    for (int i = 0; i < nn->nbn; i++) {
        nn_bn *b = &nn->bn[i];
        b->run_mean = take(&off, (size_t)b->c * rs, base);
        b->run_var = take(&off, (size_t)b->c * rs, base);
        b->mean = take(&off, (size_t)b->c * sizeof(double), base);
        b->invstd = take(&off, (size_t)b->c * sizeof(double), base);
        b->work = take(&off, (size_t)2 * b->c * sizeof(double), base);
    }
    nn->col = take(&off, nn->col_n * rs, base);
    nn->gs = take(&off, nn->gs_n * rs, base);
    for (int i = 0; i < nn->nt; i++)
        if (nn->t[i].shared_grad)
            nn->t[i].g = nn->gs;
    return off;
}

void nn_clear(hw_nn *nn)
{
    size_t rs = nn_real_size(nn);
    for (int i = 0; i < nn->np; i++) {
        memset(nn->p[i].w, 0, nn->p[i].info.n * rs);
        memset(nn->p[i].g, 0, nn->p[i].info.n * rs);
    }
    for (int i = 0; i < nn->nbn; i++) {
        memset(nn->bn[i].run_mean, 0, (size_t)nn->bn[i].c * rs);
        memset(nn->bn[i].run_var, 0, (size_t)nn->bn[i].c * rs);
        memset(nn->bn[i].mean, 0, (size_t)nn->bn[i].c * sizeof(double));
        memset(nn->bn[i].invstd, 0, (size_t)nn->bn[i].c * sizeof(double));
        memset(nn->bn[i].work, 0, (size_t)2 * nn->bn[i].c * sizeof(double));
    }
    for (int i = 0; i < nn->nt; i++)
        if (nn->t[i].zero || i == nn->logits)
            memset(nn->t[i].x, 0, nn_numel(nn, i) * rs);
    memset(nn->t[nn->logits].g, 0, nn_numel(nn, nn->logits) * rs);
}

static int check_cfg(const hw_nb201_net *net, const hw_nn_cfg *cfg, hw_err *err)
{
    int s = net->input_hw;
    if (cfg->batch < 1 || net->cells < 1 || net->classes < 1 || s < 4 || s % 4 != 0)
        return hw_errf(err, HW_EINPUT,
                       "nn: batch %d, cells %d, classes %d, input %d: need batch, cells, classes >= 1 and an "
                       "input side divisible by 4",
                       cfg->batch, net->cells, net->classes, s);
    for (int i = 0; i < 3; i++)
        if (net->width[i] < 1)
            return hw_errf(err, HW_EINPUT, "nn: stage %d width %d: widths must be >= 1", i + 1, net->width[i]);
    return HW_OK;
}

static int alloc_tables(hw_nn *nn, int cap, hw_err *err)
{
    nn->t = hw_calloc((size_t)cap, sizeof *nn->t, err);
    nn->op = nn->t ? hw_calloc((size_t)cap, sizeof *nn->op, err) : NULL;
    nn->p = nn->op ? hw_calloc((size_t)cap, sizeof *nn->p, err) : NULL;
    nn->bn = nn->p ? hw_calloc((size_t)cap, sizeof *nn->bn, err) : NULL;
    nn->layer = nn->bn ? hw_calloc((size_t)cap, sizeof *nn->layer, err) : NULL;
    nn->step = nn->layer ? hw_calloc((size_t)cap, sizeof *nn->step, err) : NULL;
    return nn->step ? HW_OK : HW_ENOMEM;
}

/* The arena is not zeroed: every buffer is written before it is read (see
 * nn_clear). A private arena is plain memory; a workspace's long-lived one is
 * 2 MiB aligned with MADV_HUGEPAGE (fewer TLB misses; the one-time cost of the
 * kernel finding huge pages is paid once per process, not per network). */
static int alloc_arena(hw_nn *nn, hw_nn_ws *ws, hw_err *err)
{
    size_t bytes = (nn->bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = NULL;
    if (ws && ws->cap >= bytes) {
        nn->arena = ws->mem;
        return HW_OK;
    }
    if (posix_memalign(&p, ws ? HUGE_PAGE : 64, bytes) != 0)
        return hw_errf(err, HW_ENOMEM, "nn: out of memory allocating a %zu-byte network arena", bytes);
    nn->arena = p, nn->owns_arena = !ws;
    if (!ws)
        return HW_OK;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    free(ws->mem);
    ws->mem = p, ws->cap = bytes;
    return HW_OK;
}

int hw_nn_create(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_nn_cfg *cfg, hw_nn_ws *ws,
                 hw_nn **out, hw_err *err)
{
    *out = NULL;
    int rc = check_cfg(net, cfg, err);
    if (rc)
        return rc;
    hw_nn *nn = hw_calloc(1, sizeof *nn, err);
    if (!nn)
        return HW_ENOMEM;
    nn->cfg = *cfg;
    if ((rc = alloc_tables(nn, nn_capacity(net), err)) != HW_OK) {
        hw_nn_free(nn);
        return rc;
    }
    nn_build(nn, a, net);
    scratch_sizes(nn);
    nn->bytes = nn_layout(nn, NULL);
    if ((rc = alloc_arena(nn, ws, err)) != HW_OK) {
        hw_nn_free(nn);
        return rc;
    }
    nn_layout(nn, nn->arena);
    nn_clear(nn);
    *out = nn;
    return HW_OK;
}

void hw_nn_free(hw_nn *nn)
{
    if (!nn)
        return;
    if (nn->owns_arena)
        free(nn->arena);
    free(nn->t);
    free(nn->op);
    free(nn->p);
    free(nn->bn);
    free(nn->layer);
    free(nn->step);
    free(nn);
}

void hw_nn_ws_free(hw_nn_ws *ws)
{
    free(ws->mem);
    ws->mem = NULL, ws->cap = 0;
}

size_t hw_nn_arena_bytes(const hw_nn *nn) { return nn->bytes; }
