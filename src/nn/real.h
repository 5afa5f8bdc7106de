/* Private: type macros for the kernels written once over `real` (*_impl.h)
 * and compiled twice. Before including, define HW_REAL_F32 or HW_REAL_F64. */
#ifndef HWNAS_NN_REAL_H
#define HWNAS_NN_REAL_H
#include <cblas.h>

#define HW_CAT_(a, b) a##b
#define HW_CAT(a, b) HW_CAT_(a, b)

#if defined(HW_REAL_F32)
typedef float real;
#define FN(name) HW_CAT(name, _f32)
#define GEMM cblas_sgemm
#define AXPY cblas_saxpy
#elif defined(HW_REAL_F64)
typedef double real;
#define FN(name) HW_CAT(name, _f64)
#define GEMM cblas_dgemm
#define AXPY cblas_daxpy
#else
#error "define HW_REAL_F32 or HW_REAL_F64 before including real.h"
#endif

#endif
