#include "explain_check.h"
#include "gradient_check.h"
#include "loss/softmax_cross_entropy.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Softmax cross-entropy of known logits", "[loss]") {
  SoftmaxCrossEntropy ce;
  Matrix z(3, 1);
  z << 1, 2, 3;
  double loss = ce.forward(z, {2});
  // −log(e³ / (e¹ + e² + e³))
  double want = -std::log(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
  CHECK(loss == Approx(want).epsilon(1e-6));
  CHECK(ce.correct() == 1);
  Matrix dz;
  ce.backward(dz);
  CHECK(dz(2, 0) == Approx(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 1.0));
}

TEST_CASE("Softmax cross-entropy is stable for huge logits", "[loss]") {
  SoftmaxCrossEntropy ce;
  Matrix z(3, 2);
  z << 1000, -1000, 0, 0, -1000, 1000;
  double loss = ce.forward(z, {0, 2});
  CHECK(std::isfinite(loss));
  CHECK(loss == Approx(0.0).margin(1e-6));
  loss = ce.forward(z, {1, 1});
  CHECK(std::isfinite(loss));
  CHECK(loss == Approx(1000.0).epsilon(1e-6));
}

TEST_CASE("Softmax cross-entropy gradient (ŷ − y)/B matches finite differences", "[loss][gradcheck]") {
  Rng rng(5);
  Matrix z = random_matrix(10, 6, rng, 2.0);
  std::vector<int> labels = {0, 3, 9, 3, 5, 1};
  SoftmaxCrossEntropy ce;
  ce.forward(z, labels);
  Matrix dz;
  ce.backward(dz);
  CHECK(dz.colwise().sum().cwiseAbs().maxCoeff() < 1e-6);  // softmax gradients sum to zero per sample
  auto f = [&]() {
    SoftmaxCrossEntropy c;
    return c.forward(z, labels);
  };
  GradError e = check_gradient(z, dz, f, rng, 60, 1e-3, 1e-4);
  INFO("max relative error " << e.max_rel);
  CHECK(e.max_rel < 1e-2);
  CHECK_THROWS(ce.forward(z, {0, 1}));
  CHECK_THROWS(ce.forward(z, {0, 1, 2, 3, 4, 10}));
}

TEST_CASE("Loss reduction sum (R1): L and ∂L/∂z are B times the mean's, and match finite differences",
          "[loss][gradcheck]") {
  Rng rng(8);
  const Matrix z = random_matrix(10, 5, rng, 2.0);
  const std::vector<int> labels = {1, 4, 4, 0, 9};
  SoftmaxCrossEntropy mean, sum(Reduction::Sum);
  const double lm = mean.forward(z, labels), ls = sum.forward(z, labels);
  CHECK(ls == Approx(5 * lm).epsilon(1e-12));
  CHECK(sum.mean_loss() == lm);  // what the logs print is the mean either way
  Matrix dm, ds;
  mean.backward(dm);
  sum.backward(ds);
  // ∂L/∂z = ŷ − y exactly (no 1/B) for the sum
  Matrix want = sum.probabilities();
  for (int n = 0; n < 5; ++n) want(labels[n], n) -= 1.0f;
  CHECK(ds == want);
  CHECK((ds - 5.0f * dm).cwiseAbs().maxCoeff() < 1e-6);
  Matrix zz = z;
  auto f = [&]() {
    SoftmaxCrossEntropy c(Reduction::Sum);
    return c.forward(zz, labels);
  };
  GradError e = check_gradient(zz, ds, f, rng, 50, 1e-3, 1e-4);
  INFO("max relative error " << e.max_rel);
  CHECK(e.max_rel < 1e-2);
  CHECK(parse_reduction("sum") == Reduction::Sum);
  CHECK_THROWS_WITH(parse_reduction("total"), Catch::Contains("mean or sum"));
}

TEST_CASE("The lesson and the explained gradient show /B for the mean and not for the sum", "[loss][explain]") {
  CHECK(SoftmaxCrossEntropy::lesson("z³").backward == "∂L/∂z³ = (ŷ − y) / B");
  CHECK(SoftmaxCrossEntropy::lesson("z³", Reduction::Sum).backward == "∂L/∂z³ = ŷ − y");
  CHECK(SoftmaxCrossEntropy::lesson("z³", Reduction::Sum).forward.find("L = Σₙ −log ŷ_y") != std::string::npos);
  Rng rng(2);
  const Matrix z = random_matrix(10, 4, rng, 1.0);
  const std::vector<int> labels = {3, 1, 0, 7};
  for (Reduction r : reductions()) {
    INFO(reduction_name(r));
    SoftmaxCrossEntropy ce(r);
    ce.forward(z, labels);
    Matrix dz;
    ce.backward(dz);
    for (int k : {0, 3, 7}) {
      const Explanation e = ce.explain_gradient(dz, "z³", 0, k);
      check_adds_up(e, dz(k, 0));
      CHECK((e.text().find("/ B") != std::string::npos) == (r == Reduction::Mean));
    }
  }
}
