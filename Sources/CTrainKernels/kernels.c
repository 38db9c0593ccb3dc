// Element-wise loops of the trainer (softmax, GELU) in C: they need a vectorised exp and tanh, which
// libm computes one value at a time (a profile put expf and tanhf at a fifth of a training step), and
// AVX2 + FMA with a run-time check, which Swift cannot express. exp uses the usual range reduction
// x = n·ln2 + r and a degree-6 polynomial for e^r (relative error about 1e-7); tanh(y) = 1 − 2/(e^{2y} + 1).
#include "CTrainKernels.h"
#include <math.h>

#define GELU_SCALE 0.7978845608028654f
#define GELU_CUBIC 0.044715f

static void softmax_portable(float *row, int count) {
    float maximum = -INFINITY;
    for (int i = 0; i < count; i++) if (row[i] > maximum) maximum = row[i];
    float sum = 0;
    for (int i = 0; i < count; i++) { row[i] = expf(row[i] - maximum); sum += row[i]; }
    float inverse = 1.0f / sum;
    for (int i = 0; i < count; i++) row[i] *= inverse;
}

static void gelu_forward_portable(float *out, const float *input, int count) {
    for (int i = 0; i < count; i++) {
        float x = input[i];
        out[i] = 0.5f * x * (1.0f + tanhf(GELU_SCALE * (x + GELU_CUBIC * x * x * x)));
    }
}

static void gelu_backward_portable(float *dinput, const float *input, const float *dout, int count) {
    for (int i = 0; i < count; i++) {
        float x = input[i];
        float th = tanhf(GELU_SCALE * (x + GELU_CUBIC * x * x * x));
        float local = 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * GELU_SCALE * (1.0f + 3.0f * GELU_CUBIC * x * x);
        dinput[i] += local * dout[i];
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

static inline AVX2 __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.7f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

static inline AVX2 __m256 tanh8(__m256 y) {
    // tanh(y) = 1 − 2 / (e^{2y} + 1); saturates cleanly for large |y| (exp clamps).
    __m256 e = exp8(_mm256_add_ps(y, y));
    return _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
}

static AVX2 void softmax_avx2(float *row, int count) {
    int i = 0;
    __m256 vmax = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= count; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(row + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, vmax);
    float maximum = -INFINITY;
    for (int k = 0; k < 8; k++) if (lanes[k] > maximum) maximum = lanes[k];
    for (; i < count; i++) if (row[i] > maximum) maximum = row[i];
    __m256 m = _mm256_set1_ps(maximum), vsum = _mm256_setzero_ps();
    i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + i), m));
        _mm256_storeu_ps(row + i, e);
        vsum = _mm256_add_ps(vsum, e);
    }
    _mm256_storeu_ps(lanes, vsum);
    float sum = 0;
    for (int k = 0; k < 8; k++) sum += lanes[k];
    for (; i < count; i++) { row[i] = expf(row[i] - maximum); sum += row[i]; }
    __m256 inverse = _mm256_set1_ps(1.0f / sum);
    i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), inverse));
    for (; i < count; i++) row[i] *= 1.0f / sum;
}

static AVX2 void gelu_forward_avx2(float *out, const float *input, int count) {
    int i = 0;
    const __m256 scale = _mm256_set1_ps(GELU_SCALE), cubic = _mm256_set1_ps(GELU_CUBIC), half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(input + i);
        __m256 inner = _mm256_mul_ps(scale, _mm256_fmadd_ps(_mm256_mul_ps(cubic, x), _mm256_mul_ps(x, x), x));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, tanh8(inner))));
    }
    gelu_forward_portable(out + i, input + i, count - i);
}

static AVX2 void gelu_backward_avx2(float *dinput, const float *input, const float *dout, int count) {
    int i = 0;
    const __m256 scale = _mm256_set1_ps(GELU_SCALE), cubic = _mm256_set1_ps(GELU_CUBIC), cubic3 = _mm256_set1_ps(3.0f * GELU_CUBIC);
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(input + i);
        __m256 x2 = _mm256_mul_ps(x, x);
        __m256 th = tanh8(_mm256_mul_ps(scale, _mm256_fmadd_ps(_mm256_mul_ps(cubic, x), x2, x)));
        __m256 sech2 = _mm256_fnmadd_ps(th, th, one);
        __m256 local = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(half, x), sech2), _mm256_mul_ps(scale, _mm256_fmadd_ps(cubic3, x2, one)),
                                       _mm256_mul_ps(half, _mm256_add_ps(one, th)));
        _mm256_storeu_ps(dinput + i, _mm256_fmadd_ps(local, _mm256_loadu_ps(dout + i), _mm256_loadu_ps(dinput + i)));
    }
    gelu_backward_portable(dinput + i, input + i, dout + i, count - i);
}

int curate_train_kernels_use_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int curate_cpu_blas_features(void) {
    __builtin_cpu_init();
    int features = curate_train_kernels_use_avx2();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl")) features |= 2;
    if ((features & 2) && __builtin_cpu_supports("avx512bf16")) features |= 4;
    return features;
}

void curate_softmax_f32(float *row, int count) {
    if (curate_train_kernels_use_avx2()) softmax_avx2(row, count); else softmax_portable(row, count);
}
void curate_gelu_forward_f32(float *out, const float *input, int count) {
    if (curate_train_kernels_use_avx2()) gelu_forward_avx2(out, input, count); else gelu_forward_portable(out, input, count);
}
void curate_gelu_backward_f32(float *dinput, const float *input, const float *dout, int count) {
    if (curate_train_kernels_use_avx2()) gelu_backward_avx2(dinput, input, dout, count); else gelu_backward_portable(dinput, input, dout, count);
}
#else
int curate_train_kernels_use_avx2(void) { return 0; }
int curate_cpu_blas_features(void) { return 0; }
void curate_softmax_f32(float *row, int count) { softmax_portable(row, count); }
void curate_gelu_forward_f32(float *out, const float *input, int count) { gelu_forward_portable(out, input, count); }
void curate_gelu_backward_f32(float *dinput, const float *input, const float *dout, int count) { gelu_backward_portable(dinput, input, dout, count); }
#endif
