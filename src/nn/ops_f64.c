/* The kernels of hwnas/nn_ops.h in float64 (dgemm). */
#define HW_REAL_F64
#include "real.h"

#include "bn_impl.h"
#include "conv_direct_impl.h"
#include "conv_impl.h"
#include "convbn_impl.h"
#include "dense_impl.h"
#include "pool_impl.h"
