// 2-D convolution (cross-correlation, as in every framework), lowered to one GEMM per batch.
//   x  : (Cin·H·W × B)   W : (Cout × Cin·kh·kw)   b : (Cout × 1)   y : (Cout·Ho·Wo × B)
//   Ho = (H + pad_top + pad_bottom − kh) / stride + 1, likewise Wo.
//   forward   y[co, oh, ow] = b[co] + Σ_{ci,i,j} W[co, ci, i, j] · x[ci, oh·s + i − pt, ow·s + j − pl]
//             as a GEMM: col = im2col(x) (P·B × K), out = col · Wᵀ (P·B × Cout), P = Ho·Wo, K = Cin·kh·kw
//   backward  ∂L/∂W = ∂L/∂outᵀ · col,   ∂L/∂b[co] = Σ_{n,p} ∂L/∂y[co, p],
//             ∂L/∂col = ∂L/∂out · W,    ∂L/∂x = col2im(∂L/∂col) (sums the overlapping windows)
#pragma once

#include "core/init.h"
#include "layers/layer.h"

namespace bpl {

struct ConvGeometry {
  int cin = 1, h = 1, w = 1;          // input
  int kh = 1, kw = 1, stride = 1;
  int pt = 0, pb = 0, pl = 0, pr = 0; // zero padding: top, bottom, left, right
  int ho = 1, wo = 1;                 // output
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
  std::vector<Param*> params() override { return {&W_, &b_}; }

  const ConvGeometry& geometry() const { return g_; }
  Param& weights() { return W_; }
  Param& bias() { return b_; }

 private:
  int filters_, kh_, kw_, stride_;
  std::string pad_;
  Init init_;
  ConvGeometry g_;
  Param W_{"W"}, b_{"b"};
  Matrix col_, gemm_, dout_, dcol_, Wt_;   // reused buffers (gemm_ = col · Wᵀ, Wt_ = Wᵀ)
};

}  // namespace bpl
