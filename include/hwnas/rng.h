/* hwnas/rng.h - hwnas's own seeded RNG (xoshiro256** seeded by splitmix64).
 * The same (seed, stream) gives the same sequence on every platform and rank;
 * streams derived from names make draws independent of iteration order. */
#ifndef HWNAS_RNG_H
#define HWNAS_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct hw_rng { uint64_t s[4]; } hw_rng;

void     hw_rng_seed(hw_rng *r, uint64_t seed, uint64_t stream);
uint64_t hw_rng_next(hw_rng *r);
double   hw_rng_uniform(hw_rng *r);                  /* [0, 1), 53 bits */
uint64_t hw_rng_below(hw_rng *r, uint64_t bound);    /* unbiased [0, bound) */
double   hw_rng_normal(hw_rng *r);                   /* N(0,1), Box-Muller */
/* FNV-1a 64-bit hash of a string: a stable stream id for a device name. */
uint64_t hw_hash_str(const char *s);
/* Fisher-Yates: the first k entries of idx[0..n) become a uniform sample
 * without replacement, in draw order. */
void     hw_rng_partial_shuffle(hw_rng *r, size_t *idx, size_t n, size_t k);

#endif
