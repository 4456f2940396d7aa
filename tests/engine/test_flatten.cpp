#include "gradient_check.h"
#include "layers/flatten.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Flatten keeps the values and changes the shape, its gradient passes through", "[flatten][gradcheck]") {
  Flatten f;
  Rng rng(1);
  CHECK(f.setup(Shape{16, 4, 4}, rng) == Shape{256, 1, 1});
  Matrix x = random_matrix(256, 2, rng), y;
  f.forward(x, y, Mode::Eval);
  CHECK(y == x);
  LayerCheck c = check_layer(f, x, rng, 30);
  CHECK(c.dx.max_rel < 1e-2);
}
