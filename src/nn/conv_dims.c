/* Scratch and shape helpers of the kernels, shared by both precisions. */
#include "hwnas/nn_ops.h"

hw_conv_dims hw_conv_make(int b, int c, int h, int w, int o, int k, int stride, int pad, int relu)
{
    hw_conv_dims d = {b, c, h, w, o, k, stride, pad, 0, 0, relu};
    d.oh = (h + 2 * pad - k) / stride + 1;
    d.ow = (w + 2 * pad - k) / stride + 1;
    return d;
}

size_t hw_conv_scratch(const hw_conv_dims *d)
{
    return (size_t)d->c * d->k * d->k * d->oh * d->ow + (size_t)d->c * d->h * d->w;
}

size_t hw_pool3_scratch(int h, int w)
{
    return (size_t)h * w + (size_t)w;
}
