/* hwnas/nb201.h - the NAS-Bench-201 cell space (methods.md §1).
 * An arch is 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2), each one of 5 ops.
 * The canonical key is sum_e op[e] * 5^e (0..15624); it is NOT the benchmark's
 * arch_index, which is a shuffle taken from the data tables.
 * Costs follow the NB201 API: params count every parameter incl. BN gamma/beta;
 * FLOPs are conv + linear multiply-accumulates per image incl. bias adds. */
#ifndef HWNAS_NB201_H
#define HWNAS_NB201_H
#include <stddef.h>
#include <stdint.h>

#define HW_NB201_EDGES 6
#define HW_NB201_OPS 5
#define HW_NB201_N_ARCHS 15625u
#define HW_NB201_ONEHOT (HW_NB201_EDGES * HW_NB201_OPS + 1) /* + constant 1 */
#define HW_NB201_STR_MAX 160

typedef enum {
    HW_OP_NONE = 0, HW_OP_SKIP = 1, HW_OP_CONV1 = 2, HW_OP_CONV3 = 3, HW_OP_POOL3 = 4
} hw_nb201_op;

typedef struct { uint8_t op[HW_NB201_EDGES]; } hw_nb201_arch;

/* Macro skeleton: stage widths, cells per stage, input side, classes.
 * hw_nb201_default(): C = 16/32/64, N = 5, 32x32 input, 10 classes. */
typedef struct {
    int width[3];
    int cells;
    int input_hw;
    int classes;
} hw_nb201_net;

hw_nb201_net hw_nb201_default(int classes);
const char *hw_nb201_op_name(int op);

/* Strict parse of `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. Returns 0, or -1 with
 * a short reason in why (why may be NULL). */
int  hw_nb201_parse(const char *s, hw_nb201_arch *a, char *why, size_t why_len);
void hw_nb201_format(const hw_nb201_arch *a, char out[HW_NB201_STR_MAX]);
uint32_t hw_nb201_key(const hw_nb201_arch *a);
void hw_nb201_from_key(uint32_t key, hw_nb201_arch *a);
/* hw_arch_key_fn for the table loaders (include/hwnas/table.h). */
int  hw_nb201_key_fn(const char *s, uint32_t *key, char *why, size_t why_len);

/* x[e*5 + op] = 1 for each edge, x[30] = 1. x has HW_NB201_ONEHOT entries. */
void hw_nb201_onehot(const hw_nb201_arch *a, double *x);
/* The arch with every edge that lies on no path from the cell's input (node 0)
 * to its output (node 3) set to none: the ops a graph compiler that removes
 * dead code would still run. */
void hw_nb201_live(const hw_nb201_arch *a, hw_nb201_arch *out);
/* Multiproxy features: hw_nb201_onehot(a) (31) followed by the 30 one-hot
 * entries of hw_nb201_live(a) (no second constant). */
#define HW_NB201_MPFEAT (HW_NB201_ONEHOT + HW_NB201_EDGES * HW_NB201_OPS)
void hw_nb201_mp_features(const hw_nb201_arch *a, double *x);
/* Multiproxy tied features: c[op] = number of edges of a with that op, then
 * c[5 + op] = the same for hw_nb201_live(a); sums of mp_features columns. */
#define HW_NB201_MPTIED (2 * HW_NB201_OPS)
void hw_nb201_op_counts(const hw_nb201_arch *a, double *c);

/* Number of conv edges (nor_conv_1x1 / nor_conv_3x3) in the cell. */
int    hw_nb201_conv_edges(const hw_nb201_arch *a);
double hw_nb201_params(const hw_nb201_arch *a, const hw_nb201_net *net);
double hw_nb201_flops(const hw_nb201_arch *a, const hw_nb201_net *net);

#endif
