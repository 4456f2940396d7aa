#include "layers/tanh.h"

namespace bpl {

void Tanh::forward(const Matrix& x, Matrix& y, Mode) {
  y = x.array().tanh().matrix();  // a = tanh(z)
}

void Tanh::backward(const Matrix&, const Matrix& y, const Matrix& dy, Matrix* dx) {
  if (dx) *dx = (dy.array() * (1.0f - y.array().square())).matrix();  // ∂L/∂z = ∂L/∂a ⊙ (1 − a²)
}

Lesson Tanh::lesson(const TensorNames& n) const {
  return {n.y + " = tanh(" + n.x + ")", n.dx() + " = " + n.dy() + " ⊙ (1 − " + n.y + "²)",
          "Squashes every value into (−1, 1).", "tanh′(z) = 1 − tanh²(z)."};
}

Explanation Tanh::explain_forward(const StepValues& v, int s, long k) const {
  return Explanation().calc(v.y_at(k) + " = tanh(" + v.x_at(k) + ")", "tanh({})", {v.x(k, s)}, v.y(k, s));
}

Explanation Tanh::explain_backward(const StepValues& v, int, int s, long k) const {
  return Explanation().calc(v.dx_at(k) + " = " + v.dy_at(k) + " · (1 − " + v.y_at(k) + "²)", "{} · (1 − {}²)",
                            {v.dy(k, s), v.y(k, s)}, v.dx(k, s));
}

}  // namespace bpl
