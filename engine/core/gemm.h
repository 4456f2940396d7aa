// C = A · Bᵀ for column-major float matrices, the shape of a convolution's GEMM:
//   A : M × K (leading dimension lda)      e.g. im2col windows (P·B × Cin·k·k)
//   B : N × K (leading dimension ldb)      e.g. the filters W (Cout × Cin·k·k)
//   C : M × N (leading dimension ldc)      e.g. the outputs (P·B × Cout)
// Eigen 3.4 has no WebAssembly SIMD code, so in the browser its GEMM runs on whatever clang
// auto-vectorises, and is slow when N (the filters) is small. The WebAssembly build uses a
// register-blocked f32x4 kernel here (8 rows × 4 columns of C per step, A read in place);
// every other build, and gemm_abt_reference, use plain loops / Eigen. A test checks that the
// kernel and the reference agree on random shapes, including ragged edges.
#pragma once

namespace bpl {

void gemm_abt(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K);
// C = Aᵀ · B with A : K × M, B : K × N (column-major), C : M × N: the weight gradient of a
// convolution, ∂L/∂W = ∂L/∂outᵀ · col, whose inner dimension (P·B) is long and contiguous.
void gemm_atb(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K);
void gemm_atb_reference(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K);
// the same product by the definition, three loops (for the agreement test)
void gemm_abt_reference(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K);
// true when gemm_abt uses the WebAssembly SIMD kernel in this build
bool gemm_abt_is_simd();

}  // namespace bpl
