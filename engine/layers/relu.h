// ReLU activation, elementwise; shapes of x, y, dy, dx all equal.
//   forward   y = max(0, x)
//   backward  ∂L/∂x = ∂L/∂y ⊙ 1[x > 0]
#pragma once

#include "layers/layer.h"

namespace bpl {

class ReLU : public Layer {
 public:
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s) {
    spec_check(s, 0, {});
    return std::make_unique<ReLU>();
  }
  std::string type() const override { return "relu"; }
  std::string spec() const override { return "relu"; }
  std::string describe() const override { return "ReLU"; }
  Shape setup(const Shape& in, Rng&) override { return in_ = out_ = in; }
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  bool is_rectifier() const override { return true; }

  std::string kind() const override { return "ReLU"; }
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;
};

}  // namespace bpl
