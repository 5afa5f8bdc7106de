/* Steady-state throughput of an asynchronous run from the server's step
 * completion times (hwnas/sgd_ps.h). No I/O, no MPI. */
#include "hwnas/sgd_ps.h"

double hw_ps_worker_rate(const hw_ps_result *r, int w, int warmup)
{
    int S = r->steps;
    if (warmup < 1 || warmup >= S)
        return 0;
    double a = r->t_applied[(size_t)w * S + warmup - 1], b = r->t_applied[(size_t)w * S + S - 1];
    return b > a ? (S - warmup) / ((b - a) * 1e-6) : 0;
}

double hw_ps_throughput(const hw_ps_result *r, int warmup)
{
    double sum = 0;
    for (int w = 0; w < r->workers; w++)
        sum += hw_ps_worker_rate(r, w, warmup);
    return sum;
}
