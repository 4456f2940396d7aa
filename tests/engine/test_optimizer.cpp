#include "train/optimizer.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace bpl;

namespace {

Param scalar_param(float w, float g, bool decay = true) {
  Param p("w");
  p.resize(1, 1);
  p.value(0, 0) = w;
  p.grad(0, 0) = g;
  p.decay = decay;
  return p;
}

OptimizerConfig cfg(OptimizerKind kind, double lr, double momentum = 0.9, double wd = 0.0) {
  OptimizerConfig c;
  c.kind = kind;
  c.lr = lr;
  c.momentum = momentum;
  c.weight_decay = wd;
  return c;
}

}  // namespace

TEST_CASE("SGD: θ ← θ − η·g", "[optimizer]") {
  Param p = scalar_param(1.0f, 0.5f);
  auto o = make_optimizer(cfg(OptimizerKind::Sgd, 0.1));
  o->step({&p});
  CHECK(p.value(0, 0) == Approx(0.95));
}

TEST_CASE("SGD with momentum, two steps by hand", "[optimizer]") {
  Param p = scalar_param(1.0f, 0.5f);
  auto o = make_optimizer(cfg(OptimizerKind::Momentum, 0.1, 0.9));
  o->step({&p});  // v = 0.5, θ = 1 − 0.05 = 0.95
  CHECK(p.value(0, 0) == Approx(0.95));
  p.grad(0, 0) = 0.2f;
  o->step({&p});  // v = 0.9·0.5 + 0.2 = 0.65, θ = 0.95 − 0.065 = 0.885
  CHECK(p.value(0, 0) == Approx(0.885));
}

TEST_CASE("Nesterov momentum, two steps by hand", "[optimizer]") {
  Param p = scalar_param(1.0f, 0.5f);
  auto o = make_optimizer(cfg(OptimizerKind::Nesterov, 0.1, 0.9));
  o->step({&p});  // v = 0.5, θ = 1 − 0.1·(0.5 + 0.45) = 0.905
  CHECK(p.value(0, 0) == Approx(0.905));
  p.grad(0, 0) = 0.2f;
  o->step({&p});  // v = 0.65, θ = 0.905 − 0.1·(0.2 + 0.585) = 0.8265
  CHECK(p.value(0, 0) == Approx(0.8265));
}

TEST_CASE("Adam, two steps by hand", "[optimizer]") {
  Param p = scalar_param(1.0f, 0.5f);
  auto o = make_optimizer(cfg(OptimizerKind::Adam, 0.01));
  o->step({&p});
  // t=1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, θ = 1 − 0.01·0.5/(0.5 + 1e-8)
  CHECK(p.value(0, 0) == Approx(1.0 - 0.01 * 0.5 / (0.5 + 1e-8)));
  p.grad(0, 0) = -0.1f;
  o->step({&p});
  double m = 0.9 * 0.05 + 0.1 * -0.1, v = 0.999 * 0.00025 + 0.001 * 0.01;
  double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
  CHECK(p.value(0, 0) == Approx(0.99 - 0.01 * mh / (std::sqrt(vh) + 1e-8)).epsilon(1e-5));
}

TEST_CASE("L2 weight decay adds λθ to the gradient of weights, not biases", "[optimizer]") {
  Param w = scalar_param(2.0f, 0.0f), b = scalar_param(2.0f, 0.0f, false);
  auto o = make_optimizer(cfg(OptimizerKind::Sgd, 0.1, 0.0, 0.01));
  o->step({&w, &b});
  CHECK(w.value(0, 0) == Approx(2.0 - 0.1 * 0.01 * 2.0));
  CHECK(b.value(0, 0) == 2.0f);
}

TEST_CASE("Invalid optimizer settings are refused with the valid range", "[optimizer]") {
  CHECK_THROWS_WITH(make_optimizer(cfg(OptimizerKind::Sgd, 0.0)),
                    Catch::Contains("learning rate 0 must be in (0, 10]"));
  CHECK_THROWS_WITH(make_optimizer(cfg(OptimizerKind::Sgd, -1)), Catch::Contains("must be in (0, 10]"));
  CHECK_THROWS_WITH(parse_optimizer_kind("rmsprop"),
                    Catch::Contains("\"rmsprop\" is unknown") && Catch::Contains("sgd, momentum, nesterov or adam"));
  CHECK_THROWS_WITH(make_optimizer(cfg(OptimizerKind::Momentum, 0.1, 1.0)), Catch::Contains("momentum"));
  CHECK_THROWS(make_optimizer(cfg(OptimizerKind::Sgd, std::nan(""))));
}
