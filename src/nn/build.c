/* Builds the NB201 network of methods.md §1 as a tape of ops: stem, 3 stages
 * of cells with two ResBlocks between them, lastact, pool, classifier. */
#include <string.h>

#include "net.h"

/* Upper bound on tensors, ops, params, BN layers and layers of one network. */
int nn_capacity(const hw_nb201_net *net)
{
    return 64 * net->cells + 64;
}

static int new_tensor(hw_nn *nn, int c, int h, int w)
{
    nn_tensor *t = &nn->t[nn->nt];
    memset(t, 0, sizeof *t);
    t->c = c, t->h = h, t->w = w;
    return nn->nt++;
}

static int new_param(hw_nn *nn, hw_nn_param_kind kind, int s0, int s1, int k, int fan_in)
{
    nn_param *p = &nn->p[nn->np];
    memset(p, 0, sizeof *p);
    p->info.kind = kind;
    p->info.shape[0] = s0, p->info.shape[1] = s1, p->info.shape[2] = k, p->info.shape[3] = k;
    p->info.n = (size_t)s0 * s1 * k * k;
    p->info.fan_in = fan_in;
    return nn->np++;
}

static nn_op *new_op(hw_nn *nn, nn_kind kind, int in, int out, int acc)
{
    nn_op *o = &nn->op[nn->nop++];
    memset(o, 0, sizeof *o);
    o->kind = kind, o->in = in, o->out = out, o->acc = acc;
    o->p = o->bn = -1;
    o->site = nn->site;
    return o;
}

/* Conv k x k (pad (k-1)/2, no bias) from tensor in to out, and its layer entry. */
static void conv(hw_nn *nn, int in, int out, int k, int stride, int relu, int acc)
{
    const nn_tensor *x = &nn->t[in], *y = &nn->t[out];
    nn_op *o = new_op(nn, NN_CONV, in, out, acc);
    o->relu = relu, o->k = k, o->stride = stride;
    o->p = new_param(nn, HW_NN_CONV_W, y->c, x->c, k, x->c * k * k);
    hw_nn_layer l = {o->p, x->c, x->h, x->w, y->c, y->h, y->w};
    nn->layer[nn->nl++] = l;
}

static void bn(hw_nn *nn, int in, int out, int acc)
{
    nn_op *o = new_op(nn, NN_BN, in, out, acc);
    int c = nn->t[in].c;
    o->p = new_param(nn, HW_NN_BN_GAMMA, c, 1, 1, 0);
    new_param(nn, HW_NN_BN_BETA, c, 1, 1, 0);
    o->bn = nn->nbn;
    memset(&nn->bn[nn->nbn], 0, sizeof nn->bn[0]);
    nn->bn[nn->nbn++].c = c;
}

/* out (=/+=) BN(Conv(ReLU?(in))); without BN layers the conv writes out. */
static void conv_bn(hw_nn *nn, int in, int out, int k, int stride, int relu, int acc)
{
    if (!nn->cfg.bn) {
        conv(nn, in, out, k, stride, relu, acc);
        return;
    }
    const nn_tensor *y = &nn->t[out];
    int t = new_tensor(nn, y->c, y->h, y->w);
    nn->t[t].shared_grad = 1;
    conv(nn, in, t, k, stride, relu, 0);
    bn(nn, t, out, acc);
}

/* One edge op from node tensor in into node tensor out. */
static void edge(hw_nn *nn, int op, int in, int out, int acc)
{
    if (op == HW_OP_SKIP)
        new_op(nn, NN_ADD, in, out, acc);
    else if (op == HW_OP_POOL3)
        new_op(nn, NN_POOL3, in, out, acc);
    else
        conv_bn(nn, in, out, op == HW_OP_CONV3 ? 3 : 1, 1, 1, acc);
}

/* Cell: node j = sum over i < j of op_{i->j}(node i); returns node 3. */
static int cell(hw_nn *nn, const hw_nb201_arch *a, int x)
{
    int node[4] = {x, 0, 0, 0}, e = 0;
    for (int j = 1; j <= 3; j++) {
        node[j] = new_tensor(nn, nn->t[x].c, nn->t[x].h, nn->t[x].w);
        int first = 1;
        for (int i = 0; i < j; i++, e++) {
            if (a->op[e] == HW_OP_NONE)
                continue;
            nn->site.edge = e, nn->site.op = a->op[e];
            edge(nn, a->op[e], node[i], node[j], !first);
            first = 0;
        }
        nn->t[node[j]].zero = first;
    }
    return node[3];
}

/* ResBlock(a -> b, stride 2): conv_b(conv_a(x)) + Conv1x1(AvgPool2x2(x)). */
static int resblock(hw_nn *nn, int x, int b)
{
    int h = nn->t[x].h / 2, w = nn->t[x].w / 2;
    int ta = new_tensor(nn, b, h, w), out = new_tensor(nn, b, h, w), pool = new_tensor(nn, nn->t[x].c, h, w);
    conv_bn(nn, x, ta, 3, 2, 1, 0);
    conv_bn(nn, ta, out, 3, 1, 1, 0);
    new_op(nn, NN_POOL2, x, pool, 0);
    conv(nn, pool, out, 1, 1, 0, 1);
    return out;
}

/* lastact BN -> ReLU -> global average pool -> Linear; returns the logits. */
static int head(hw_nn *nn, int x)
{
    const nn_tensor *t = &nn->t[x];
    int c = t->c, h = t->h, w = t->w, y = x;
    if (nn->cfg.bn) {
        y = new_tensor(nn, c, h, w);
        bn(nn, x, y, 0);
    }
    int r = new_tensor(nn, c, h, w), f = new_tensor(nn, c, 1, 1), z = new_tensor(nn, nn->classes, 1, 1);
    new_op(nn, NN_RELU, y, r, 0);
    new_op(nn, NN_GAP, r, f, 0);
    nn_op *o = new_op(nn, NN_LINEAR, f, z, 0);
    o->p = new_param(nn, HW_NN_LINEAR_W, nn->classes, c, 1, c);
    new_param(nn, HW_NN_LINEAR_B, nn->classes, 1, 1, c);
    hw_nn_layer l = {o->p, c, 1, 1, nn->classes, 1, 1};
    nn->layer[nn->nl++] = l;
    return z;
}

/* Marks the tensors a gradient reaches: back from the logits along the tape. */
static void mark_live(hw_nn *nn)
{
    nn->t[nn->logits].live = 1;
    for (int i = nn->nop - 1; i >= 0; i--)
        if (nn->t[nn->op[i].out].live)
            nn->t[nn->op[i].in].live = 1;
    nn->t[nn->input].live = 0;
}

int nn_fused(const hw_nn *nn, int op)
{
    return nn->op[op].kind == NN_CONV && nn->t[nn->op[op].out].shared_grad;
}

/* The steps: every op, except that a fused conv + BN pair is one. */
static void steps(hw_nn *nn)
{
    nn->nstep = 0;
    for (int i = 0; i < nn->nop; i++) {
        nn->step[nn->nstep++] = i;
        if (nn_fused(nn, i))
            i++;
    }
}

void nn_build(hw_nn *nn, const hw_nb201_arch *a, const hw_nb201_net *net)
{
    int s = net->input_hw;
    nn->classes = net->classes;
    nn->input = new_tensor(nn, 3, s, s);
    int x = new_tensor(nn, net->width[0], s, s);
    hw_nn_site site = {HW_NN_STEM, 0, -1, -1, -1};
    nn->site = site;
    conv_bn(nn, nn->input, x, 3, 1, 0, 0);
    for (int st = 0; st < 3; st++) {
        if (st > 0) {
            hw_nn_site rs = {HW_NN_RESBLOCK, st, -1, -1, -1};
            nn->site = rs;
            x = resblock(nn, x, net->width[st]);
        }
        for (int c = 0; c < net->cells; c++) {
            hw_nn_site cs = {HW_NN_CELL, st, c, -1, -1};
            nn->site = cs;
            x = cell(nn, a, x);
        }
    }
    hw_nn_site hs = {HW_NN_HEAD, 2, -1, -1, -1};
    nn->site = hs;
    nn->logits = head(nn, x);
    mark_live(nn);
    steps(nn);
}
