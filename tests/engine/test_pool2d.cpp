#include "gradient_check.h"
#include "layers/pool2d.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("MaxPool2D picks the window maximum and records the winner", "[pool2d]") {
  Pool2D p(true, 2, 2);
  Rng rng(1);
  REQUIRE(p.setup(Shape{1, 4, 4}, rng) == Shape{1, 2, 2});
  Matrix x(16, 1);
  x << 1, 5, 2, 0,  //
      3, 4, 8, 1,   //
      0, 0, 1, 2,   //
      9, 0, 3, 7;
  Matrix y;
  p.forward(x, y, Mode::Train);
  CHECK(y(0, 0) == 5);
  CHECK(y(1, 0) == 8);
  CHECK(y(2, 0) == 9);
  CHECK(y(3, 0) == 7);
  CHECK((*p.winners())(0, 0) == 1);
  CHECK((*p.winners())(1, 0) == 6);
  CHECK((*p.winners())(2, 0) == 12);
  CHECK((*p.winners())(3, 0) == 15);
  Matrix dy(4, 1), dx;
  dy << 1, 2, 3, 4;
  p.backward(x, y, dy, &dx);
  CHECK(dx.sum() == 10);
  CHECK(dx(1, 0) == 1);
  CHECK(dx(6, 0) == 2);
  CHECK(dx(12, 0) == 3);
  CHECK(dx(15, 0) == 4);
}

TEST_CASE("AvgPool2D averages the window", "[pool2d]") {
  Pool2D p(false, 2, 2);
  Rng rng(1);
  p.setup(Shape{1, 2, 2}, rng);
  Matrix x(4, 1), y;
  x << 1, 2, 3, 6;
  p.forward(x, y, Mode::Eval);
  CHECK(y(0, 0) == Approx(3.0));
}

TEST_CASE("Pooling backward matches finite differences", "[pool2d][gradcheck]") {
  Rng rng(4);
  struct C {
    bool max;
    int k, s;
    Shape in;
  };
  for (C c : {C{true, 2, 2, {3, 8, 8}}, C{true, 3, 1, {2, 7, 7}}, C{true, 3, 2, {2, 9, 9}}, C{false, 2, 2, {3, 8, 8}},
              C{false, 3, 2, {2, 7, 7}}}) {
    Pool2D p(c.max, c.k, c.s);
    p.setup(c.in, rng);
    // pairwise distinct values 0.01 apart: no ties within the ±0.001 step
    LayerCheck r = check_layer(p, distinct_matrix(c.in.size(), 3, rng), rng, 60);
    INFO(p.spec() << " on " << c.in.str() << " dx error " << r.dx.max_rel);
    CHECK(r.dx.max_rel < 1e-2);
  }
}

TEST_CASE("Pooling refuses sizes that do not divide", "[pool2d]") {
  Rng rng(1);
  Pool2D p(true, 2, 2);
  CHECK_THROWS_WITH(p.setup(Shape{6, 5, 5}, rng), Catch::Contains("not whole"));
  Pool2D q(true, 3, 3);
  CHECK_THROWS_WITH(q.setup(Shape{1, 2, 2}, rng), Catch::Contains("larger than"));
}
