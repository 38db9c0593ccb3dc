#ifndef CURATE_CTRAINKERNELS_H
#define CURATE_CTRAINKERNELS_H

/// The trainer's element-wise hot loops in Float32, vectorised with AVX2 and FMA when the CPU has them
/// (a run-time check); the portable versions give the same results within float rounding.

/// In place: row[i] = exp(row[i] - max) / sum, over `count` values.
void curate_softmax_f32(float *row, int count);

/// GPT-2's tanh GELU: out[i] = x/2 (1 + tanh(√(2/π)(x + 0.044715 x³))).
void curate_gelu_forward_f32(float *out, const float *input, int count);

/// dinput[i] += gelu'(input[i]) · dout[i].
void curate_gelu_backward_f32(float *dinput, const float *input, const float *dout, int count);

int curate_train_kernels_use_avx2(void);

/// What the CPU offers the BLAS kernels (cpuid, through the compiler's builtins): bit 0 AVX2 and FMA
/// (OpenBLAS's Haswell kernels), bit 1 AVX-512 F, BW, DQ and VL (SkylakeX), bit 2 AVX-512 BF16
/// (Cooperlake). 0 off x86-64.
int curate_cpu_blas_features(void);

#endif
