#include "layers/relu.h"

namespace bpl {

// Plain loops rather than Eigen expressions: Eigen 3.4 has no WebAssembly SIMD code, and
// clang vectorises these loops to f32x4 by itself.
void ReLU::forward(const Matrix& x, Matrix& y, Mode) {
  y.resize(x.rows(), x.cols());
  const float* xs = x.data();
  float* ys = y.data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) ys[i] = xs[i] > 0.0f ? xs[i] : 0.0f;   // a = max(0, z)
}

void ReLU::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (!dx) return;
  dx->resize(x.rows(), x.cols());
  const float* xs = x.data();
  const float* g = dy.data();
  float* d = dx->data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) {
    const float gi = g[i];                       // loaded unconditionally, so the loop vectorises
    d[i] = xs[i] > 0.0f ? gi : 0.0f;             // ∂L/∂z = ∂L/∂a ⊙ 1[z > 0]
  }
}

}  // namespace bpl
