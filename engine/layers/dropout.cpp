#include "layers/dropout.h"

#include "core/format.h"

#include <cstdio>

namespace bpl {

std::unique_ptr<Layer> Dropout::from_spec(const LayerSpec& s) {
  spec_check(s, 1, {"p"});
  return std::make_unique<Dropout>(spec_double(s, 0, "p", 0.5, 0.0, 0.95));
}

std::string Dropout::spec() const {
  return "dropout(" + exact_number(p_) + ")";
}

std::string Dropout::describe() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "Dropout p=%g", p_);
  return buf;
}

Shape Dropout::setup(const Shape& in, Rng& rng) {
  // two draws in a fixed order (in one expression C++ leaves the order of the calls unspecified)
  const uint64_t hi = rng.next_u32();
  const uint64_t lo = rng.next_u32();
  const uint64_t seed = (hi << 32) | lo;
  rng_.reseed(seed, 0x5eed);
  return in_ = out_ = in;
}

void Dropout::forward(const Matrix& x, Matrix& y, Mode mode) {
  last_train_ = (mode == Mode::Train && p_ > 0.0);
  if (!last_train_) {
    y = x;
    return;
  }
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p_));
  // keep when a 32-bit draw is ≥ p·2³²
  const uint32_t threshold = static_cast<uint32_t>(p_ * 4294967296.0);
  if (hold_ && mask_.rows() == x.rows() && mask_.cols() == x.cols()) {
    y = x.cwiseProduct(mask_);
    return;
  }
  mask_.resize(x.rows(), x.cols());
  float* m = mask_.data();
  for (Eigen::Index i = 0; i < mask_.size(); ++i) m[i] = rng_.next_u32() >= threshold ? keep_scale : 0.0f;
  y = x.cwiseProduct(mask_);  // y = x ⊙ m
}

void Dropout::backward(const Matrix&, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (!dx) return;
  if (last_train_)
    *dx = dy.cwiseProduct(mask_);  // ∂L/∂x = ∂L/∂y ⊙ m
  else
    *dx = dy;
}

double Dropout::mask_at(long k, int s) const {
  return last_train_ && mask_.rows() > k && mask_.cols() > s ? mask_(k, s) : 1.0;
}

Lesson Dropout::lesson(const TensorNames& n) const {
  return {n.y + " = " + n.x + " ⊙ m,  m ∈ {0, 1/(1−p)}", n.dx() + " = " + n.dy() + " ⊙ m",
          "Zeroes a random share p of the values in training; the mask is held for this trace.",
          "Dropped values get no gradient."};
}

Explanation Dropout::explain_forward(const StepValues& v, int s, long k) const {
  return Explanation().calc(v.y_at(k) + " = " + v.x_at(k) + " · m", "{} · {}", {v.x(k, s), mask_at(k, s)}, v.y(k, s));
}

Explanation Dropout::explain_backward(const StepValues& v, int, int s, long k) const {
  return Explanation().calc(v.dx_at(k) + " = " + v.dy_at(k) + " · m", "{} · {}", {v.dy(k, s), mask_at(k, s)},
                            v.dx(k, s));
}

}  // namespace bpl
