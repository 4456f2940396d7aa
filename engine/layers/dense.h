// Dense (fully connected) layer. In the stepper x is the previous layer's output (a¹) and
// y is this layer's weighted sum z.
//   x  : (in × B)      W : (out × in)     b : (out × 1)     y : (out × B)
//   forward   y[i]  = Σⱼ W[i, j]·x[j] + b[i]               y = W·x + b
//   backward  ∂L/∂W[i, j] = Σₙ ∂L/∂y[i]ₙ · x[j]ₙ          ∂L/∂W = ∂L/∂y · xᵀ
//             ∂L/∂b[i]    = Σₙ ∂L/∂y[i]ₙ                 ∂L/∂b = Σ_batch ∂L/∂y
//             ∂L/∂x[j]    = Σᵢ W[i, j] · ∂L/∂y[i]         ∂L/∂x = Wᵀ · ∂L/∂y
#pragma once

#include "core/init.h"
#include "layers/layer.h"

namespace bpl {

class Dense : public Layer {
 public:
  Dense(int units, Init init = Init::Xavier) : units_(units), init_(init) {}
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s);

  std::string type() const override { return "dense"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng& rng) override;
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  void infer(const Matrix& x, Matrix& y) override;
  bool infer_relu(const Matrix& x, Matrix& y) override;
  std::vector<Param*> params() override { return {&W_, &b_}; }
  void forward_reference(const Matrix& x, Matrix& y, Mode mode) override;
  void backward_reference(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  double flops(int batch) const override { return 2.0 * W_.value.size() * batch; }

  std::string kind() const override { return "Dense"; }
  std::string symbol() const override { return "z"; }
  std::vector<ParamRole> param_roles() const override;
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;

  Param& weights() { return W_; }
  Param& bias() { return b_; }

 private:
  int units_;
  Init init_;
  Param W_{"W"}, b_{"b"};
  Matrix xt_, yt_;  // infer: xᵀ and yᵀ, one image per row
  void infer_gemm(const Matrix& x, Matrix& y, bool relu);
};

}  // namespace bpl
