/* The table of score proxies: the only place that lists them. */
#include <string.h>

#include "proxies.h"

static const hw_proxy_def PROXIES[] = {
    {"params", "M", "number of parameters incl. BN affine (NB201 API convention)", hw_proxy_params},
    {"flops", "MFLOPs", "conv + linear multiply-accumulates per image (NB201 API convention)", hw_proxy_flops},
    {"noop", "-", "always 0: measures the farm's own overhead (coordinator throughput)", hw_proxy_noop},
    {NULL, NULL, NULL, NULL},
};

const hw_proxy_def *hw_proxy_all(void) { return PROXIES; }

const hw_proxy_def *hw_proxy_find(const char *name)
{
    for (const hw_proxy_def *p = PROXIES; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}
