#include "core/error.h"
#include "explain_check.h"
#include "gradient_check.h"
#include "layers/batchnorm.h"
#include "model/model.h"
#include "trace/trace.h"
#include "train/step.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Batch norm per feature: forward, running statistics and evaluation by hand", "[batchnorm]") {
  BatchNorm bn(0.1, 1e-5);
  Rng rng(1);
  bn.setup(Shape{2, 1, 1}, rng);  // after a dense layer: 2 features
  Matrix x(2, 4), y;
  x << 1, 2, 3, 6,     // feature 0: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5
      -1, -1, -1, -1;  // feature 1: constant, σ² = 0
  bn.forward(x, y, Mode::Train);
  const double inv = 1.0 / std::sqrt(3.5 + 1e-5);
  CHECK(y(0, 0) == Approx(-2 * inv));
  CHECK(y(0, 3) == Approx(3 * inv));
  CHECK(y(1, 2) == 0.0f);  // (x − μ) = 0
  // running μ ← 0.9·0 + 0.1·3, running σ² ← 0.9·1 + 0.1·3.5·4/3 (unbiased)
  const auto bufs = bn.buffers();
  CHECK((*bufs[0])(0, 0) == Approx(0.3));
  CHECK((*bufs[1])(0, 0) == Approx(0.9 + 0.1 * 3.5 * 4 / 3));
  CHECK((*bufs[1])(1, 0) == Approx(0.9));
  // evaluation uses the running statistics
  bn.forward(x, y, Mode::Eval);
  CHECK(y(0, 0) == Approx((1 - 0.3) / std::sqrt(0.9 + 0.1 * 3.5 * 4 / 3 + 1e-5)));
}

TEST_CASE("Batch norm: gradient checks per feature (dense) and per channel (conv), with γ and β",
          "[batchnorm][gradient]") {
  for (Shape in : {Shape{5, 1, 1}, Shape{3, 4, 4}}) {
    INFO(in.str());
    BatchNorm bn(0.1, 1e-5);
    Rng rng(4);
    bn.setup(in, rng);
    bn.params()[0]->value = random_matrix(in.c, 1, rng) + Matrix::Constant(in.c, 1, 1.0f);
    bn.params()[1]->value = random_matrix(in.c, 1, rng);
    // batch norm is smooth: a larger step keeps float rounding in the loss (summed over every
    // output) well below the signal
    const LayerCheck c = check_layer(bn, random_matrix(in.size(), 6, rng), rng, 40, 1e-2);
    CHECK(c.dx.max_rel < 1e-2);
    for (const GradError& e : c.params) CHECK(e.max_rel < 1e-2);
  }
}

TEST_CASE("Batch norm: spec, ranges, and the stepper traces it with checks that agree", "[batchnorm][trace]") {
  CHECK(make_layer(parse_layer_spec("batchnorm"))->spec() == "batchnorm");
  CHECK(make_layer(parse_layer_spec("batchnorm(momentum=0.2, eps=0.001)"))->spec() ==
        "batchnorm(momentum=0.2, eps=0.001)");
  CHECK_THROWS_AS(make_layer(parse_layer_spec("batchnorm(momentum=2)")), ConfigError);
  CHECK_THROWS_AS(make_layer(parse_layer_spec("batchnorm(3)")), ConfigError);
  Model m = Model::from_text("conv(4, 5), batchnorm, relu, maxpool(2), flatten, dense(10)", Shape{1, 28, 28}, 9);
  CHECK(m.layer(1).describe() == "BatchNorm per channel (4)");
  Rng rng(2);
  Matrix x(784, 4);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform());
  OptimizerConfig opt;
  opt.lr = 0.05;
  Trace t;
  t.capture(m, opt, 0, x, {3, 1, 4, 1});
  int bn_ops = 0;
  for (size_t o = 0; o < t.ops().size(); ++o) {
    const TraceOp& op = t.ops()[o];
    if (op.layer != 1) continue;
    ++bn_ops;
    for (int id : op.writes)
      for (int k : {0, 3, t.tensor(id).size_per_sample() - 1})
        check_adds_up(t.explanation(static_cast<int>(o), id, 2, k), t.tensor(id).at(2, k));
  }
  CHECK(bn_ops == 3);  // forward, backward, update of γ and β
  for (const GradCheckResult& r : t.check_some()) {
    INFO(r.label << ": " << r.analytic << " vs " << r.numeric);
    CHECK((r.agrees || r.kink));
  }
  // the step's running statistics come along when the update is applied
  Model copy = Model::from_text(m.spec(), m.input_shape(), 9);
  t.apply_to(copy);
  CHECK(copy.buffers()[0]->isApprox(*t.model().buffers()[0]) == false);  // the trace's copy ran more forwards since
  CHECK((*copy.buffers()[0])(0, 0) != 0.0f);
}

TEST_CASE("Batch norm after an evaluation forward: backward uses the running statistics (saliency)",
          "[batchnorm][gradient]") {
  for (Shape in : {Shape{4, 1, 1}, Shape{2, 3, 3}}) {
    INFO(in.str());
    BatchNorm bn(0.1, 1e-5);
    Rng rng(6);
    bn.setup(in, rng);
    bn.params()[0]->value = random_matrix(in.c, 1, rng) + Matrix::Constant(in.c, 1, 1.0f);
    Matrix y;
    bn.forward(random_matrix(in.size(), 8, rng, 2.0), y, Mode::Train);  // running statistics away from 0 and 1
    const Matrix x = random_matrix(in.size(), 3, rng), r = random_matrix(in.size(), 3, rng);
    Matrix dx, dx_ref;
    bn.forward(x, y, Mode::Eval);
    bn.backward(x, y, r, &dx);
    bn.backward_reference(x, y, r, &dx_ref);
    CHECK((dx - dx_ref).cwiseAbs().maxCoeff() < 1e-5f);
    Matrix xv = x;
    auto f = [&] {
      Matrix yy;
      bn.forward(xv, yy, Mode::Eval);
      return weighted_sum(yy, r);
    };
    const GradError e = check_gradient(xv, dx, f, rng, 20, 1e-2);
    CHECK(e.disagree == 0);
    CHECK(e.max_rel < 1e-2);
  }
}

TEST_CASE("Batch norm: one value per channel (a dense batch of 1) leaves the running statistics alone", "[batchnorm]") {
  BatchNorm bn(0.1, 1e-5);
  Rng rng(1);
  bn.setup(Shape{3, 1, 1}, rng);
  Matrix x(3, 1), y;
  x << 5, -2, 7;
  bn.forward(x, y, Mode::Train);
  CHECK(*bn.buffers()[0] == Matrix::Zero(3, 1));
  CHECK(*bn.buffers()[1] == Matrix::Ones(3, 1));
  CHECK(y == Matrix::Zero(3, 1));  // x̂ = 0: the output is β
}
