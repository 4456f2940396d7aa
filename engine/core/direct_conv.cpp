#include "core/direct_conv.h"

#include <algorithm>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <immintrin.h>
#endif

namespace bpl {
namespace direct_conv {

namespace {

#if defined(__wasm_simd128__)
#define BPL_LANES 4
constexpr int kRowVectors = 2;   // vectors of one output row per step (registers: 16 in V8 on x86-64)
constexpr int kPoolVectors = 1;  // forward_pool: vectors of each of 2 rows
constexpr bool kWide = false;
#elif defined(__AVX512F__)
#define BPL_LANES 8
constexpr int kRowVectors = 3;   // 32 vector registers: up to 8 × 3 accumulators
constexpr int kPoolVectors = 2;  // up to 6 channels × 2 rows × 2
constexpr bool kWide = true;
#elif defined(__AVX__)
#define BPL_LANES 8
constexpr int kRowVectors = 2;
constexpr int kPoolVectors = 1;
constexpr bool kWide = true;
#else
#define BPL_LANES 4
constexpr int kRowVectors = 2;
constexpr int kPoolVectors = 1;
constexpr bool kWide = false;
#endif
constexpr int L = BPL_LANES;
typedef float vf __attribute__((vector_size(BPL_LANES * sizeof(float))));

inline vf load(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}
inline void store(float* p, vf v) {
  std::memcpy(p, &v, sizeof v);
}
// one float in every lane, by the instruction made for it (a lane-by-lane loop is sometimes
// compiled into inserts, and vf{} + s would add 0, which is not exact for −0)
inline vf splat(float s) {
#if defined(__wasm_simd128__)
  return (vf)wasm_f32x4_splat(s);
#elif defined(__AVX__)
  return _mm256_set1_ps(s);
#else
  return _mm_set1_ps(s);
#endif
}
inline float hsum(vf v) {
  float s = 0.0f;
  for (int i = 0; i < L; ++i) s += v[i];
  return s;
}

// COB output channels × JB output vectors, `step_in` / `step_out` floats apart (the next vector of
// the row, or the next row when a row is one vector): COB·JB accumulators in registers.
// in → (ci 0, row i, column j), out → (channel co0, row i, column j), wk and bias → column co0
template <int COB, int JB>
inline void forward_block(const float* in, int cin, long plane_in, int ld_in, const float* wk, int cout_r,
                          const float* bias, int kh, int kw, float* out, long plane_out, long step_in, long step_out,
                          bool relu, int u0 = 0, int u1 = -1) {
  if (u1 < 0) u1 = kh;  // kernel rows u0..u1−1 (backward_data skips rows that read only zeros)
  vf acc[COB][JB];
  for (int c = 0; c < COB; ++c)
    for (int b = 0; b < JB; ++b) acc[c][b] = splat(bias[c]);
  for (int ci = 0; ci < cin; ++ci)
    for (int u = u0; u < u1; ++u) {
      const float* row = in + ci * plane_in + static_cast<long>(u) * ld_in;
      const float* w = wk + static_cast<long>((ci * kh + u) * kw) * cout_r;
      for (int v = 0; v < kw; ++v, w += cout_r) {
        vf x[JB];
        for (int b = 0; b < JB; ++b) x[b] = load(row + v + b * step_in);
        for (int c = 0; c < COB; ++c) {
          const vf wc = splat(w[c]);
          for (int b = 0; b < JB; ++b) acc[c][b] += wc * x[b];  // + W[co, ci, u, v] · x[ci, i+u, j+v]
        }
      }
    }
  if (relu)
    for (int c = 0; c < COB; ++c)
      for (int b = 0; b < JB; ++b) acc[c][b] = acc[c][b] > 0.0f ? acc[c][b] : 0.0f;  // max(0, z), NaN → 0 as ReLU
  for (int c = 0; c < COB; ++c)
    for (int b = 0; b < JB; ++b) store(out + c * plane_out + b * step_out, acc[c][b]);
}

template <int COB>
void forward_channels(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias,
                      int cout_r, int kh, int kw, int ho, int wo_r, float* out, long plane_out, int ld_out, bool relu) {
  constexpr int JB = kRowVectors;
  for (int co = 0; co < cout_r; co += COB) {
    const float *w = wk + co, *b = bias + co;
    if (wo_r == L) {  // rows of one vector (LeNet-5's second layer): JB rows at a time
      int i = 0;
      for (; i + JB <= ho; i += JB)
        forward_block<COB, JB>(in + static_cast<long>(i) * ld_in, cin, plane_in, ld_in, w, cout_r, b, kh, kw,
                               out + co * plane_out + static_cast<long>(i) * ld_out, plane_out, ld_in, ld_out, relu);
      if (JB > 2 && i + 2 <= ho) {
        forward_block<COB, 2>(in + static_cast<long>(i) * ld_in, cin, plane_in, ld_in, w, cout_r, b, kh, kw,
                              out + co * plane_out + static_cast<long>(i) * ld_out, plane_out, ld_in, ld_out, relu);
        i += 2;
      }
      for (; i < ho; ++i)
        forward_block<COB, 1>(in + static_cast<long>(i) * ld_in, cin, plane_in, ld_in, w, cout_r, b, kh, kw,
                              out + co * plane_out + static_cast<long>(i) * ld_out, plane_out, L, L, relu);
      continue;
    }
    for (int i = 0; i < ho; ++i) {
      const float* src = in + static_cast<long>(i) * ld_in;
      float* dst = out + co * plane_out + static_cast<long>(i) * ld_out;
      int j = 0;
      for (; j + JB * L <= wo_r; j += JB * L)
        forward_block<COB, JB>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j, plane_out, L, L, relu);
      if (JB > 2 && j + 2 * L <= wo_r) {
        forward_block<COB, 2>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j, plane_out, L, L, relu);
        j += 2 * L;
      }
      for (; j < wo_r; j += L)
        forward_block<COB, 1>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j, plane_out, L, L, relu);
    }
  }
}

// Evaluation: a convolution followed by ReLU and 2×2 max pooling (stride 2) in one pass. COB
// output channels × 2 output rows (one pooling window's rows) × NV vectors of those rows stay
// in registers while the kh·kw·cin terms are added (each term in forward_block's order, so
// every sum is forward's); then max(0, ·), the maximum down the window (the two rows) and
// across it (neighbouring lanes, by two shuffles) are taken in registers and only the pooled
// values are stored: NV/2 whole vectors, or half of one for an odd NV.
// in → (ci 0, row 2p, column j), out → (channel co0, pooled row p, column j/2)
inline vf pool_pairs(vf a, vf b) {  // max of lanes (2m, 2m+1) of a then b
#if BPL_LANES == 8
  const vf even = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
  const vf odd = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
#else
  const vf even = __builtin_shufflevector(a, b, 0, 2, 4, 6);
  const vf odd = __builtin_shufflevector(a, b, 1, 3, 5, 7);
#endif
  return even > odd ? even : odd;  // both ≥ +0 after ReLU (no NaN, no −0): any maximum is the maximum
}

template <int COB, int NV>
inline void forward_pool_block(const float* in, int cin, long plane_in, int ld_in, const float* wk, int cout_r,
                               const float* bias, int kh, int kw, float* out, long plane_out) {
  vf acc[COB][2][NV];
  for (int c = 0; c < COB; ++c)
    for (int r = 0; r < 2; ++r)
      for (int b = 0; b < NV; ++b) acc[c][r][b] = splat(bias[c]);
  for (int ci = 0; ci < cin; ++ci)
    for (int u = 0; u < kh; ++u) {
      const float* row = in + ci * plane_in + static_cast<long>(u) * ld_in;
      const float* w = wk + static_cast<long>((ci * kh + u) * kw) * cout_r;
      for (int v = 0; v < kw; ++v, w += cout_r) {
        vf x[2][NV];
        for (int r = 0; r < 2; ++r)
          for (int b = 0; b < NV; ++b) x[r][b] = load(row + r * ld_in + v + b * L);
        for (int c = 0; c < COB; ++c) {
          const vf wc = splat(w[c]);
          for (int r = 0; r < 2; ++r)
            for (int b = 0; b < NV; ++b) acc[c][r][b] += wc * x[r][b];  // + W[co, ci, u, v] · x[ci, i+u, j+v]
        }
      }
    }
  for (int c = 0; c < COB; ++c) {
    vf m[NV];
    for (int b = 0; b < NV; ++b) {
      const vf a0 = acc[c][0][b] > 0.0f ? acc[c][0][b] : 0.0f, a1 = acc[c][1][b] > 0.0f ? acc[c][1][b] : 0.0f;
      m[b] = a0 > a1 ? a0 : a1;  // max(0, z), then the maximum down the window
    }
    float* o = out + c * plane_out;
    int b = 0;
    for (; b + 2 <= NV; b += 2, o += L) store(o, pool_pairs(m[b], m[b + 1]));  // and across it
    if (b < NV) {
      const vf p = pool_pairs(m[b], m[b]);
      std::memcpy(o, &p, sizeof(float) * L / 2);
    }
  }
}

template <int COB, int NV>
void forward_pool_channels(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias,
                           int cout_r, int kh, int kw, int ho, int wo_r, float* out, long plane_out, int ld_out) {
  for (int co = 0; co < cout_r; co += COB) {
    const float *w = wk + co, *b = bias + co;
    for (int i = 0; i + 1 < ho; i += 2) {
      const float* src = in + static_cast<long>(i) * ld_in;
      float* dst = out + co * plane_out + static_cast<long>(i / 2) * ld_out;
      int j = 0;
      for (; j + NV * L <= wo_r; j += NV * L)
        forward_pool_block<COB, NV>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j / 2, plane_out);
      if (NV > 2 && j + 2 * L <= wo_r) {
        forward_pool_block<COB, 2>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j / 2, plane_out);
        j += 2 * L;
      }
      for (; j < wo_r; j += L)
        forward_pool_block<COB, 1>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j / 2, plane_out);
    }
  }
}

// The full correlation for ∂L/∂x: `in` is ∂L/∂y padded by kh−1 zero rows above and below; output
// row r reads its rows r..r+kh−1, of which only u ∈ [kh−1−r, kh−1+rows−1−r] hold ∂L/∂y: the
// others are skipped (a third of LeNet-5's second layer), one row of whole vectors at a time.
template <int COB>
void backward_data_channels(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias,
                            int cout_r, int kh, int kw, int rows, int ho, int wo_r, float* out, long plane_out,
                            int ld_out) {
  constexpr int JB = kRowVectors;
  for (int co = 0; co < cout_r; co += COB)
    for (int i = 0; i < ho; ++i) {
      const int u0 = std::max(0, kh - 1 - i), u1 = std::min(kh, kh - 1 + rows - i);
      const float* src = in + static_cast<long>(i) * ld_in;
      float* dst = out + co * plane_out + static_cast<long>(i) * ld_out;
      const float *w = wk + co, *b = bias + co;
      int j = 0;
      for (; j + JB * L <= wo_r; j += JB * L)
        forward_block<COB, JB>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j, plane_out, L, L, false, u0,
                               u1);
      for (; j < wo_r; j += L)
        forward_block<COB, 1>(src + j, cin, plane_in, ld_in, w, cout_r, b, kh, kw, dst + j, plane_out, L, L, false, u0,
                              u1);
    }
}

// COB output channels × VB kernel columns v0..v0+VB of one (ci, u): COB·VB dot products over
// the output positions of every image of the batch (one horizontal sum per product at the end).
// in → (image 0, ci, row u, column v0), dy → (image 0, channel co0), dwk → (k of v0, co0)
struct Batch {
  int images;
  long image_in, image_dy;  // floats from one image to the next
};

template <int COB, int VB>
inline void weight_grad_block(const float* in, int ld_in, const float* dy, long plane_dy, int ld_dy, int ho, int wo_r,
                              float* dwk, int cout, Batch batch) {
  vf acc[COB][VB];
  for (int c = 0; c < COB; ++c)
    for (int v = 0; v < VB; ++v) acc[c][v] = vf{};
  for (int n = 0; n < batch.images; ++n)
    for (int i = 0; i < ho; ++i) {
      const float* xr = in + n * batch.image_in + static_cast<long>(i) * ld_in;
      const float* dr = dy + n * batch.image_dy + static_cast<long>(i) * ld_dy;
      for (int j = 0; j < wo_r; j += L) {
        vf x[VB];
        for (int v = 0; v < VB; ++v) x[v] = load(xr + j + v);
        for (int c = 0; c < COB; ++c) {
          const vf d = load(dr + c * plane_dy + j);
          for (int v = 0; v < VB; ++v) acc[c][v] += d * x[v];  // ∂L/∂y[co, i, j] · x[ci, i+u, j+v]
        }
      }
    }
  for (int c = 0; c < COB; ++c)
    for (int v = 0; v < VB; ++v) dwk[static_cast<long>(v) * cout + c] += hsum(acc[c][v]);
}

template <int COB>
void weight_grad_channels(const float* in, int ld_in, const float* dy, long plane_dy, int ld_dy, int ho, int wo_r,
                          float* dwk, int cout, int kw, Batch batch) {
  int v = 0;
  for (; v + 4 <= kw; v += 4)
    weight_grad_block<COB, 4>(in + v, ld_in, dy, plane_dy, ld_dy, ho, wo_r, dwk + static_cast<long>(v) * cout, cout,
                              batch);
  switch (kw - v) {
    case 3:
      weight_grad_block<COB, 3>(in + v, ld_in, dy, plane_dy, ld_dy, ho, wo_r, dwk + static_cast<long>(v) * cout, cout,
                                batch);
      break;
    case 2:
      weight_grad_block<COB, 2>(in + v, ld_in, dy, plane_dy, ld_dy, ho, wo_r, dwk + static_cast<long>(v) * cout, cout,
                                batch);
      break;
    case 1:
      weight_grad_block<COB, 1>(in + v, ld_in, dy, plane_dy, ld_dy, ho, wo_r, dwk + static_cast<long>(v) * cout, cout,
                                batch);
      break;
    default:
      break;
  }
}

}  // namespace

int lanes() {
  return L;
}

int channel_block(int cout) {
  if (kWide && cout % 8 == 0) return 8;
  if (cout % 6 == 0) return 6;
  return 4;
}

void forward(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r, int kh,
             int kw, int ho, int wo_r, float* out, long plane_out, int ld_out, bool relu) {
  switch (channel_block(cout_r)) {
    case 8:
      forward_channels<8>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out, plane_out, ld_out, relu);
      break;
    case 6:
      forward_channels<6>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out, plane_out, ld_out, relu);
      break;
    default:
      forward_channels<4>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out, plane_out, ld_out, relu);
      break;
  }
}

void forward_pool(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r,
                  int kh, int kw, int ho, int wo_r, float* out, long plane_out, int ld_out) {
  if (!kWide && wo_r >= 2 * L && cout_r % 2 == 0)  // 16 registers: 2 channels × 2 rows × 2 vectors
    return forward_pool_channels<2, 2>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out, plane_out,
                                       ld_out);
  switch (channel_block(cout_r)) {
    case 8:
      forward_pool_channels<8, kPoolVectors>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out,
                                             plane_out, ld_out);
      break;
    case 6:
      forward_pool_channels<6, kPoolVectors>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out,
                                             plane_out, ld_out);
      break;
    default:
      forward_pool_channels<4, kPoolVectors>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, ho, wo_r, out,
                                             plane_out, ld_out);
      break;
  }
}

void backward_data(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r,
                   int kh, int kw, int rows, int ho, int wo_r, float* out, long plane_out, int ld_out) {
  switch (channel_block(cout_r)) {
    case 8:
      backward_data_channels<8>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, rows, ho, wo_r, out, plane_out,
                                ld_out);
      break;
    case 6:
      backward_data_channels<6>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, rows, ho, wo_r, out, plane_out,
                                ld_out);
      break;
    default:
      backward_data_channels<4>(in, cin, plane_in, ld_in, wk, bias, cout_r, kh, kw, rows, ho, wo_r, out, plane_out,
                                ld_out);
      break;
  }
}

void weight_grad(const float* in, int cin, long plane_in, int ld_in, long image_in, const float* dy, int cout,
                 long plane_dy, int ld_dy, long image_dy, int images, int kh, int kw, int ho, int wo_r, float* dwk) {
  constexpr int COB = 4;
  const Batch batch{images, image_in, image_dy};
  for (int ci = 0; ci < cin; ++ci)
    for (int u = 0; u < kh; ++u) {
      const float* x = in + ci * plane_in + static_cast<long>(u) * ld_in;
      float* dw = dwk + static_cast<long>((ci * kh + u) * kw) * cout;
      int co = 0;
      for (; co + COB <= cout; co += COB)
        weight_grad_channels<COB>(x, ld_in, dy + co * plane_dy, plane_dy, ld_dy, ho, wo_r, dw + co, cout, kw, batch);
      for (; co < cout; ++co)
        weight_grad_channels<1>(x, ld_in, dy + co * plane_dy, plane_dy, ld_dy, ho, wo_r, dw + co, cout, kw, batch);
    }
}

}  // namespace direct_conv
}  // namespace bpl
