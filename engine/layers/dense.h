// Dense (fully connected) layer.
//   x  : (in × B)      W : (out × in)     b : (out × 1)     y : (out × B)
//   forward   y  = W·x + b
//   backward  ∂L/∂W = ∂L/∂y · xᵀ,  ∂L/∂b = Σ_batch ∂L/∂y,  ∂L/∂x = Wᵀ · ∂L/∂y
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
  std::vector<Param*> params() override { return {&W_, &b_}; }

  Param& weights() { return W_; }
  Param& bias() { return b_; }

 private:
  int units_;
  Init init_;
  Param W_{"W"}, b_{"b"};
};

}  // namespace bpl
