#include "layers/relu.h"

namespace bpl {

// Plain loops rather than Eigen expressions: Eigen 3.4 has no WebAssembly SIMD code, and
// clang vectorises these loops to f32x4 by itself.
void ReLU::forward(const Matrix& x, Matrix& y, Mode) {
  y.resize(x.rows(), x.cols());
  const float* xs = x.data();
  float* ys = y.data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) ys[i] = xs[i] > 0.0f ? xs[i] : 0.0f;  // a = max(0, z)
}

void ReLU::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (!dx) return;
  dx->resize(x.rows(), x.cols());
  const float* xs = x.data();
  const float* g = dy.data();
  float* d = dx->data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) {
    const float gi = g[i];            // loaded unconditionally, so the loop vectorises
    d[i] = xs[i] > 0.0f ? gi : 0.0f;  // ∂L/∂z = ∂L/∂a ⊙ 1[z > 0]
  }
}

Lesson ReLU::lesson(const TensorNames& n) const {
  return {n.y + " = max(0, " + n.x + ")", n.dx() + " = " + n.dy() + " ⊙ 1[" + n.x + " > 0]",
          "Negative values become 0; positive values pass unchanged.",
          "The gradient passes where the input was positive and is blocked where it was not."};
}

Explanation ReLU::explain_forward(const StepValues& v, int s, long k) const {
  return Explanation().calc(v.y_at(k) + " = max(0, " + v.x_at(k) + ")", "max(0, {})", {v.x(k, s)}, v.y(k, s));
}

Explanation ReLU::explain_backward(const StepValues& v, int, int s, long k) const {
  const bool on = v.x(k, s) > 0;
  return Explanation()
      .calc(v.dx_at(k) + " = " + v.dy_at(k) + " · 1[" + v.x_at(k) + " > 0]", "{} · {}", {v.dy(k, s), on ? 1.0 : 0.0},
            v.dx(k, s))
      .say(on ? "the input was positive: the gradient passes" : "the input was not positive: the gradient is blocked",
           true);
}

}  // namespace bpl
