// The shared test of an elementwise activation: forward against a reference function, then a
// finite-difference check of the backward pass on values kept away from 0 (ReLU's kink).
#pragma once

#include "gradient_check.h"

#include <catch2/catch.hpp>

#include <functional>

namespace bpl::test {

inline void check_activation(Layer& layer, const std::function<double(double)>& reference) {
  Rng rng(3);
  layer.setup(Shape{4, 3, 3}, rng);
  Matrix x = distinct_matrix(36, 4, rng, 0.01);  // ≥ 0.01 apart and away from 0
  Matrix y;
  layer.forward(x, y, Mode::Train);
  for (Eigen::Index i = 0; i < x.size(); ++i) REQUIRE(y.data()[i] == Approx(reference(x.data()[i])).margin(1e-6));
  LayerCheck c = check_layer(layer, x, rng, 144);
  INFO(layer.describe() << ": dx max relative error " << c.dx.max_rel);
  CHECK(c.dx.max_rel < 1e-2);
}

}  // namespace bpl::test
