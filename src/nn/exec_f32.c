/* The network's forward, backward and accessors in float32. */
#define HW_REAL_F32
#include "real.h"

#include "access_impl.h"
#include "exec_impl.h"
