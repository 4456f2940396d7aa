#include "train/optimizer.h"

#include "core/error.h"

#include <cmath>
#include <sstream>

namespace bpl {

namespace {

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string decay_text(const OptimizerConfig& c) {
  return c.weight_decay > 0 ? "g = ∂L/∂θ + λθ (λ = " + num(c.weight_decay) + ")" : "g = ∂L/∂θ";
}

// g = ∂L/∂θ + λθ for an explanation (its value as the step computed it, in float)
double explain_grad(Explanation& e, const OptimizerConfig& c, const UpdateValues& u) {
  if (!(c.weight_decay > 0 && u.decay)) return u.g0;
  const double g = static_cast<float>(u.g0 + static_cast<float>(c.weight_decay) * static_cast<float>(u.w0));
  e.calc("g = ∂L/∂θ + λθ", "{} + {} · {}", {u.g0, c.weight_decay, u.w0}, g).say("", true);
  return g;
}

// g = ∂L/∂θ + λθ, into a scratch matrix
const Matrix& decayed_grad(const Param& p, double wd, Matrix& scratch) {
  if (wd == 0.0 || !p.decay) return p.grad;
  scratch = p.grad + static_cast<float>(wd) * p.value;
  return scratch;
}

class Sgd : public Optimizer {
 public:
  using Optimizer::Optimizer;
  std::string describe() const override {
    std::string d = cfg_.kind == OptimizerKind::Sgd        ? "SGD"
                    : cfg_.kind == OptimizerKind::Nesterov ? "SGD+Nesterov"
                                                           : "SGD+momentum";
    d += " lr " + num(cfg_.lr);
    if (cfg_.kind != OptimizerKind::Sgd) d += " μ " + num(cfg_.momentum);
    if (cfg_.weight_decay > 0) d += " wd " + num(cfg_.weight_decay);
    if (cfg_.reduction == Reduction::Sum) d += ", gradient summed over the batch";
    return d;
  }
  Lesson lesson() const override {
    Lesson l;
    l.forward = cfg_.kind == OptimizerKind::Sgd        ? "θ ← θ − η·g"
                : cfg_.kind == OptimizerKind::Momentum ? "v ← μ·v + g,   θ ← θ − η·v"
                                                       : "v ← μ·v + g,   θ ← θ − η·(g + μ·v)";
    l.forward += ",   " + decay_text(cfg_) + ",   η = " + num(cfg_.lr);
    if (cfg_.kind != OptimizerKind::Sgd) l.forward += ", μ = " + num(cfg_.momentum);
    l.forward_note = cfg_.kind == OptimizerKind::Sgd
                         ? "Each parameter takes a small step against its gradient."
                         : "The velocity v remembers past gradients, so steps build up along a steady slope.";
    return l;
  }
  Explanation explain(const UpdateValues& u, long) const override {
    Explanation e;
    const double g = explain_grad(e, cfg_, u);
    if (cfg_.kind == OptimizerKind::Sgd)
      return e.calc(u.label + " ← θ − η·g", "{} − {} · {}", {u.w0, cfg_.lr, g}, u.w1);
    e.calc("v ← μ·v + g", "{} · {} + {}", {cfg_.momentum, u.m0, g}, u.m1).say("", true);
    if (cfg_.kind == OptimizerKind::Nesterov)
      return e.calc(u.label + " ← θ − η·(g + μ·v)", "{} − {} · ({} + {} · {})", {u.w0, cfg_.lr, g, cfg_.momentum, u.m1},
                    u.w1);
    return e.calc(u.label + " ← θ − η·v", "{} − {} · {}", {u.w0, cfg_.lr, u.m1}, u.w1);
  }
  void step(const std::vector<Param*>& params) override {
    ++t_;
    const float lr = static_cast<float>(cfg_.lr), mu = static_cast<float>(cfg_.momentum);
    for (Param* p : params) {
      const Matrix& g = decayed_grad(*p, cfg_.weight_decay, scratch_);
      if (cfg_.kind == OptimizerKind::Sgd) {
        p->value.noalias() -= lr * g;  // θ ← θ − η·g
        continue;
      }
      if (p->m.size() != p->value.size()) p->m.setZero(p->value.rows(), p->value.cols());
      p->m = mu * p->m + g;  // v ← μ·v + g
      if (cfg_.kind == OptimizerKind::Nesterov)
        p->value.noalias() -= lr * (g + mu * p->m);  // θ ← θ − η(g + μv)
      else
        p->value.noalias() -= lr * p->m;  // θ ← θ − η·v
    }
  }

 private:
  Matrix scratch_;
};

class Adam : public Optimizer {
 public:
  using Optimizer::Optimizer;
  std::string describe() const override {
    std::string d = "Adam lr " + num(cfg_.lr);
    if (cfg_.beta1 != 0.9 || cfg_.beta2 != 0.999 || cfg_.eps != 1e-8)
      d += " β₁ " + num(cfg_.beta1) + " β₂ " + num(cfg_.beta2) + " ε " + num(cfg_.eps);
    if (cfg_.weight_decay > 0) d += " wd " + num(cfg_.weight_decay);
    if (cfg_.reduction == Reduction::Sum) d += ", gradient summed over the batch";
    return d;
  }
  Lesson lesson() const override {
    Lesson l;
    l.forward = "m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − η·m̂ / (√v̂ + ε),   " + decay_text(cfg_) +
                ",   η = " + num(cfg_.lr);
    l.forward_note = "Adam scales each step by a running estimate of the gradient's size (m̂, v̂ are bias-corrected).";
    return l;
  }
  Explanation explain(const UpdateValues& u, long t) const override {
    Explanation e;
    const double g = explain_grad(e, cfg_, u);
    const double b1 = cfg_.beta1, b2 = cfg_.beta2;
    e.calc("m ← β₁m + (1−β₁)g", "{} · {} + (1 − {}) · {}", {b1, u.m0, b1, g}, u.m1).say("", true);
    e.calc("v ← β₂v + (1−β₂)g²", "{} · {} + (1 − {}) · {}²", {b2, u.v0, b2, g}, u.v1).say("", true);
    const double c1 = 1.0 - std::pow(cfg_.beta1, static_cast<double>(t)),
                 c2 = 1.0 - std::pow(cfg_.beta2, static_cast<double>(t));
    const double mh = u.m1 / c1, vh = u.v1 / c2;
    e.calc("m̂ = m / (1 − β₁ᵗ), t = " + std::to_string(t), "{} / {}", {u.m1, c1}, mh).say(",   ");
    e.calc("v̂ = v / (1 − β₂ᵗ)", "{} / {}", {u.v1, c2}, vh).say("", true);
    return e.calc(u.label + " ← θ − η·m̂ / (√v̂ + ε)", "{} − {} · {} / (√({}) + {})", {u.w0, cfg_.lr, mh, vh, cfg_.eps},
                  u.w1);
  }
  void step(const std::vector<Param*>& params) override {
    ++t_;
    // β and 1 − β each rounded once from the double settings (1 − 0.999f would be 0.000999987),
    // the same doubles as the bias corrections
    const float b1 = static_cast<float>(cfg_.beta1), b2 = static_cast<float>(cfg_.beta2);
    const float one_b1 = static_cast<float>(1.0 - cfg_.beta1), one_b2 = static_cast<float>(1.0 - cfg_.beta2);
    const double c1 = 1.0 - std::pow(cfg_.beta1, static_cast<double>(t_));  // bias corrections
    const double c2 = 1.0 - std::pow(cfg_.beta2, static_cast<double>(t_));
    const float step = static_cast<float>(cfg_.lr / c1), sc2 = static_cast<float>(1.0 / std::sqrt(c2));
    const float eps = static_cast<float>(cfg_.eps);
    for (Param* p : params) {
      const Matrix& g = decayed_grad(*p, cfg_.weight_decay, scratch_);
      if (p->m.size() != p->value.size()) {
        p->m.setZero(p->value.rows(), p->value.cols());
        p->v.setZero(p->value.rows(), p->value.cols());
      }
      // one pass over the elements (plain loop: vectorised in every build)
      float* w = p->value.data();
      float* m = p->m.data();
      float* v = p->v.data();
      const float* gd = g.data();
      for (Eigen::Index i = 0, n = p->value.size(); i < n; ++i) {
        m[i] = b1 * m[i] + one_b1 * gd[i];                    // m ← β₁m + (1−β₁)g
        v[i] = b2 * v[i] + one_b2 * gd[i] * gd[i];            // v ← β₂v + (1−β₂)g²
        w[i] -= step * m[i] / (std::sqrt(v[i]) * sc2 + eps);  // θ ← θ − η·m̂/(√v̂ + ε)
      }
    }
  }

 private:
  Matrix scratch_;
};

}  // namespace

const char* kind_name(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::Sgd:
      return "sgd";
    case OptimizerKind::Momentum:
      return "momentum";
    case OptimizerKind::Nesterov:
      return "nesterov";
    case OptimizerKind::Adam:
      return "adam";
  }
  return "?";
}

const std::vector<OptimizerKind>& optimizer_kinds() {
  static const std::vector<OptimizerKind> all = {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                                                 OptimizerKind::Adam};
  return all;
}

OptimizerKind parse_optimizer_kind(const std::string& name) {
  for (OptimizerKind k : optimizer_kinds())
    if (name == kind_name(k)) return k;
  throw ConfigError("optimizer \"" + name + "\" is unknown (use sgd, momentum, nesterov or adam)");
}

void OptimizerConfig::validate() const {
  if (!(lr > 0.0 && lr <= 10.0)) throw ConfigError("learning rate " + num(lr) + " must be in (0, 10]");
  if (!(momentum >= 0.0 && momentum < 1.0)) throw ConfigError("momentum " + num(momentum) + " must be in [0, 1)");
  if (!(beta1 >= 0.0 && beta1 < 1.0)) throw ConfigError("beta1 " + num(beta1) + " must be in [0, 1)");
  if (!(beta2 >= 0.0 && beta2 < 1.0)) throw ConfigError("beta2 " + num(beta2) + " must be in [0, 1)");
  if (!(eps > 0.0 && eps < 1.0)) throw ConfigError("epsilon " + num(eps) + " must be in (0, 1)");
  if (!(weight_decay >= 0.0 && weight_decay < 1.0))
    throw ConfigError("weight decay " + num(weight_decay) + " must be in [0, 1)");
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c) {
  c.validate();
  if (c.kind == OptimizerKind::Adam) return std::make_unique<Adam>(c);
  return std::make_unique<Sgd>(c);
}

}  // namespace bpl
