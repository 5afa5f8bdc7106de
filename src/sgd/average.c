/* Averaged simulations of asynchronous PS SGD: over start phases (fair or
 * FCFS sharing) or over noise seeds (noisy sharing). Contracts and rationale:
 * hw_sgd_simulate_phases and hw_sgd_simulate_runs in hwnas/sgd_sim.h. */
#include <math.h>
#include <stdlib.h>

#include "hwnas/sgd_sim.h"
#include "hwnas/error.h"

/* Sets run j's start offsets or seed in *one (a copy of the caller's cfg). */
typedef void (*prep_fn)(hw_sgd_sim_cfg *one, int j, int K, const hw_sgd_sim_cfg *c, double P, double *start);

/* Offsets of run j of K over one step P: worker 0 at 0, worker i at P * frac((j + 0.5) / K + (i - 1) * g). */
static void prep_phase(hw_sgd_sim_cfg *one, int j, int K, const hw_sgd_sim_cfg *c, double P, double *start)
{
    const double g = 0.61803398874989484820; /* (sqrt 5 - 1) / 2 */
    start[0] = 0;
    for (int i = 1; i < c->workers; i++) {
        double u = (j + 0.5) / K + (i - 1) * g;
        start[i] = P * (u - floor(u));
    }
    one->start_us = start;
}

static void prep_seed(hw_sgd_sim_cfg *one, int j, int K, const hw_sgd_sim_cfg *c, double P, double *start)
{
    (void)K, (void)P, (void)start;
    one->noise_seed = c->noise_seed + (uint64_t)j;
}

/* The mean of K runs prepared by prep; with c->record, the events of the run nearest the mean. */
static int average(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, int K, double P, prep_fn prep,
                   hw_sgd_sim_result *r, hw_err *err)
{
    int rc = HW_OK;
    double *start = hw_calloc((size_t)c->workers, sizeof *start, err);
    double *thr = hw_calloc((size_t)K, sizeof *thr, err);
    if (!start || !thr) {
        free(start), free(thr);
        return HW_ENOMEM;
    }
    hw_sgd_sim_cfg one = *c;
    one.record = 0;
    hw_sgd_sim_result sum = {0};
    sum.workers = c->workers;
    for (int j = 0; !rc && j < K; j++) {
        hw_sgd_sim_result x;
        prep(&one, j, K, c, P, start);
        if ((rc = hw_sgd_simulate(t, &one, &x, err)))
            break;
        thr[j] = x.steps_per_s;
        sum.steps_per_s += x.steps_per_s, sum.step_us += x.step_us, sum.step_us_max += x.step_us_max;
        sum.util_down += x.util_down, sum.util_up += x.util_up, sum.server_busy += x.server_busy;
        sum.cpu_speed += x.cpu_speed;
        sum.t_end_us = fmax(sum.t_end_us, x.t_end_us);
        hw_sgd_sim_result_free(&x);
    }
    if (!rc) {
        sum.steps_per_s /= K, sum.step_us /= K, sum.step_us_max /= K;
        sum.util_down /= K, sum.util_up /= K, sum.server_busy /= K, sum.cpu_speed /= K;
        if (c->record) { /* the run nearest the mean, with its events */
            int best = 0;
            for (int j = 1; j < K; j++)
                if (fabs(thr[j] - sum.steps_per_s) < fabs(thr[best] - sum.steps_per_s))
                    best = j;
            hw_sgd_sim_result x;
            prep(&one, best, K, c, P, start);
            one.record = 1;
            if (!(rc = hw_sgd_simulate(t, &one, &x, err)))
                sum.ev = x.ev, sum.n_ev = x.n_ev;
        }
        *r = sum;
    }
    free(start), free(thr);
    return rc;
}

int hw_sgd_simulate_phases(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, int samples, double step_us,
                           hw_sgd_sim_result *r, hw_err *err)
{
    *r = (hw_sgd_sim_result){0};
    if (samples < 1 || samples > 10000)
        return hw_errf(err, HW_EINPUT, "phases: %d is not in [1, 10000]; give the number of phase samples", samples);
    if (c->workers <= 1) { /* one run; start offsets ignored, as for W >= 2 */
        hw_sgd_sim_cfg one = *c;
        one.start_us = NULL, one.stagger_us = 0;
        return hw_sgd_simulate(t, &one, r, err);
    }
    if (!(isfinite(step_us) && step_us > 0))
        return hw_errf(err, HW_EINPUT, "phases: single-worker step %g us is not finite and > 0", step_us);
    return average(t, c, samples, step_us, prep_phase, r, err);
}

int hw_sgd_simulate_runs(const hw_sgd_trace *t, const hw_sgd_sim_cfg *c, int runs, hw_sgd_sim_result *r,
                         hw_err *err)
{
    *r = (hw_sgd_sim_result){0};
    if (runs < 1 || runs > 10000)
        return hw_errf(err, HW_EINPUT, "runs: %d is not in [1, 10000]; give the number of noisy runs", runs);
    if (c->share != HW_SGD_SHARE_NOISY)
        return hw_errf(err, HW_EINPUT, "runs: the sharing model is not noisy; a fair or fcfs run is deterministic");
    return average(t, c, c->workers <= 1 ? 1 : runs, 0, prep_seed, r, err);
}
