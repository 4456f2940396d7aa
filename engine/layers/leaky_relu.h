// Leaky ReLU activation, elementwise with slope α for negative inputs; shapes of x, y, dy, dx
// all equal. In the stepper x is a weighted sum z and y its activation a.
//   forward   y = x        if x > 0,    α·x otherwise
//   backward  ∂L/∂x = ∂L/∂y · (1 if x > 0, α otherwise)
#pragma once

#include "layers/layer.h"

namespace bpl {

class LeakyReLU : public Layer {
 public:
  explicit LeakyReLU(double alpha) : alpha_(alpha) {}
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s);

  std::string type() const override { return "leaky_relu"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng&) override { return in_ = out_ = in; }
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;

  std::string kind() const override { return "LeakyReLU"; }
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;

 private:
  double alpha_;
};

}  // namespace bpl
