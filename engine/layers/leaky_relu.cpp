#include "layers/leaky_relu.h"

#include "core/format.h"

#include <cstdio>

namespace bpl {

std::unique_ptr<Layer> LeakyReLU::from_spec(const LayerSpec& s) {
  spec_check(s, 1, {"alpha"});
  return std::make_unique<LeakyReLU>(spec_double(s, 0, "alpha", 0.01, 0.0, 1.0));
}

std::string LeakyReLU::spec() const {
  return "leaky_relu(" + exact_number(alpha_) + ")";
}

std::string LeakyReLU::describe() const {
  char b[48];
  std::snprintf(b, sizeof b, "LeakyReLU α=%g", alpha_);
  return b;
}

// Plain loops (vectorised by the compiler in both builds), the equations themselves.
void LeakyReLU::forward(const Matrix& x, Matrix& y, Mode) {
  y.resize(x.rows(), x.cols());
  const float a = static_cast<float>(alpha_);
  const float* xs = x.data();
  float* ys = y.data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) ys[i] = xs[i] > 0.0f ? xs[i] : a * xs[i];  // y = x or α·x
}

void LeakyReLU::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (!dx) return;
  dx->resize(x.rows(), x.cols());
  const float a = static_cast<float>(alpha_);
  const float* xs = x.data();
  const float* g = dy.data();
  float* d = dx->data();
  for (Eigen::Index i = 0, n = x.size(); i < n; ++i) d[i] = xs[i] > 0.0f ? g[i] : a * g[i];  // ∂L/∂x = ∂L/∂y · (1 or α)
}

// ---- the lesson
Lesson LeakyReLU::lesson(const TensorNames& n) const {
  const std::string a = exact_number(alpha_);
  return {n.y + " = " + n.x + " if " + n.x + " > 0, else α·" + n.x + "  (α = " + a + ")",
          n.dx() + " = " + n.dy() + " ⊙ (1 if " + n.x + " > 0, else α)",
          "Like ReLU, but negative values keep a small slope α instead of becoming 0.",
          "The gradient passes fully where the input was positive and shrinks by α where it was not, so no unit "
          "stops learning for good."};
}

Explanation LeakyReLU::explain_forward(const StepValues& v, int s, long k) const {
  const double x = v.x(k, s), a = static_cast<float>(alpha_);
  if (x > 0) return Explanation().calc(v.y_at(k) + " = " + v.x_at(k) + " (positive)", "{}", {x}, v.y(k, s));
  return Explanation().calc(v.y_at(k) + " = α · " + v.x_at(k) + " (not positive)", "{} · {}", {a, x}, v.y(k, s));
}

Explanation LeakyReLU::explain_backward(const StepValues& v, int, int s, long k) const {
  const bool on = v.x(k, s) > 0;
  const double slope = on ? 1.0 : static_cast<float>(alpha_);
  return Explanation()
      .calc(v.dx_at(k) + " = " + v.dy_at(k) + " · " + (on ? "1" : "α"), "{} · {}", {v.dy(k, s), slope}, v.dx(k, s))
      .say(on ? "the input was positive: the gradient passes"
              : "the input was not positive: the gradient is scaled by α",
           true);
}

}  // namespace bpl
