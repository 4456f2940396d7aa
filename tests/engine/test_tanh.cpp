#include "gradient_check.h"
#include "layers/tanh.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Tanh forward is elementwise and backward matches finite differences", "[tanh][gradcheck]") {
  Tanh layer;
  Rng rng(3);
  layer.setup(Shape{4, 3, 3}, rng);
  // values at least 0.01 apart and away from 0, so ReLU's kink is never inside the step
  Matrix x = distinct_matrix(36, 4, rng, 0.01);
  Matrix y;
  layer.forward(x, y, Mode::Train);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    const double want = std::string("tanh") == "relu" ? std::max(0.0, v)
                        : std::string("tanh") == "sigmoid" ? 1.0 / (1.0 + std::exp(-v)) : std::tanh(v);
    REQUIRE(y.data()[i] == Approx(want).margin(1e-6));
  }
  LayerCheck c = check_layer(layer, x, rng, 144);
  INFO("dx max relative error " << c.dx.max_rel);
  CHECK(c.dx.max_rel < 1e-2);
}
