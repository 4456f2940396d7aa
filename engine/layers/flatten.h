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
  double flops(int) const override { return 0; }

  std::string kind() const override { return "Flatten"; }
  std::string symbol() const override { return "f"; }
  Lesson lesson(const TensorNames& n) const override {
    return {n.y + " = reshape(" + n.x + ")  (c×h×w → vector)", n.dx() + " = reshape(" + n.dy() + ")  (vector → c×h×w)",
            "The same numbers, read as one long vector for the dense layers.",
            "Nothing to compute: the gradient is read back in the image's shape."};
  }
  Explanation explain_forward(const StepValues& v, int s, long k) const override {
    return Explanation().calc(v.y_at(k) + " = " + v.x_at(k), "{}", {v.x(k, s)}, v.y(k, s));
  }
  Explanation explain_backward(const StepValues& v, int, int s, long k) const override {
    return Explanation().calc(v.dx_at(k) + " = " + v.dy_at(k), "{}", {v.dy(k, s)}, v.dx(k, s));
  }
};

}  // namespace bpl
