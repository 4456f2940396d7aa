// Batch normalisation, per channel: per feature after a dense layer (a C×1×1 input), per
// channel after a convolution (statistics over the batch and every position). In the stepper
// x is the previous layer's output (e.g. z¹) and y the normalised ẑ (z + a combining circumflex).
//   x, y : (C·P × B), P = H·W positions per channel;  γ, β : (C × 1);  N = B·P values per channel
//   forward (train)  μ[c]  = (1/N) Σ x[c,·]                     σ²[c] = (1/N) Σ (x[c,·] − μ[c])²
//                    x̂ = (x − μ[c]) / √(σ²[c] + ε)              y = γ[c]·x̂ + β[c]
//                    running μ ← (1−m)·running μ + m·μ,  running σ² ← (1−m)·running σ² + m·σ²·N/(N−1)
//                    (not when N = 1: a single value has no variance to learn from)
//   forward (eval)   the same with the running statistics (saved in model files: buffers())
//   backward (train) ∂L/∂γ[c] = Σ ∂L/∂y·x̂        ∂L/∂β[c] = Σ ∂L/∂y
//                    ∂L/∂x = γ[c] / (N·√(σ²[c] + ε)) · (N·∂L/∂y − Σ ∂L/∂y − x̂·Σ (∂L/∂y·x̂))
//   backward (eval)  μ, σ² are constants: ∂L/∂x = γ[c]·∂L/∂y / √(σ²[c] + ε) (saliency of a trained model)
// Statistics and the per-element arithmetic are in double (cast to float once), so the
// stepper's explanation, redone from its printed numbers, gives the engine's value.
#pragma once

#include "layers/layer.h"

namespace bpl {

class BatchNorm : public Layer {
 public:
  BatchNorm(double momentum, double eps) : momentum_(momentum), eps_(eps) {}
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s);

  std::string type() const override { return "batchnorm"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng& rng) override;
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  std::vector<Param*> params() override { return {&gamma_, &beta_}; }
  std::vector<Matrix*> buffers() override { return {&running_mean_, &running_var_}; }
  void forward_reference(const Matrix& x, Matrix& y, Mode mode) override;
  void backward_reference(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  double flops(int batch) const override { return 8.0 * in_.size() * batch; }

  std::string kind() const override { return "BatchNorm"; }
  std::string symbol() const override { return "z\u0302"; }  // ẑ with a combining hat (as x̂): in every UI font
  std::vector<ParamRole> param_roles() const override;
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;

 private:
  struct Stats {
    double mean = 0, var = 0, inv_std = 0;
  };
  // μ and σ² of channel c over the batch (biased), the same arithmetic everywhere
  Stats batch_stats(const Matrix& x, int c) const;
  Stats running_stats(int c) const;
  int channel_of(long k) const { return static_cast<int>(k / (static_cast<long>(in_.h) * in_.w)); }
  long count(const Matrix& x) const { return x.cols() * static_cast<long>(in_.h) * in_.w; }

  double momentum_, eps_;
  Param gamma_{"γ"}, beta_{"β"};
  Matrix running_mean_, running_var_;
  std::vector<Stats> stats_;  // of the last training forward
  bool last_train_ = false;
};

}  // namespace bpl
