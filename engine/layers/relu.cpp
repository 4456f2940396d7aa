#include "layers/relu.h"

namespace bpl {

void ReLU::forward(const Matrix& x, Matrix& y, Mode) {
  y = x.cwiseMax(0.0f);                                        // a = max(0, z)
}

void ReLU::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (dx) *dx = (x.array() > 0.0f).select(dy, 0.0f);           // ∂L/∂z = ∂L/∂a ⊙ 1[z > 0]
}

}  // namespace bpl
