#include "layers/sigmoid.h"

namespace bpl {

void Sigmoid::forward(const Matrix& x, Matrix& y, Mode) {
  y = (1.0f + (-x.array()).exp()).inverse().matrix();          // σ(z) = 1 / (1 + e^−z)
}

void Sigmoid::backward(const Matrix&, const Matrix& y, const Matrix& dy, Matrix* dx) {
  if (dx) *dx = (dy.array() * y.array() * (1.0f - y.array())).matrix();  // ∂L/∂z = ∂L/∂a ⊙ σ(1 − σ)
}

}  // namespace bpl
