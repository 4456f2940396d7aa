#include "gradient_check.h"
#include "layers/dense.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Dense forward is W·x + b", "[dense]") {
  Dense d(2);
  Rng rng(1);
  d.setup(Shape{3, 1, 1}, rng);
  d.weights().value << 1, 2, 3, -1, 0, 1;
  d.bias().value << 0.5f, -0.5f;
  Matrix x(3, 2);
  x << 1, 0, 1, 1, 1, 2;
  Matrix y;
  d.forward(x, y, Mode::Eval);
  // sample 0 = (1,1,1): 1+2+3+0.5 = 6.5, −1+0+1−0.5 = −0.5; sample 1 = (0,1,2): 2+6+0.5, 0+0+2−0.5
  CHECK(y(0, 0) == Approx(6.5));
  CHECK(y(1, 0) == Approx(-0.5));
  CHECK(y(0, 1) == Approx(8.5));
  CHECK(y(1, 1) == Approx(1.5));
}

TEST_CASE("Dense backward matches finite differences", "[dense][gradcheck]") {
  Rng rng(2);
  for (int units : {1, 7, 32}) {
    Dense d(units);
    d.setup(Shape{13, 1, 1}, rng);
    d.bias().value = random_matrix(units, 1, rng);
    LayerCheck c = check_layer(d, random_matrix(13, 5, rng), rng, 40, 1e-2);  // linear: exact differences
    INFO("units " << units << " dx " << c.dx.max_rel << " dW " << c.params[0].max_rel << " db " << c.params[1].max_rel);
    CHECK(c.dx.max_rel < 1e-2);
    CHECK(c.params[0].max_rel < 1e-2);
    CHECK(c.params[1].max_rel < 1e-2);
  }
}

TEST_CASE("Dense refuses bad specs with a readable message", "[dense]") {
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("dense")), Catch::Contains("number of units is missing"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("dense(0)")), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("dense(12, size=3)")), Catch::Contains("unknown argument"));
  CHECK(make_layer(parse_layer_spec("dense(12, init=he)"))->spec() == "dense(12, init=he)");
  CHECK(make_layer(parse_layer_spec("dense(12, init=xavier)"))->spec() == "dense(12)");
}

TEST_CASE("Dense's evaluation pass (and with ReLU) equals its reference loops", "[dense]") {
  // outputs and images that are not whole blocks of the WebAssembly GEMM kernel (8 × 4): 1 and
  // 13 units (run with images as the kernel's rows), 16 and 120 (units as its rows); 1, 5, 16 and
  // 37 images; inputs not a multiple of 4
  Rng rng(3);
  for (int units : {1, 13, 16, 120})
    for (int images : {1, 5, 16, 37}) {
      Dense d(units);
      d.setup(Shape{30, 1, 1}, rng);
      d.weights().value = random_matrix(units, 30, rng);
      d.bias().value = random_matrix(units, 1, rng);
      const Matrix x = random_matrix(30, images, rng);
      Matrix want, y;
      d.forward_reference(x, want, Mode::Eval);
      INFO(units << " units, " << images << " images");
      d.infer(x, y);
      REQUIRE(y.rows() == units);
      REQUIRE(y.cols() == images);
      CHECK((y - want).cwiseAbs().maxCoeff() < 1e-4);
      CHECK(d.infer_relu(x, y));
      CHECK((y - want.cwiseMax(0.0f)).cwiseAbs().maxCoeff() < 1e-4);
    }
}
