// Sigmoid activation, elementwise; shapes of x, y, dy, dx all equal.
//   forward   y = σ(x) = 1 / (1 + e^−x)
//   backward  ∂L/∂x = ∂L/∂y ⊙ y(1 − y)
#pragma once

#include "layers/layer.h"

namespace bpl {

class Sigmoid : public Layer {
 public:
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s) {
    spec_check(s, 0, {});
    return std::make_unique<Sigmoid>();
  }
  std::string type() const override { return "sigmoid"; }
  std::string spec() const override { return "sigmoid"; }
  std::string describe() const override { return "Sigmoid"; }
  Shape setup(const Shape& in, Rng&) override { return in_ = out_ = in; }
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;

  std::string kind() const override { return "Sigmoid"; }
  bool backward_reads_output() const override { return true; }
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;
};

}  // namespace bpl
