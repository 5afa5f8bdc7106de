/* Steady-state throughput of an asynchronous run from the server's step
 * completion times (hwnas/sgd_ps.h). No I/O, no MPI. */
#include "hwnas/sgd_ps.h"

double hw_ps_throughput(const hw_ps_result *r, int warmup, int *n_in_window, double *window_us)
{
    int W = r->workers, S = r->steps, n = 0;
    *n_in_window = 0, *window_us = 0;
    if (warmup < 1 || warmup >= S || W < 1)
        return 0;
    double a = -1e300, b = 1e300;
    for (int w = 0; w < W; w++) {
        double ta = r->t_applied[(size_t)w * S + warmup - 1], tb = r->t_applied[(size_t)w * S + S - 1];
        a = ta > a ? ta : a;
        b = tb < b ? tb : b;
    }
    if (!(b > a))
        return 0;
    for (size_t i = 0; i < (size_t)W * S; i++)
        n += r->t_applied[i] > a && r->t_applied[i] <= b;
    *n_in_window = n, *window_us = b - a;
    return n / ((b - a) * 1e-6);
}
