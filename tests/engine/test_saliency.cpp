#include "gradient_check.h"
#include "model/saliency.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Saliency equals the engine's input gradient of the class score, and finite differences", "[saliency]") {
  const std::string layers = GENERATE(std::string("dense(32), relu, dense(10)"),
                                      std::string("conv(4, 5), relu, maxpool(2), flatten, dense(10)"));
  INFO(layers);
  Model m = Model::from_text(layers, {1, 28, 28}, 6);
  Rng rng(2);
  Matrix x = distinct_matrix(784, 1, rng, 0.001);
  const int cls = 3;
  const Matrix s = saliency(m, x, cls);
  REQUIRE(s.rows() == 784);
  // the same as a backward pass with ∂z/∂z = one-hot(3)
  m.forward(x, Mode::Eval);
  Matrix d = Matrix::Zero(10, 1);
  d(cls, 0) = 1;
  m.backward(d, true);
  CHECK(s == m.input_grad());
  // and the derivative of z₃ along random directions
  auto f = [&]() { return static_cast<double>(m.forward(x, Mode::Eval)(cls, 0)); };
  GradError e = check_directional(x, s, f, rng, 8, 1e-4);  // small: no max-pool switch in reach
  INFO("worst relative error " << e.max_rel);
  CHECK(e.max_rel < 1e-2);
  CHECK_THROWS(saliency(m, Matrix::Zero(784, 2), 0));
  CHECK_THROWS(saliency(m, x, 10));
}
