// Optimizers: a loop over parameters (value, grad and state live in each Param).
//   L2 weight decay λ (weights only):  g = ∂L/∂θ + λ·θ
//   SGD                θ ← θ − η·g
//   SGD + momentum μ   v ← μ·v + g;  θ ← θ − η·v              (PyTorch's form)
//   Nesterov           v ← μ·v + g;  θ ← θ − η·(g + μ·v)
//   Adam               m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//                      θ ← θ − η · m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
#pragma once

#include "core/explain.h"
#include "core/param.h"
#include "loss/softmax_cross_entropy.h"  // Reduction

#include <memory>
#include <string>
#include <vector>

namespace bpl {

enum class OptimizerKind { Sgd, Momentum, Nesterov, Adam };

// "sgd", "momentum", "nesterov", "adam": the name in INI files, flags, links and model files.
const char* kind_name(OptimizerKind k);
// The kind of a name; ConfigError listing the valid names otherwise.
OptimizerKind parse_optimizer_kind(const std::string& name);
// All kinds, in the order above (for menus and the settings table).
const std::vector<OptimizerKind>& optimizer_kinds();

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Sgd;
  double lr = 0.01;
  double momentum = 0.9;  // for momentum / nesterov
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;
  // the gradient the update steps along: of the batch's mean loss, or of its sum (R1); kept
  // here so the trainer, the stepper and model files all form the same gradient
  Reduction reduction = Reduction::Mean;
  void validate() const;  // ConfigError with the valid range
};

// One element of one parameter around one step, for the stepper's explanation of the update.
struct UpdateValues {
  std::string label;              // "W³[4, 17]"
  double w0 = 0, g0 = 0, w1 = 0;  // θ before, ∂L/∂θ, θ after
  double m0 = 0, m1 = 0;          // momentum velocity / Adam's m, before and after
  double v0 = 0, v1 = 0;          // Adam's v, before and after
  bool decay = false;             // weight decay applies to this parameter
};

class Optimizer {
 public:
  explicit Optimizer(const OptimizerConfig& c) : cfg_(c) {}
  virtual ~Optimizer() = default;
  virtual void step(const std::vector<Param*>& params) = 0;
  virtual std::string describe() const = 0;
  // the update rule (Lesson::forward) and one sentence on it (Lesson::forward_note)
  virtual Lesson lesson() const = 0;
  // the update of one element, with its numbers; t = the step count of this update (1 for the first)
  virtual Explanation explain(const UpdateValues& u, long t) const = 0;
  bool uses_m() const { return cfg_.kind != OptimizerKind::Sgd; }   // momentum velocity or Adam's first moment
  bool uses_v() const { return cfg_.kind == OptimizerKind::Adam; }  // Adam's second moment
  double lr() const { return cfg_.lr; }
  void set_lr(double lr) { cfg_.lr = lr; }
  const OptimizerConfig& config() const { return cfg_; }
  long steps() const { return t_; }
  void set_steps(long t) { t_ = t; }  // when state is restored from a snapshot or a file

 protected:
  OptimizerConfig cfg_;
  long t_ = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c);

}  // namespace bpl
