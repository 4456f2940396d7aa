// Flatten: reads a C×H×W sample as one vector of C·H·W values. The data do not move (a
// batch is already one column per sample, CHW order); only the shape changes.
//   forward   y = x          backward  ∂L/∂x = ∂L/∂y
#pragma once

#include "layers/layer.h"

namespace bpl {

class Flatten : public Layer {
 public:
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s) {
    spec_check(s, 0, {});
    return std::make_unique<Flatten>();
  }
  std::string type() const override { return "flatten"; }
  std::string spec() const override { return "flatten"; }
  std::string describe() const override { return "Flatten"; }
  Shape setup(const Shape& in, Rng&) override {
    in_ = in;
    return out_ = Shape{static_cast<int>(in.size()), 1, 1};
  }
  void forward(const Matrix& x, Matrix& y, Mode) override { y = x; }
  void backward(const Matrix&, const Matrix&, const Matrix& dy, Matrix* dx) override {
    if (dx) *dx = dy;
  }
};

}  // namespace bpl
