#include "core/gemm.h"

#include "core/tensor.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace bpl {

void gemm_abt_reference(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  for (int n = 0; n < N; ++n)
    for (int m = 0; m < M; ++m) {
      float s = 0.0f;
      for (int k = 0; k < K; ++k) s += A[m + static_cast<long>(lda) * k] * B[n + static_cast<long>(ldb) * k];
      C[m + static_cast<long>(ldc) * n] = s;  // C[m, n] = Σ_k A[m, k] · B[n, k]
    }
}

void gemm_atb_reference(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  for (int n = 0; n < N; ++n)
    for (int m = 0; m < M; ++m) {
      float s = 0.0f;
      for (int k = 0; k < K; ++k) s += A[k + static_cast<long>(lda) * m] * B[k + static_cast<long>(ldb) * n];
      C[m + static_cast<long>(ldc) * n] = s;  // C[m, n] = Σ_k A[k, m] · B[k, n]
    }
}

#ifdef __wasm_simd128__

namespace {

inline float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// C[m..m+MB, n..n+NB) as dot products of columns of A and B, 4 lanes at a time
template <int MB, int NB>
inline void dots(const float* A, long lda, const float* B, long ldb, float* C, long ldc, int K) {
  v128_t acc[MB][NB];
  for (int i = 0; i < MB; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 4 <= K; k += 4) {
    v128_t a[MB], b[NB];
    for (int i = 0; i < MB; ++i) a[i] = wasm_v128_load(A + lda * i + k);
    for (int j = 0; j < NB; ++j) b[j] = wasm_v128_load(B + ldb * j + k);
    for (int i = 0; i < MB; ++i)
      for (int j = 0; j < NB; ++j) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(a[i], b[j]));
  }
  for (int i = 0; i < MB; ++i)
    for (int j = 0; j < NB; ++j) {
      float s = hsum(acc[i][j]);
      for (int kk = k; kk < K; ++kk) s += A[lda * i + kk] * B[ldb * j + kk];
      C[i + ldc * j] = s;
    }
}

// C[r..r+8, n..n+NB) = Σ_k A[r..r+8, k] · B[n..n+NB, k]: 2·NB accumulators of 4 lanes
template <int NB>
inline void kernel_8xNB(const float* A, long lda, const float* B, long ldb, float* C, long ldc, int K) {
  v128_t acc0[NB], acc1[NB];
  for (int j = 0; j < NB; ++j) acc0[j] = acc1[j] = wasm_f32x4_splat(0.0f);
  for (int k = 0; k < K; ++k) {
    const float* a = A + lda * k;
    const v128_t a0 = wasm_v128_load(a), a1 = wasm_v128_load(a + 4);
    const float* b = B + ldb * k;
    for (int j = 0; j < NB; ++j) {
      const v128_t bj = wasm_f32x4_splat(b[j]);
      acc0[j] = wasm_f32x4_add(acc0[j], wasm_f32x4_mul(a0, bj));
      acc1[j] = wasm_f32x4_add(acc1[j], wasm_f32x4_mul(a1, bj));
    }
  }
  for (int j = 0; j < NB; ++j) {
    wasm_v128_store(C + ldc * j, acc0[j]);
    wasm_v128_store(C + ldc * j + 4, acc1[j]);
  }
}

template <int NB>
inline void kernel_4xNB(const float* A, long lda, const float* B, long ldb, float* C, long ldc, int K) {
  v128_t acc[NB];
  for (int j = 0; j < NB; ++j) acc[j] = wasm_f32x4_splat(0.0f);
  for (int k = 0; k < K; ++k) {
    const v128_t a0 = wasm_v128_load(A + lda * k);
    const float* b = B + ldb * k;
    for (int j = 0; j < NB; ++j) acc[j] = wasm_f32x4_add(acc[j], wasm_f32x4_mul(a0, wasm_f32x4_splat(b[j])));
  }
  for (int j = 0; j < NB; ++j) wasm_v128_store(C + ldc * j, acc[j]);
}

template <int NB>
void column_block(const float* A, long lda, const float* B, long ldb, float* C, long ldc, int M, int K) {
  int m = 0;
  for (; m + 8 <= M; m += 8) kernel_8xNB<NB>(A + m, lda, B, ldb, C + m, ldc, K);
  for (; m + 4 <= M; m += 4) kernel_4xNB<NB>(A + m, lda, B, ldb, C + m, ldc, K);
  for (; m < M; ++m)
    for (int j = 0; j < NB; ++j) {
      float s = 0.0f;
      for (int k = 0; k < K; ++k) s += A[m + lda * k] * B[j + ldb * k];
      C[m + ldc * j] = s;
    }
}

}  // namespace

void gemm_abt(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  // rows in chunks that keep a chunk of A (chunk × K floats) in cache across the column blocks
  const int chunk = 256;
  for (int m0 = 0; m0 < M; m0 += chunk) {
    const int mc = M - m0 < chunk ? M - m0 : chunk;
    int n = 0;
    for (; n + 4 <= N; n += 4)
      column_block<4>(A + m0, lda, B + n, ldb, C + m0 + static_cast<long>(ldc) * n, ldc, mc, K);
    const float* Bn = B + n;
    float* Cn = C + m0 + static_cast<long>(ldc) * n;
    switch (N - n) {
      case 3:
        column_block<3>(A + m0, lda, Bn, ldb, Cn, ldc, mc, K);
        break;
      case 2:
        column_block<2>(A + m0, lda, Bn, ldb, Cn, ldc, mc, K);
        break;
      case 1:
        column_block<1>(A + m0, lda, Bn, ldb, Cn, ldc, mc, K);
        break;
      default:
        break;
    }
  }
}

bool gemm_abt_is_simd() {
  return true;
}

void gemm_atb(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  // K in chunks so the 2 + 4 columns being read stay in cache; partial sums added up in C
  const long la = lda, lb = ldb, lc = ldc;
  int m = 0;
  for (; m + 2 <= M; m += 2) {
    int n = 0;
    for (; n + 4 <= N; n += 4) dots<2, 4>(A + la * m, la, B + lb * n, lb, C + m + lc * n, lc, K);
    for (; n < N; ++n) dots<2, 1>(A + la * m, la, B + lb * n, lb, C + m + lc * n, lc, K);
  }
  for (; m < M; ++m) {
    int n = 0;
    for (; n + 4 <= N; n += 4) dots<1, 4>(A + la * m, la, B + lb * n, lb, C + m + lc * n, lc, K);
    for (; n < N; ++n) dots<1, 1>(A + la * m, la, B + lb * n, lb, C + m + lc * n, lc, K);
  }
}

#else

void gemm_abt(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Matrix, 0, Stride> a(A, M, K, Stride(lda)), b(B, N, K, Stride(ldb));
  Eigen::Map<Matrix, 0, Stride> c(C, M, N, Stride(ldc));
  c.noalias() = a * b.transpose();
}

bool gemm_abt_is_simd() {
  return false;
}

void gemm_atb(const float* A, int lda, const float* B, int ldb, float* C, int ldc, int M, int N, int K) {
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Matrix, 0, Stride> a(A, K, M, Stride(lda)), b(B, K, N, Stride(ldb));
  Eigen::Map<Matrix, 0, Stride> c(C, M, N, Stride(ldc));
  c.noalias() = a.transpose() * b;
}

#endif

}  // namespace bpl
