#include "gradient_check.h"
#include "layers/dropout.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Dropout keeps about 1−p of the values, scaled by 1/(1−p), eval mode is the identity", "[dropout]") {
  Dropout d(0.25);
  Rng rng(1);
  d.setup(Shape{1000, 1, 1}, rng);
  Matrix x = Matrix::Ones(1000, 20), y;
  d.forward(x, y, Mode::Train);
  const double kept = (y.array() > 0).cast<double>().sum() / y.size();
  CHECK(std::abs(kept - 0.75) < 0.02);
  CHECK(y.maxCoeff() == Approx(1.0 / 0.75));
  d.forward(x, y, Mode::Eval);
  CHECK(y == x);
}

TEST_CASE("Dropout backward matches finite differences for a fixed mask", "[dropout][gradcheck]") {
  Rng rng(2);
  Dropout d(0.5);
  d.setup(Shape{50, 1, 1}, rng);
  Matrix x = random_matrix(50, 3, rng), y, dx;
  const Dropout frozen = d;  // the same random state → the same mask for every evaluation
  d.forward(x, y, Mode::Train);
  Matrix r = random_matrix(50, 3, rng);
  d.backward(x, y, r, &dx);
  auto f = [&]() {
    Dropout copy = frozen;
    Matrix yy;
    copy.forward(x, yy, Mode::Train);
    return weighted_sum(yy, r);
  };
  GradError e = check_gradient(x, dx, f, rng, 150);
  CHECK(e.max_rel < 1e-2);
}

TEST_CASE("Dropout with the same seed draws the same mask", "[dropout]") {
  Rng r1(9), r2(9);
  Dropout a(0.3), b(0.3);
  a.setup(Shape{64, 1, 1}, r1);
  b.setup(Shape{64, 1, 1}, r2);
  Matrix x = Matrix::Ones(64, 4), ya, yb;
  a.forward(x, ya, Mode::Train);
  b.forward(x, yb, Mode::Train);
  CHECK(ya == yb);
  const long dropped = (ya.array() == 0).count();  // a real mask: some dropped, most kept
  CHECK(dropped > 0);
  CHECK(dropped < ya.size() / 2);
  // another seed draws another mask
  Rng r3(10);
  Dropout c(0.3);
  c.setup(Shape{64, 1, 1}, r3);
  Matrix yc;
  c.forward(x, yc, Mode::Train);
  CHECK(yc != ya);
  CHECK_THROWS(make_layer(parse_layer_spec("dropout(1.5)")));
}
