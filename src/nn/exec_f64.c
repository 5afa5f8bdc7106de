/* The network's forward, backward and accessors in float64. */
#define HW_REAL_F64
#include "real.h"

#include "access_impl.h"
#include "exec_impl.h"
