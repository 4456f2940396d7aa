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
