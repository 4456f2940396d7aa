#include "layers/tanh.h"

namespace bpl {

void Tanh::forward(const Matrix& x, Matrix& y, Mode) {
  y = x.array().tanh().matrix();                               // a = tanh(z)
}

void Tanh::backward(const Matrix&, const Matrix& y, const Matrix& dy, Matrix* dx) {
  if (dx) *dx = (dy.array() * (1.0f - y.array().square())).matrix();  // ∂L/∂z = ∂L/∂a ⊙ (1 − a²)
}

}  // namespace bpl
