// Inverted dropout: in training each value is kept with probability 1 − p and scaled by
// 1/(1 − p), so evaluation needs no rescaling. The mask comes from the layer's own seeded
// Rng (seeded from the model's Rng at setup), so a run is reproducible.
//   forward (train)  m_i ~ Bernoulli(1 − p) / (1 − p),  y = x ⊙ m      (eval: y = x)
//   backward         ∂L/∂x = ∂L/∂y ⊙ m
#pragma once

#include "layers/layer.h"

namespace bpl {

class Dropout : public Layer {
 public:
  explicit Dropout(double p) : p_(p) {}
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s);
  std::string type() const override { return "dropout"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng& rng) override;
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;

  std::string kind() const override { return "Dropout"; }
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;
  std::string symbol() const override { return "d"; }
  void hold_randomness(bool on) override { hold_ = on; }
  Rng* rng() override { return &rng_; }

 private:
  double p_;
  Rng rng_;
  Matrix mask_;
  bool last_train_ = false;
  // the backprop stepper re-runs one sample many times (what-if, finite differences): while
  // held, a training forward of the same shape reuses the last mask instead of drawing anew
  bool hold_ = false;
  double mask_at(long k, int s) const;
};

}  // namespace bpl
