// The one gradient checker (engine/train/gradcheck.h): its tolerance is pinned here. A correct
// backward agrees; a backward that is 5% off, or has the wrong sign, does not.
#include "gradient_check.h"
#include "layers/dense.h"
#include "train/gradcheck.h"

#include <catch2/catch.hpp>

using namespace bpl;

namespace {

// L = Σ r ⊙ dense(x) for a small dense layer, and its analytic ∂L/∂W scaled by `error`
struct Case {
  Dense layer{4};
  Matrix x, r, y;
  Case() {
    Rng rng(3);
    layer.setup(Shape{6, 1, 1}, rng);
    x = test::random_matrix(6, 2, rng);
    layer.forward(x, y, Mode::Train);
    r = test::random_matrix(y.rows(), y.cols(), rng);
  }
  double loss() {
    Matrix yy;
    layer.forward(x, yy, Mode::Train);
    return test::weighted_sum(yy, r);
  }
  // fraction of the weights whose gradient the checker accepts when backward is off by `error`
  double accepted(double error) {
    Matrix dx;
    layer.backward(x, y, r, &dx);
    const Matrix g = layer.weights().grad * static_cast<float>(error);
    int ok = 0;
    for (Eigen::Index i = 0; i < g.size(); ++i)
      ok += check_gradient([&] { return loss(); }, &layer.weights().value.data()[i], g.data()[i]).agrees;
    return static_cast<double>(ok) / g.size();
  }
};

}  // namespace

TEST_CASE("The gradient checker accepts a correct backward and refuses one that is 5% off", "[gradcheck]") {
  Case c;
  CHECK(c.accepted(1.0) == 1.0);
  CHECK(c.accepted(1.05) == 0.0);  // 5% too large
  CHECK(c.accepted(0.95) == 0.0);  // 5% too small
  CHECK(c.accepted(-1.0) == 0.0);  // the wrong sign
  CHECK(kGradTolerance == 1e-2);   // the documented tolerance
}

TEST_CASE("The gradient checker reports a corner (a ReLU at exactly 0) instead of agreeing", "[gradcheck]") {
  float x = 0.0f;
  auto relu = [&] { return static_cast<double>(x > 0 ? x : 0); };
  const GradCheckResult r = check_gradient(relu, &x, 1.0);
  CHECK(r.kink);
  CHECK_FALSE(r.agrees);
  CHECK(x == 0.0f);  // the value is restored
  float y = 0.5f;
  auto square = [&] { return static_cast<double>(y) * y; };
  const GradCheckResult s = check_gradient(square, &y, 1.0);
  CHECK(s.agrees);
  CHECK(s.numeric == Approx(1.0).epsilon(1e-3));
}
