#include "layers/sigmoid.h"

namespace bpl {

void Sigmoid::forward(const Matrix& x, Matrix& y, Mode) {
  y = (1.0f + (-x.array()).exp()).inverse().matrix();  // σ(z) = 1 / (1 + e^−z)
}

void Sigmoid::backward(const Matrix&, const Matrix& y, const Matrix& dy, Matrix* dx) {
  if (dx) *dx = (dy.array() * y.array() * (1.0f - y.array())).matrix();  // ∂L/∂z = ∂L/∂a ⊙ σ(1 − σ)
}

Lesson Sigmoid::lesson(const TensorNames& n) const {
  return {n.y + " = σ(" + n.x + ") = 1 / (1 + e^(−" + n.x + "))",
          n.dx() + " = " + n.dy() + " ⊙ " + n.y + "(1 − " + n.y + ")", "Squashes every value into (0, 1).",
          "σ′(z) = σ(z)(1 − σ(z)): at most 0.25, so gradients shrink through sigmoids."};
}

Explanation Sigmoid::explain_forward(const StepValues& v, int s, long k) const {
  return Explanation().calc(v.y_at(k) + " = 1 / (1 + e^(−" + v.x_at(k) + "))", "1 / (1 + exp({}))", {-v.x(k, s)},
                            v.y(k, s));
}

Explanation Sigmoid::explain_backward(const StepValues& v, int, int s, long k) const {
  const double a = v.y(k, s);
  return Explanation().calc(v.dx_at(k) + " = " + v.dy_at(k) + " · " + v.y_at(k) + "·(1 − " + v.y_at(k) + ")",
                            "{} · {} · (1 − {})", {v.dy(k, s), a, a}, v.dx(k, s));
}

}  // namespace bpl
