/* test_sgd_sim.c - the asynchronous parameter-server SGD simulator on cases
 * whose event times are worked out by hand below (all in µs; bandwidths in
 * bytes/µs; every number is exact in binary floating point, so times compare
 * with ==). */
#include "testutil.h"

#include "hwnas/rng.h"
#include "hwnas/sgd_sim.h"
#include "hwnas/sgd_synth.h"

typedef struct { const char *name; hw_sgd_phase ph; double dur; int nd; int d[2]; } op_spec;
typedef struct { int64_t bytes; int fwd, grad; } tensor_spec;

static void build(hw_sgd_trace *t, const op_spec *o, int n_ops, const tensor_spec *x, int n_t)
{
    hw_err err = {0};
    assert_int_equal(hw_sgd_trace_alloc(t, n_ops, n_t, &err), 0);
    for (int i = 0; i < n_ops; i++) {
        strcpy(t->ops[i].name, o[i].name);
        t->ops[i].phase = o[i].ph;
        t->ops[i].dur_us = o[i].dur;
        assert_int_equal(hw_sgd_op_set_deps(t, i, o[i].d, o[i].nd, &err), 0);
    }
    for (int k = 0; k < n_t; k++) {
        snprintf(t->tensors[k].name, HW_SGD_NAME_MAX, "t%d", k);
        t->tensors[k].bytes = x[k].bytes;
        t->tensors[k].fwd_op = x[k].fwd;
        t->tensors[k].grad_op = x[k].grad;
    }
}

static hw_sgd_sim_cfg cfg(int W, hw_sgd_policy pull, hw_sgd_policy push, double bw_s, double bw_w, double lat_s,
                          double lat_w)
{
    return (hw_sgd_sim_cfg){W, 1, 3, pull, push, 1, {bw_s, bw_w, lat_s, lat_w}, 0, 0, 0, 0, HW_SGD_SHARE_FAIR, NULL, {0, 0}, 0};
}

static hw_sgd_sim_result run(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c)
{
    hw_sgd_sim_result r;
    hw_err err = {0};
    int rc = hw_sgd_simulate(t, c, &r, &err);
    if (rc)
        fail_msg("simulate: %s", err.msg);
    return r;
}

/* The example of tests/data/sgd_tiny.json: F0 conv (100) -> F1 fc (50) ->
 * B2 fc (100) -> B3 conv (200); t0 = conv weight, 1000 B, read by F0, gradient
 * at the end of B3; t1 = fc weight, 4000 B, read by F1, gradient after B2. */
static void tiny(hw_sgd_trace *t)
{
    op_spec o[4] = {{"F0", HW_SGD_FWD, 100, 0, {0}}, {"F1", HW_SGD_FWD, 50, 1, {0}},
                    {"B2", HW_SGD_BWD, 100, 1, {1}}, {"B3", HW_SGD_BWD, 200, 1, {2}}};
    tensor_spec x[2] = {{1000, 0, 3}, {4000, 1, 2}};
    build(t, o, 4, x, 2);
}

/* One worker, links 10 B/µs, latency 5 + 5 = 10 µs per message, no apply cost.
 * push "layer" (t0 then t1) cannot overlap with backward: t0 is the last
 * gradient computed.
 *   pull t0: bytes out 0..100, arrives 110; pull t1: 100..500, arrives 510
 *   F0 110..210; F1 waits for t1: 510..560; B2 560..660; B3 660..860
 *   push t0: 860..960 (arrives 970); push t1: 960..1360 (arrives 1370)
 *   step = 1370 µs, every step alike.
 * push "reverse" (t1 then t0) sends t1 while B3 runs:
 *   push t1: 660..1060 (arrives 1070); t0 ready at 860, link free at 1060:
 *   1060..1160 (arrives 1170); step = 1170 µs.
 * pull "reverse" too (t1 first) delays F0:
 *   pull t1 0..400 (arrives 410), t0 400..500 (arrives 510); F0 510..610,
 *   F1 610..660, B2 660..760, B3 760..960; push t1 760..1160 (arrives 1170),
 *   t0 1160..1260 (arrives 1270); step = 1270 µs.
 * "largest" is t1 first here, the same as reverse in both directions. */
static void test_one_worker_policies(void **state)
{
    (void)state;
    hw_sgd_trace t;
    tiny(&t);
    struct { hw_sgd_policy pull, push; double step; } cases[] = {
        {HW_SGD_LAYER, HW_SGD_LAYER, 1370}, {HW_SGD_LAYER, HW_SGD_REVERSE, 1170},
        {HW_SGD_REVERSE, HW_SGD_REVERSE, 1270}, {HW_SGD_LARGEST, HW_SGD_LARGEST, 1270},
        {HW_SGD_LAYER, HW_SGD_LARGEST, 1170}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hw_sgd_sim_cfg c = cfg(1, cases[i].pull, cases[i].push, 10, 10, 5, 5);
        hw_sgd_sim_result r = run(&t, &c);
        if (r.step_us != cases[i].step || r.step_us_max != cases[i].step)
            fail_msg("case %zu: step %.17g us, expected %g", i, r.step_us, cases[i].step);
        assert_close(r.steps_per_s, 1e6 / cases[i].step, 1e-9);
        /* 5000 bytes each way per step over a 10 B/µs link */
        assert_close(r.util_down, 5000.0 / (10 * cases[i].step), 1e-12);
        assert_close(r.util_up, 5000.0 / (10 * cases[i].step), 1e-12);
        assert_true(r.server_busy == 0);
        /* stops when the worker ends its 4th step (warmup 1 + 3) */
        assert_true(r.t_end_us == 4 * cases[i].step);
    }
    hw_sgd_trace_free(&t);
}

/* The recorded events of the first step of (layer, reverse), checked against the
 * times above. */
static void test_events(void **state)
{
    (void)state;
    hw_sgd_trace t;
    tiny(&t);
    hw_sgd_sim_cfg c = cfg(1, HW_SGD_LAYER, HW_SGD_REVERSE, 10, 10, 5, 5);
    c.record = 1;
    c.warmup = 0;
    c.steps = 1;
    hw_sgd_sim_result r = run(&t, &c);
    struct { int pid, tid, op, tensor; double ts, dur; } want[] = {
        {1, 1, -1, 0, 0, 110},    {1, 0, 0, -1, 110, 100},   {1, 1, -1, 1, 100, 410},
        {1, 0, 1, -1, 510, 50},   {1, 0, 2, -1, 560, 100},   {1, 0, 3, -1, 660, 200},
        {1, 2, -1, 1, 660, 410},  {0, 0, -1, 1, 1070, 0},    {1, 2, -1, 0, 1060, 110},
        {0, 0, -1, 0, 1170, 0}};
    size_t n = sizeof want / sizeof *want;
    assert_int_equal(r.n_ev, n);
    for (size_t i = 0; i < n; i++) {
        const hw_sgd_event *e = &r.ev[i];
        if (e->pid != want[i].pid || e->tid != want[i].tid || e->op != want[i].op || e->tensor != want[i].tensor ||
            e->ts_us != want[i].ts || e->dur_us != want[i].dur || e->step != 0)
            fail_msg("event %zu: pid %d tid %d op %d tensor %d ts %g dur %g step %d; expected pid %d tid %d op %d "
                     "tensor %d ts %g dur %g", i, e->pid, e->tid, e->op, e->tensor, e->ts_us, e->dur_us, e->step,
                     want[i].pid, want[i].tid, want[i].op, want[i].tensor, want[i].ts, want[i].dur);
    }
    hw_sgd_sim_result_free(&r);
    hw_sgd_trace_free(&t);
}

/* F (100) -> B (100); one tensor of 1000 B read by F, gradient after B. */
static void one_layer(hw_sgd_trace *t, double overhead)
{
    op_spec o[2] = {{"F", HW_SGD_FWD, 100, 0, {0}}, {"B", HW_SGD_BWD, 100, 1, {0}}};
    tensor_spec x[1] = {{1000, 0, 1}};
    build(t, o, 2, x, 1);
    t->msg_overhead_us = overhead;
}

/* Two workers sharing a server link of 10 B/µs (worker links 10 B/µs, no
 * latency, no apply cost). Alone (W = 1): pull 0..100, F 100..200,
 * B 200..300, push 300..400: step 400 µs, 2500 steps/s.
 * W = 2, both start at 0 and stay in lockstep: two pulls share the server
 * link, 5 B/µs each: 0..200; F 200..300; B 300..400; two pushes 400..600.
 * Step 600 µs per worker; throughput 2 x 1e6 / 600 = 3333.33 steps/s; each
 * direction carries 2000 B per 600 µs: utilisation 2000 / 6000 = 1/3.
 * With server link 20 B/µs each flow gets min(10, 20/2) = 10: no slowdown. */
static void test_two_workers_share(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    hw_sgd_sim_cfg c = cfg(1, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    hw_sgd_sim_result r = run(&t, &c);
    assert_true(r.step_us == 400);
    assert_close(r.steps_per_s, 2500, 1e-9);
    c.workers = 2;
    r = run(&t, &c);
    assert_true(r.step_us == 600 && r.step_us_max == 600);
    assert_close(r.steps_per_s, 2e6 / 600, 1e-9);
    assert_close(r.util_down, 1.0 / 3, 1e-12);
    assert_close(r.util_up, 1.0 / 3, 1e-12);
    c.net.bw_server = 20;
    r = run(&t, &c);
    assert_true(r.step_us == 400);
    assert_close(r.steps_per_s, 5000, 1e-9);
    assert_close(r.util_down, 2000.0 / (20 * 400), 1e-12);
    hw_sgd_trace_free(&t);
}

/* Two workers, server link 10 B/µs, and a server cost of 50 µs per gradient:
 * the workers drift apart by 50 µs and then share the link only partly.
 * Step 1: pulls shared 0..200, F 200..300, B 300..400, pushes shared 400..600;
 *   the server applies worker 1's gradient 600..650 and worker 2's 650..700
 *   (tie at 600: lower worker id first). Ends: w1 650, w2 700.
 * Step 2: w1 pulls alone 650..700 (500 B), shared (5 B/µs) 700..800 (500 B):
 *   arrives 800; w2 pulls shared 700..800 (500 B), alone 800..850: arrives 850.
 *   w1: F 800..900, B 900..1000; w2: F 850..950, B 950..1050.
 *   w1 pushes alone 1000..1050 (500 B), shared 1050..1150; w2 pushes shared
 *   1050..1150, alone 1150..1200. Applies: w1 1150..1200, w2 1200..1250.
 *   Ends: w1 1200, w2 1250: the same 50 µs offset, so every later step
 *   repeats: 550 µs per step for both; throughput 2 x 1e6 / 550.
 * Utilisation over [t_a, t_end] = [700, 1800] (w2's ends: 700, 1250, 1800):
 *   pulls carried 500 (w1 step 2 after 700) + 1000 (w2 step 2) + 1000 + 1000
 *   (step 3) + 500 (w1's step 4, 1750..1800 alone) = 4000 B of 10 x 1100:
 *   4/11; pushes: 2000 (step 2) + 2000 (step 3) = 4000 B: 4/11.
 *   Server busy in that window: step-2 applies 1150..1250 and step-3 applies
 *   1700..1800 (step 3 repeats step 2 550 µs later): 200 of 1100 µs: 2/11. */
static void test_two_workers_drift(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 50);
    hw_sgd_sim_cfg c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    c.steps = 2;
    hw_sgd_sim_result r = run(&t, &c);
    if (r.step_us != 550 || r.step_us_max != 550)
        fail_msg("step %.17g / %.17g us, expected 550", r.step_us, r.step_us_max);
    assert_close(r.steps_per_s, 2e6 / 550, 1e-9);
    assert_true(r.t_end_us == 1800);
    assert_close(r.util_down, 4.0 / 11, 1e-12);
    assert_close(r.util_up, 4.0 / 11, 1e-12);
    assert_close(r.server_busy, 2.0 / 11, 1e-12);
    hw_sgd_trace_free(&t);
}

/* Ops run out of list order when an earlier one waits for its parameters:
 * F0 reads t0, F1 reads t1 (independent), B2 after both, gradients of both
 * at its end; 1000 B each, 10 B/µs, no latency. Pull "reverse": t1 arrives
 * at 100, t0 at 200; F1 runs 100..200 (F0 is not ready), F0 200..300,
 * B2 300..400, pushes 400..500, 500..600: step 600. An in-order executor
 * would take 700 (F0 200..300, F1 300..400, B2 400..500, pushes to 700). */
static void test_out_of_order(void **state)
{
    (void)state;
    hw_sgd_trace t;
    op_spec o[3] = {{"F0", HW_SGD_FWD, 100, 0, {0}}, {"F1", HW_SGD_FWD, 100, 0, {0}},
                    {"B2", HW_SGD_BWD, 100, 2, {0, 1}}};
    tensor_spec x[2] = {{1000, 0, 2}, {1000, 1, 2}};
    build(&t, o, 3, x, 2);
    hw_sgd_sim_cfg c = cfg(1, HW_SGD_REVERSE, HW_SGD_REVERSE, 10, 10, 0, 0);
    hw_sgd_sim_result r = run(&t, &c);
    assert_true(r.step_us == 600);
    hw_sgd_trace_free(&t);
}

/* Saturation: W workers of one_layer on a 10 B/µs server link with fast worker
 * links (1000 B/µs). Each step moves 1000 B each way through the server link,
 * so at most 10 / 1000 x 1e6 = 10000 steps/s get through; an uncontended step
 * takes 100 (pull at 10 B/µs) + 100 + 100 + 100 (push) = 400 µs, so at most
 * W x 1e6 / 400. Started together (stagger 0) the workers stay in lockstep:
 * each step is pull 100 W, compute 200, push 100 W µs: exactly
 * W x 1e6 / (200 W + 200), which tends to 5000 (the two directions are never
 * busy together). Staggered by 400 / W µs, pulls and pushes interleave and the
 * throughput gets above that lockstep value, under both bounds. With W = 2
 * and 4 the stagger pipelines perfectly: worker i pulls during
 * [100 i, 100 i + 100] + 400 n and pushes during [100 i + 300, 100 i + 400]
 * + 400 n, so no two transfers share a direction and every step takes 400:
 * exactly 5000 and 10000 (the link bound) steps/s. */
static void test_saturation(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    for (int W = 1; W <= 32; W *= 2) {
        hw_sgd_sim_cfg c = cfg(W, HW_SGD_LAYER, HW_SGD_LAYER, 10, 1000, 0, 0);
        c.steps = 10;
        hw_sgd_sim_result r = run(&t, &c);
        assert_close(r.steps_per_s, W * 1e6 / (200.0 * W + 200), 1e-6 * W);
        c.stagger_us = 400.0 / W;
        hw_sgd_sim_result s = run(&t, &c);
        if (W == 2 || W == 4)
            assert_true(s.step_us == 400 && s.step_us_max == 400);
        assert_true(s.steps_per_s <= 10000 * (1 + 1e-9));
        assert_true(s.steps_per_s <= W * 1e6 / 400 * (1 + 1e-9));
        if (W > 1)
            assert_true(s.steps_per_s > r.steps_per_s);
    }
    hw_sgd_trace_free(&t);
}

static void test_bad_config(void **state)
{
    (void)state;
    hw_sgd_trace t;
    hw_sgd_sim_result r;
    hw_err err = {0};
    one_layer(&t, 0);
    hw_sgd_sim_cfg c = cfg(0, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    assert_int_equal(hw_sgd_simulate(&t, &c, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "workers: 0"));
    c = cfg(1, HW_SGD_LAYER, HW_SGD_LAYER, 0, 10, 0, 0);
    assert_int_equal(hw_sgd_simulate(&t, &c, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "bandwidth"));
    c = cfg(1, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, -1, 0);
    assert_int_equal(hw_sgd_simulate(&t, &c, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "latency"));
    /* a step that takes no time */
    t.ops[0].dur_us = t.ops[1].dur_us = 0;
    t.tensors[0].bytes = 0;
    c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    assert_int_equal(hw_sgd_simulate(&t, &c, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "takes no time"));
    hw_sgd_trace_free(&t);
}

/* Same inputs, same bytes: two runs of a random-order, drifting case agree exactly. */
static void test_deterministic(void **state)
{
    (void)state;
    hw_sgd_trace t;
    tiny(&t);
    t.msg_overhead_us = 30;
    t.apply_us_per_byte = 0.01;
    hw_sgd_sim_cfg c = cfg(5, HW_SGD_RANDOM, HW_SGD_RANDOM, 7, 3, 1, 2);
    c.record = 1;
    hw_sgd_sim_result a = run(&t, &c), b = run(&t, &c);
    assert_true(a.steps_per_s == b.steps_per_s && a.util_up == b.util_up && a.n_ev == b.n_ev);
    assert_memory_equal(a.ev, b.ev, a.n_ev * sizeof *a.ev);
    hw_sgd_sim_result_free(&a);
    hw_sgd_sim_result_free(&b);
    hw_sgd_trace_free(&t);
}

/* The synthetic NB201 trace against the NB201 cost model of hwnas/nb201.h
 * (an independent count from the macro skeleton): parameter bytes = 4 x
 * params; forward time = 2 x MACs x batch / speed, MACs without the classifier
 * bias adds (10); backward = twice forward. */
static void test_synth_nb201(void **state)
{
    (void)state;
    const char *archs[] = {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                           "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|",
                           "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"};
    hw_nb201_net net = hw_nb201_default(10);
    for (int i = 0; i < 3; i++) {
        hw_nb201_arch a;
        hw_sgd_trace t;
        hw_err err = {0};
        assert_int_equal(hw_nb201_parse(archs[i], &a, NULL, 0), 0);
        hw_sgd_synth_cfg c = {64, 50, 0.001, 20};
        int rc = hw_sgd_synth_nb201(&a, &c, &t, &err);
        if (rc)
            fail_msg("%s", err.msg);
        double bytes = 0, fwd = 0, bwd = 0;
        for (int k = 0; k < t.n_tensors; k++)
            bytes += (double)t.tensors[k].bytes;
        for (int j = 0; j < t.n_ops; j++)
            *(t.ops[j].phase == HW_SGD_FWD ? &fwd : &bwd) += t.ops[j].dur_us;
        assert_true(bytes == 4 * hw_nb201_params(&a, &net));
        assert_close(fwd, 2 * (hw_nb201_flops(&a, &net) - 10) * 64 / 50e3, 1e-9 * fwd);
        assert_close(bwd, 2 * fwd, 1e-9 * fwd);
        assert_string_equal(t.meta.arch, archs[i]);
        assert_true(t.msg_overhead_us == 20 && t.apply_us_per_byte == 0.001);
        hw_sgd_trace_free(&t);
    }
}

/* CPU sharing (cores >= 1). one_layer, two workers in lockstep (stagger 0),
 * links 10 B/µs, no latency: pulls shared 0..200; with ONE core both F ops
 * run at speed 1/2: 200..400, both B 400..600; pushes shared 600..800: step
 * 800 µs (600 with 2 cores or without CPU sharing, 400 alone on one core). */
static void test_cpu_sharing(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    struct { int W, cores; double step; } cases[] = {{2, 1, 800}, {2, 2, 600}, {2, 0, 600}, {1, 1, 400}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hw_sgd_sim_cfg c = cfg(cases[i].W, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
        c.cores = cases[i].cores;
        hw_sgd_sim_result r = run(&t, &c);
        if (r.step_us != cases[i].step || r.step_us_max != cases[i].step)
            fail_msg("case %zu: step %.17g us, expected %g", i, r.step_us, cases[i].step);
        assert_close(r.cpu_speed, cases[i].step == 800 ? 0.5 : 1, 1e-12);
    }
    hw_sgd_trace_free(&t);
}

/* Network-stack CPU: F0 (100) -> F1 (100) -> B2 (100); t0 (1000 B) read by
 * F0, t1 (1000 B) by F1, both gradients after B2; one worker, links 10 B/µs,
 * no latency, pull layer, push reverse. Without CPU cost: pulls 0..100,
 * 100..200; F0 100..200, F1 200..300, B2 300..400; pushes 400..500,
 * 500..600: step 600. With 0.1 µs of CPU per byte on ONE core: while t1 is
 * pulled (100..200) the flow takes 10 x 0.1 = 1 core and F0 another: speed
 * 1/2, F0 does 50 µs of work by 200 and the rest 200..250; F1 250..350, B2
 * 350..450; pushes 450..550, 550..650 (no op runs then): step 650. With two
 * cores the demand 2 fits: 600. */
static void test_net_cpu(void **state)
{
    (void)state;
    hw_sgd_trace t;
    op_spec o[3] = {{"F0", HW_SGD_FWD, 100, 0, {0}}, {"F1", HW_SGD_FWD, 100, 1, {0}},
                    {"B2", HW_SGD_BWD, 100, 1, {1}}};
    tensor_spec x[2] = {{1000, 0, 2}, {1000, 1, 2}};
    build(&t, o, 3, x, 2);
    struct { int cores; double kappa, step; } cases[] = {{0, 0.1, 600}, {1, 0, 600}, {1, 0.1, 650}, {2, 0.1, 600}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hw_sgd_sim_cfg c = cfg(1, HW_SGD_LAYER, HW_SGD_REVERSE, 10, 10, 0, 0);
        c.cores = cases[i].cores;
        c.net_cpu_us_per_byte = cases[i].kappa;
        hw_sgd_sim_result r = run(&t, &c);
        if (r.step_us != cases[i].step)
            fail_msg("case %zu: step %.17g us, expected %g", i, r.step_us, cases[i].step);
    }
    hw_sgd_trace_free(&t);
}

/* Sharing models. one_layer, two workers, worker 2 starts 50 µs later, links
 * 10 B/µs, no latency. fair: worker 1's pull alone 0..50 (500 B), then both at
 * 5 B/µs: worker 1's ends at 150, worker 2's has 500 B left at 150, alone:
 * 150..200. fcfs: worker 1's pull began first and keeps the link: 0..100;
 * worker 2 waits, then 100..200. */
static void test_share_models(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    for (int fcfs = 0; fcfs <= 1; fcfs++) {
        hw_sgd_sim_cfg c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
        c.share = fcfs ? HW_SGD_SHARE_FCFS : HW_SGD_SHARE_FAIR;
        c.stagger_us = 50;
        c.record = 1;
        hw_sgd_sim_result r = run(&t, &c);
        double end[2] = {-1, -1};
        for (size_t i = 0; i < r.n_ev; i++)
            if (r.ev[i].tid == 1 && r.ev[i].step == 0)
                end[r.ev[i].pid - 1] = r.ev[i].ts_us + r.ev[i].dur_us;
        if (end[0] != (fcfs ? 100 : 150) || end[1] != 200)
            fail_msg("%s: pulls end at %g and %g", fcfs ? "fcfs" : "fair", end[0], end[1]);
        hw_sgd_sim_result_free(&r);
    }
    hw_sgd_trace_free(&t);
}

/* Noisy sharing with sigma = 0 gives every flow weight 1: exactly the fair
 * rates, so every output equals the fair run's bit for bit, with the worker
 * cap binding (server 30 B/µs, workers 10) or not (server 10). */
static void test_noisy_sigma0_is_fair(void **state)
{
    (void)state;
    hw_sgd_trace t;
    tiny(&t);
    for (int k = 0; k < 4; k++) {
        hw_sgd_sim_cfg c = cfg(2 + k % 2, HW_SGD_LAYER, HW_SGD_REVERSE, k < 2 ? 10 : 30, 10, 5, 5);
        c.stagger_us = 70;
        c.steps = 6;
        hw_sgd_sim_result a = run(&t, &c);
        c.share = HW_SGD_SHARE_NOISY;
        c.noise_seed = 99;
        hw_sgd_sim_result b = run(&t, &c);
        if (a.steps_per_s != b.steps_per_s || a.step_us != b.step_us || a.step_us_max != b.step_us_max ||
            a.t_end_us != b.t_end_us || a.util_down != b.util_down || a.util_up != b.util_up)
            fail_msg("case %d: fair %.17g steps/s, noisy sigma 0 %.17g", k, a.steps_per_s, b.steps_per_s);
        hw_sgd_sim_result_free(&a);
        hw_sgd_sim_result_free(&b);
    }
    hw_sgd_trace_free(&t);
}

/* Two workers start their 1000 B pulls together (one_layer, no latency).
 * The first two draws of the stream (seed, HW_SGD_NOISE_STREAM) are the pull
 * weights of worker 1 and worker 2: w_i = exp(sigma z_i). With the server at
 * S B/µs and the worker links at 10: the flows share S by weight, a flow above
 * 10 is capped at 10 and the other gets the rest; the faster pull (rate a)
 * ends at t1 = 1000 / a, the slower (rate b) has then sent b t1 and finishes
 * its remainder alone at min(10, S): t2 = t1 + (1000 - b t1) / min(10, S).
 * S = 10: t2 = 200 for any weights (the link never idles); S = 15 with sigma
 * 2 makes the cap bind in some seeds. */
static void test_noisy_weights(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    int capped = 0, uncapped = 0;
    for (uint64_t seed = 1; seed <= 12; seed++)
        for (int k = 0; k < 2; k++) {
            const double S = k ? 15 : 10, sigma = k ? 2.0 : 0.5;
            hw_sgd_sim_cfg c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, S, 10, 0, 0);
            c.share = HW_SGD_SHARE_NOISY;
            c.share_sigma[0] = sigma, c.share_sigma[1] = 0;
            c.noise_seed = seed;
            c.record = 1, c.warmup = 0, c.steps = 1;
            hw_rng g;
            hw_rng_seed(&g, seed, HW_SGD_NOISE_STREAM);
            double w1 = exp(sigma * hw_rng_normal(&g)), w2 = exp(sigma * hw_rng_normal(&g));
            double f = fmax(w1, w2) / (w1 + w2), a = S * f, b = S * (1 - f);
            if (a > 10)
                a = 10, b = S - 10, capped++;
            else
                uncapped++;
            double t1 = 1000 / a, t2 = t1 + (1000 - b * t1) / fmin(10, S);
            hw_sgd_sim_result r = run(&t, &c);
            double end[2] = {-1, -1};
            for (size_t i = 0; i < r.n_ev; i++)
                if (r.ev[i].tid == 1 && r.ev[i].step == 0)
                    end[r.ev[i].pid - 1] = r.ev[i].ts_us + r.ev[i].dur_us;
            double first = w1 >= w2 ? end[0] : end[1], second = w1 >= w2 ? end[1] : end[0];
            if (fabs(first - t1) > 1e-9 * t1 || fabs(second - t2) > 1e-9 * t2)
                fail_msg("seed %llu S %g: pulls end at %.17g and %.17g, expected %.17g and %.17g",
                         (unsigned long long)seed, S, first, second, t1, t2);
            if (S == 10)
                assert_close(second, 200, 1e-12);
            hw_sgd_sim_result_free(&r);
        }
    assert_true(capped > 0 && uncapped > 0); /* both branches of the water-filling met */
    hw_sgd_trace_free(&t);
}

/* hw_sgd_simulate_runs = the mean of single runs with seeds seed .. seed +
 * K - 1; it refuses fair sharing and a bad K. And noise drives workers started
 * in lockstep apart: on one_layer (server 10 B/µs) a lockstep step is pulls
 * shared 0..200, F 200..300, B 300..400, pushes shared 400..600: 600 µs,
 * 3333.3 steps/s for the pair; a worker alone needs 400 µs a step, so the pair
 * reaches at most 5000 (anti-phase); noisy runs of 200 steps land strictly
 * between. */
static void test_noisy_runs(void **state)
{
    (void)state;
    hw_sgd_trace t;
    one_layer(&t, 0);
    hw_sgd_sim_cfg c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    c.share = HW_SGD_SHARE_NOISY;
    c.share_sigma[0] = 0.3, c.share_sigma[1] = 0.3;
    c.noise_seed = 7;
    c.warmup = 20, c.steps = 200;
    hw_err err = {0};
    hw_sgd_sim_result m;
    assert_int_equal(hw_sgd_simulate_runs(&t, &c, 5, &m, &err), 0);
    double sum = 0, lo = 1e300, hi = 0;
    for (int j = 0; j < 5; j++) {
        hw_sgd_sim_cfg one = c;
        one.noise_seed = c.noise_seed + (uint64_t)j;
        hw_sgd_sim_result r = run(&t, &one);
        sum += r.steps_per_s;
        lo = fmin(lo, r.steps_per_s), hi = fmax(hi, r.steps_per_s);
        hw_sgd_sim_result_free(&r);
    }
    assert_close(m.steps_per_s, sum / 5, 1e-12);
    assert_true(hi > lo); /* the seeds differ */
    hw_sgd_sim_cfg lock = c;
    lock.share = HW_SGD_SHARE_FAIR;
    hw_sgd_sim_result l = run(&t, &lock);
    assert_close(l.steps_per_s, 2e6 / 600, 1e-9);
    if (!(lo > l.steps_per_s * 1.01 && hi <= 5000 * (1 + 1e-9)))
        fail_msg("noisy runs %g..%g steps/s; lockstep %g, bound 5000", lo, hi, l.steps_per_s);
    hw_sgd_sim_result_free(&l);
    hw_sgd_sim_result_free(&m);
    assert_int_equal(hw_sgd_simulate_runs(&t, &lock, 5, &m, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "not noisy"));
    assert_int_equal(hw_sgd_simulate_runs(&t, &c, 0, &m, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "runs: 0"));
    c.share_sigma[1] = -0.1;
    assert_int_equal(hw_sgd_simulate(&t, &c, &m, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "share_sigma: -0.1 (push)"));
    c.share_sigma[1] = NAN;
    assert_int_equal(hw_sgd_simulate(&t, &c, &m, &err), HW_EINPUT);
    hw_sgd_trace_free(&t);
}

/* Auto stagger: the single-worker step of one_layer is 400 µs; 4 workers: 100. */
static void test_auto_stagger(void **state)
{
    (void)state;
    hw_sgd_trace t;
    hw_err err = {0};
    one_layer(&t, 0);
    hw_sgd_sim_cfg c = cfg(4, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    double step = -1;
    assert_int_equal(hw_sgd_single_step_us(&t, &c, &step, &err), 0);
    assert_true(step / 4 == 100);
    hw_sgd_trace_free(&t);
}

/* Phase average (hw_sgd_simulate_phases). A communication-only step: F and B
 * take 0 µs, one tensor of 1000 B, every link 10 B/µs, no latency, no apply
 * cost: alone, pull 0..100 and push 100..200, P = 200 µs. Two workers under
 * fair sharing, worker 2 starting phi after worker 1 (u = 100 µs):
 *  phi <= 1 u: w1 pulls alone until phi, then at 5 B/µs: it ends at 2 - phi,
 *    w2 (phi left, alone) at 2; the pushes repeat this from 2 - phi and 2:
 *    w1 ends at 4 - 2 phi, w2 at 4 - phi. The offset is phi again: every
 *    step takes 4 - 2 phi.
 *  1 <= phi <= 2: w1's first step is alone (0..2); its second pull (from 2)
 *    shares with w2's first (from phi): w2's pull ends at 2 phi, w1's at
 *    phi + 2; pushes: w2 ends at 3 phi, w1 at 2 phi + 2. Now w2 leads by
 *    2 - phi in [0, 1]: the first case, steps of 4 - 2 (2 - phi) = 2 phi.
 * 4 samples: offsets P (j + 0.5) / 4 = 25, 75, 125, 175 µs, steps of 350, 250,
 * 250, 350 µs (warmup 1 skips w1's lone first step): mean throughput
 * (2e6/350 + 2e6/250) / 2. 2 samples: 50 and 150 µs, both 300 µs. One sample:
 * 100 µs, anti-phase, steps of 200 µs; W = 1 is one run. */
static void comm_only(hw_sgd_trace *t)
{
    op_spec o[2] = {{"F", HW_SGD_FWD, 0, 0, {0}}, {"B", HW_SGD_BWD, 0, 1, {0}}};
    tensor_spec x[1] = {{1000, 0, 1}};
    build(t, o, 2, x, 1);
}

static void test_phases(void **state)
{
    (void)state;
    hw_sgd_trace t;
    hw_err err = {0};
    hw_sgd_sim_result r;
    comm_only(&t);
    hw_sgd_sim_cfg c = cfg(2, HW_SGD_LAYER, HW_SGD_LAYER, 10, 10, 0, 0);
    c.steps = 4;
    double P = -1;
    assert_int_equal(hw_sgd_single_step_us(&t, &c, &P, &err), 0);
    assert_true(P == 200);
    double start[2] = {0, 25};
    c.start_us = start;
    r = run(&t, &c);
    assert_close(r.steps_per_s, 2e6 / 350, 1e-12);
    start[1] = 175;
    r = run(&t, &c);
    assert_close(r.steps_per_s, 2e6 / 350, 1e-12);
    c.start_us = NULL;
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 4, P, &r, &err), 0);
    assert_close(r.steps_per_s, (2e6 / 350 + 2e6 / 250) / 2, 1e-12);
    assert_close(r.step_us, 300, 1e-12);
    assert_true(r.ev == NULL);
    c.record = 1;
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 2, P, &r, &err), 0);
    assert_close(r.steps_per_s, 2e6 / 300, 1e-12);
    double w2_first = -1; /* the recorded run: the first of the two (a tie), w2 starting at 50 */
    for (size_t i = 0; i < r.n_ev; i++)
        if (r.ev[i].pid == 2 && r.ev[i].tid == 1 && r.ev[i].step == 0)
            w2_first = r.ev[i].ts_us;
    assert_true(w2_first == 50);
    hw_sgd_sim_result_free(&r);
    c.record = 0;
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 1, P, &r, &err), 0);
    assert_close(r.steps_per_s, 2e6 / 200, 1e-12);
    c.workers = 1;
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 16, P, &r, &err), 0);
    assert_close(r.steps_per_s, 1e6 / 200, 1e-12);
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 0, P, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "phases"));
    c.workers = 2;
    assert_int_equal(hw_sgd_simulate_phases(&t, &c, 4, 0, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "single-worker step"));
    c.start_us = start, start[1] = -1;
    assert_int_equal(hw_sgd_simulate(&t, &c, &r, &err), HW_EINPUT);
    assert_non_null(strstr(err.msg, "start"));
    hw_sgd_trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_worker_policies), cmocka_unit_test(test_events),
        cmocka_unit_test(test_cpu_sharing),         cmocka_unit_test(test_net_cpu),
        cmocka_unit_test(test_share_models),        cmocka_unit_test(test_auto_stagger),
        cmocka_unit_test(test_phases),              cmocka_unit_test(test_noisy_sigma0_is_fair),
        cmocka_unit_test(test_noisy_weights),       cmocka_unit_test(test_noisy_runs),
        cmocka_unit_test(test_two_workers_share),   cmocka_unit_test(test_two_workers_drift),
        cmocka_unit_test(test_out_of_order),        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_bad_config),          cmocka_unit_test(test_deterministic),        cmocka_unit_test(test_synth_nb201),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
