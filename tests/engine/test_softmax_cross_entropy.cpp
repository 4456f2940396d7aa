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
