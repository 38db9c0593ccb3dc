// The MinHash inner loop: 112 permutations of every shingle of every document, the hot spot of
// `curate dedup` (a third of its time in plain Swift). Written in C because it needs AVX2 intrinsics
// with a run-time CPU check (the binary targets baseline x86-64), which Swift cannot express; no
// maintained library offers an exact (a·h + b) mod (2^61 − 1) MinHash kernel. The portable path is the
// reference: both give identical minima (Tests/DedupTests check it).
#include "CMinHash.h"

#define PRIME ((uint64_t)0x1FFFFFFFFFFFFFFFULL) /* 2^61 − 1 */

static inline uint64_t reduce61(uint64_t x) {
    uint64_t r = (x & PRIME) + (x >> 61);
    return r >= PRIME ? r - PRIME : r;
}

void curate_minhash_minima_portable(const uint64_t *shingles, size_t shingle_count,
                                    const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima) {
    for (size_t i = 0; i < count; i++) minima[i] = UINT64_MAX;
    for (size_t s = 0; s < shingle_count; s++) {
        uint64_t h = reduce61(shingles[s]);
        for (size_t i = 0; i < count; i++) {
            unsigned __int128 product = (unsigned __int128)a[i] * h;
            uint64_t low = (uint64_t)product, high = (uint64_t)(product >> 64);
            // product = high·2^64 + low ≡ 8·high + low (mod p), since 2^64 = 8·2^61 ≡ 8.
            uint64_t value = reduce61(reduce61(low) + (high << 3) + b[i]);
            if (value < minima[i]) minima[i] = value;
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

// (a·h + b) mod p for 4 permutations at once, with 32-bit limbs (AVX2 multiplies 32×32 → 64 only):
// a = a1·2^32 + a0, h = h1·2^32 + h0, a, h < 2^61, so a1, h1 < 2^29.
// a·h = a1h1·2^64 + (a1h0 + a0h1)·2^32 + a0h0, and mod p: 2^64 ≡ 8; m·2^32 ≡ (m >> 29) + (m mod 2^29)·2^32.
// Every term is below 2^61 (the middle sum m below 2^62), so the sum of six stays below 2^64.
static inline AVX2 __m256i permute4(__m256i a0, __m256i a1, __m256i b, __m256i h0, __m256i h1,
                                    __m256i prime, __m256i low29) {
    __m256i t0 = _mm256_mul_epu32(a0, h0);
    __m256i mid = _mm256_add_epi64(_mm256_mul_epu32(a1, h0), _mm256_mul_epu32(a0, h1));
    __m256i t2 = _mm256_mul_epu32(a1, h1);
    __m256i sum = _mm256_add_epi64(_mm256_slli_epi64(t2, 3), _mm256_srli_epi64(mid, 29));
    sum = _mm256_add_epi64(sum, _mm256_slli_epi64(_mm256_and_si256(mid, low29), 32));
    sum = _mm256_add_epi64(sum, _mm256_and_si256(t0, prime));
    sum = _mm256_add_epi64(sum, _mm256_srli_epi64(t0, 61));
    sum = _mm256_add_epi64(sum, b);
    __m256i r = _mm256_add_epi64(_mm256_and_si256(sum, prime), _mm256_srli_epi64(sum, 61));
    // r < 2^61 + 8: subtract p once where r ≥ p (signed compares are safe below 2^63).
    __m256i below = _mm256_cmpgt_epi64(prime, r);
    return _mm256_blendv_epi8(_mm256_sub_epi64(r, prime), r, below);
}

// Minima for blocks of 32 permutations (8 vectors held in registers), each over all shingles.
static AVX2 void minima_avx2(const uint64_t *shingles, size_t shingle_count,
                             const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima) {
    const __m256i prime = _mm256_set1_epi64x((long long)PRIME);
    const __m256i low29 = _mm256_set1_epi64x((1LL << 29) - 1);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFLL);
    size_t vectors = count / 4;
    for (size_t start = 0; start < vectors; start += 8) {
        size_t width = vectors - start < 8 ? vectors - start : 8;
        __m256i a0[8], a1[8], bv[8], mins[8];
        for (size_t v = 0; v < width; v++) {
            __m256i av = _mm256_loadu_si256((const __m256i *)(a + 4 * (start + v)));
            a0[v] = _mm256_and_si256(av, low32);
            a1[v] = _mm256_srli_epi64(av, 32);
            bv[v] = _mm256_loadu_si256((const __m256i *)(b + 4 * (start + v)));
            mins[v] = _mm256_set1_epi64x((long long)PRIME); // above every value (values are < p)
        }
        for (size_t s = 0; s < shingle_count; s++) {
            uint64_t h = reduce61(shingles[s]);
            __m256i h0 = _mm256_set1_epi64x((long long)(h & 0xFFFFFFFFULL));
            __m256i h1 = _mm256_set1_epi64x((long long)(h >> 32));
            if (width == 8) {
                for (size_t v = 0; v < 8; v++) {
                    __m256i value = permute4(a0[v], a1[v], bv[v], h0, h1, prime, low29);
                    __m256i smaller = _mm256_cmpgt_epi64(mins[v], value);
                    mins[v] = _mm256_blendv_epi8(mins[v], value, smaller);
                }
            } else {
                for (size_t v = 0; v < width; v++) {
                    __m256i value = permute4(a0[v], a1[v], bv[v], h0, h1, prime, low29);
                    __m256i smaller = _mm256_cmpgt_epi64(mins[v], value);
                    mins[v] = _mm256_blendv_epi8(mins[v], value, smaller);
                }
            }
        }
        for (size_t v = 0; v < width; v++) _mm256_storeu_si256((__m256i *)(minima + 4 * (start + v)), mins[v]);
    }
    // Permutations beyond a multiple of 4, and the empty case, as the portable path does them.
    size_t done = vectors * 4;
    if (done < count) {
        curate_minhash_minima_portable(shingles, shingle_count, a + done, b + done, count - done, minima + done);
    }
    if (shingle_count == 0) {
        for (size_t i = 0; i < count; i++) minima[i] = UINT64_MAX;
    }
}

int curate_minhash_uses_avx2(void) {
    __builtin_cpu_init(); // idempotent: reads CPUID once per process
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

void curate_minhash_minima(const uint64_t *shingles, size_t shingle_count,
                           const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima) {
    if (curate_minhash_uses_avx2()) {
        minima_avx2(shingles, shingle_count, a, b, count, minima);
    } else {
        curate_minhash_minima_portable(shingles, shingle_count, a, b, count, minima);
    }
}
#else
int curate_minhash_uses_avx2(void) { return 0; }

void curate_minhash_minima(const uint64_t *shingles, size_t shingle_count,
                           const uint64_t *a, const uint64_t *b, size_t count, uint64_t *minima) {
    curate_minhash_minima_portable(shingles, shingle_count, a, b, count, minima);
}
#endif
