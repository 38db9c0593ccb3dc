#ifndef CURATE_CMINHASH_H
#define CURATE_CMINHASH_H

#include <stddef.h>
#include <stdint.h>

/// MinHash minima: for each permutation i < count, the minimum over the shingles of
/// (a[i]·h + b[i]) mod (2^61 − 1), with h = shingle mod (2^61 − 1). a[i] and b[i] must be < 2^61 − 1.
/// minima[i] is overwritten. Uses AVX2 when the CPU has it; the result is the same either way.
void curate_minhash_minima(const uint64_t *shingles, size_t shingle_count,
                           const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima);

/// 1 when curate_minhash_minima runs its AVX2 path on this CPU.
int curate_minhash_uses_avx2(void);

/// The portable path, for tests that compare the two.
void curate_minhash_minima_portable(const uint64_t *shingles, size_t shingle_count,
                                    const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima);

#endif
