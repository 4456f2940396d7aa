// 2-D convolution (cross-correlation, as in every framework), lowered to one GEMM per batch.
// In the stepper x is the previous layer's output (a¹) and y this layer's weighted sums z;
// c, i, j index an output (channel, row, column), c′, u, v an input channel and a kernel offset.
//   x  : (Cin·H·W × B)   W : (Cout × Cin·kh·kw)   b : (Cout × 1)   y : (Cout·Ho·Wo × B)
//   Ho = (H + pad_top + pad_bottom − kh) / stride + 1, likewise Wo.
//   forward   y[c, i, j] = b[c] + Σ_{c′,u,v} W[c, c′, u, v] · x[c′, i·s + u − pt, j·s + v − pl]
//             (zero outside the input: the padding); forward_reference is these loops
//             as a GEMM: col = im2col(x) (P·B × K), out = col · Wᵀ (P·B × Cout), P = Ho·Wo, K = Cin·kh·kw
//   backward  ∂L/∂W = ∂L/∂outᵀ · col,   ∂L/∂b[co] = Σ_{n,p} ∂L/∂y[co, p],
//             ∂L/∂col = ∂L/∂out · W,    ∂L/∂x = col2im(∂L/∂col) (sums the overlapping windows)
// Stride 1 (every preset) runs the direct kernels of core/direct_conv.h instead, on a zero-padded
// copy of the batch, with no im2col: forward as above; ∂L/∂W[co, k] as the sums of products of
// ∂L/∂y and the shifted input; ∂L/∂x as the forward kernel on ∂L/∂y padded by kh−1, kw−1 with the
// kernel flipped (∂L/∂x[c′, r, q] = Σ_{c,u,v} W[c, c′, u, v] · ∂L/∂y[c, r−u, q−v]).
// The im2col + GEMM path serves strides above 1; both are tested against the reference loops.
#pragma once

#include "core/init.h"
#include "layers/layer.h"

#include <vector>

namespace bpl {

struct ConvGeometry {
  int cin = 1, h = 1, w = 1;  // input
  int kh = 1, kw = 1, stride = 1;
  int pt = 0, pb = 0, pl = 0, pr = 0;  // zero padding: top, bottom, left, right
  int ho = 1, wo = 1;                  // output
  int patches() const { return ho * wo; }
  int patch_size() const { return cin * kh * kw; }
};

// im2col for a batch: col(n·P + oh·Wo + ow, (ci·kh + i)·kw + j) = x[ci, oh·s+i−pt, ow·s+j−pl] of sample n
void im2col(const Matrix& x, const ConvGeometry& g, Matrix& col);
// the adjoint of im2col: dx += scatter of dcol (dx is set to zero first)
void col2im(const Matrix& dcol, const ConvGeometry& g, int batch, Matrix& dx);

class Conv2D : public Layer {
 public:
  // pad: "valid", "same" or a whole number of zeros on every side
  Conv2D(int filters, int kh, int kw, int stride = 1, std::string pad = "valid", Init init = Init::Xavier);
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s);

  std::string type() const override { return "conv"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng& rng) override;
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  void infer(const Matrix& x, Matrix& y) override;
  bool infer_relu(const Matrix& x, Matrix& y) override;
  bool infer_relu_pool(const Matrix& x, int pool, Matrix& y) override;
  std::vector<Param*> params() override { return {&W_, &b_}; }
  void forward_reference(const Matrix& x, Matrix& y, Mode mode) override;
  void backward_reference(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  double flops(int batch) const override { return 2.0 * W_.value.size() * g_.patches() * batch; }

  std::string kind() const override { return "Conv"; }
  std::string symbol() const override { return "z"; }
  std::vector<ParamRole> param_roles() const override;
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;

  const ConvGeometry& geometry() const { return g_; }
  Param& weights() { return W_; }
  Param& bias() { return b_; }

 private:
  int filters_, kh_, kw_, stride_;
  std::string pad_;
  Init init_;
  ConvGeometry g_;
  Param W_{"W"}, b_{"b"};
  // x[c′, r, q] of sample n, 0 in the padding
  double input_at(const Matrix& x, long n, int c, int r, int q) const;
  std::string window(const std::string& i, const std::string& j) const;  // "i·2+u−1, j·2+v−1"
  Matrix col_, gemm_, dout_, dcol_, Wt_;  // reused buffers (gemm_ = col · Wᵀ, Wt_ = Wᵀ)
  // stride 1: the direct kernels (core/direct_conv.h) on a zero-padded copy of the batch
  // keep: the padded batch stays for backward (training, and evaluation's forward); relu: max(0, ·)
  void forward_direct(const Matrix& x, Matrix& y, bool keep, bool relu);
  void backward_direct(const Matrix& dy, Matrix* dx);
  void infer_direct(const Matrix& x, Matrix& y, bool relu, bool pool);  // evaluation only
  struct DirectLayout {
    int cout_r, wo_r, hp, ld_x;  // padded output channels and width, padded input rows, row stride
    long plane_x, image_x;       // floats per padded input plane and image
  };
  DirectLayout direct_layout() const;
  void pack_weights(const DirectLayout& d);  // wk_ and bias_r_ for the direct kernels
  std::vector<float> wk_, bias_r_, xpad_, outs_, dys_, dyp_, wflip_, dxp_, dwk_, zeros_;
  int xpad_valid_ = 0;  // images of the last kept forward in xpad_
};

}  // namespace bpl
