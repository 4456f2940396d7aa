// Direct (im2col-free) kernels of a stride-1 convolution, vectorised along an output row:
// 8 floats per vector natively (AVX), 4 in WebAssembly (SIMD128), written once with the
// compiler's vector extensions. A convolution's GEMMs are skinny (LeNet-5: 6 and 16 output
// channels) and im2col copies every input value kh·kw times; here a block of output channels ×
// a few vectors of one output row stay in registers while the kh·kw·cin terms are added, the
// inputs read in place from a zero-padded copy of the image. Conv2D uses them for stride 1
// (every preset); tests/engine/test_conv2d.cpp checks them against the reference loops.
//
// Layouts (one image, row-major planes; "ld" = row stride in floats):
//   in   cin planes of rows × ld_in, zero wherever the convolution reads outside the image,
//        readable up to column wo_r + kw − 2 of every row it reads
//   wk   packed weights, K × cout_r (K = cin·kh·kw, k = (ci·kh + u)·kw + v): wk[k·cout_r + co],
//        zero for co ≥ cout (cout_r = cout rounded up to channel_block(cout))
//   out  cout_r planes of ho rows × ld_out (ld_out ≥ wo_r): every column < wo_r is written
//   wo_r the output width rounded up to lanes()
#pragma once

namespace bpl {
namespace direct_conv {

int lanes();                  // floats per vector in this build
int channel_block(int cout);  // output channels computed together; cout_r is a multiple of it
inline int round_up(int n, int m) {
  return (n + m - 1) / m * m;
}

// out[co, i, j] = bias[co] + Σ_{ci,u,v} wk[(ci·kh+u)·kw+v, co] · in[ci, i+u, j+v]   (j < wo_r)
// relu: out = max(0, that), applied as it is stored (evaluation of a convolution + ReLU)
void forward(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r, int kh,
             int kw, int ho, int wo_r, float* out, long plane_out, int ld_out, bool relu = false);

// evaluation of convolution → ReLU → 2×2 max pooling (stride 2) in one pass: the pooled rows
// p < ho/2 (ho even), columns q < wo_r/2 of out[co, p, q] = max over i ∈ {2p, 2p+1},
// j ∈ {2q, 2q+1} of max(0, forward's out[co, i, j]); ld_out ≥ wo_r/2 (every column < wo_r/2 written)
void forward_pool(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r,
                  int kh, int kw, int ho, int wo_r, float* out, long plane_out, int ld_out);

// forward's sum for ∂L/∂x: in = ∂L/∂y (`rows` rows per plane) padded by kh−1 zero rows above and
// below; the kernel rows that would read only the zero rows are skipped
void backward_data(const float* in, int cin, long plane_in, int ld_in, const float* wk, const float* bias, int cout_r,
                   int kh, int kw, int rows, int ho, int wo_r, float* out, long plane_out, int ld_out);

// dwk[(ci·kh+u)·kw+v, co] += Σₙ Σ_{i < ho, j < wo_r} dy[n, co, i, j] · in[n, ci, i+u, j+v]
// over `images` images image_in / image_dy floats apart; dy: cout planes of ho rows × ld_dy per
// image, zero in the columns wo..wo_r−1; dwk: K × cout
void weight_grad(const float* in, int cin, long plane_in, int ld_in, long image_in, const float* dy, int cout,
                 long plane_dy, int ld_dy, long image_dy, int images, int kh, int kw, int ho, int wo_r, float* dwk);

}  // namespace direct_conv
}  // namespace bpl
