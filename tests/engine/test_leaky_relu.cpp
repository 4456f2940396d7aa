#include "activation_check.h"
#include "core/error.h"
#include "gradient_check.h"
#include "layers/leaky_relu.h"
#include "model/model.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Leaky ReLU: forward and backward by hand", "[leaky_relu]") {
  LeakyReLU l(0.1);
  Rng rng(1);
  l.setup(Shape{4, 1, 1}, rng);
  Matrix x(4, 1), y, dx;
  x << -2.0f, -0.5f, 0.5f, 3.0f;
  l.forward(x, y, Mode::Train);
  CHECK(y(0, 0) == Approx(-0.2));
  CHECK(y(1, 0) == Approx(-0.05));
  CHECK(y(2, 0) == 0.5f);
  CHECK(y(3, 0) == 3.0f);
  Matrix dy(4, 1);
  dy << 1.0f, 2.0f, 3.0f, 4.0f;
  l.backward(x, y, dy, &dx);
  CHECK(dx(0, 0) == Approx(0.1));
  CHECK(dx(1, 0) == Approx(0.2));
  CHECK(dx(2, 0) == 3.0f);
  CHECK(dx(3, 0) == 4.0f);
}

TEST_CASE("Leaky ReLU: forward against the definition, gradient check away from the kink", "[leaky_relu][gradient]") {
  LeakyReLU l(0.2);
  check_activation(l, [](double x) { return x > 0 ? x : 0.2 * x; });
}

TEST_CASE("Leaky ReLU: spec round trip, α's range, and it builds in a model", "[leaky_relu]") {
  CHECK(make_layer(parse_layer_spec("leaky_relu"))->spec() == "leaky_relu(0.01)");
  CHECK(make_layer(parse_layer_spec("leaky_relu(0.3)"))->spec() == "leaky_relu(0.3)");
  CHECK(make_layer(parse_layer_spec("leaky_relu(alpha=0.2)"))->spec() == "leaky_relu(0.2)");
  CHECK_THROWS_AS(make_layer(parse_layer_spec("leaky_relu(2)")), ConfigError);
  CHECK_THROWS_AS(make_layer(parse_layer_spec("leaky_relu(0.1, 2)")), ConfigError);
  Model m = Model::from_text("dense(16), leaky_relu(0.1), dense(10)", Shape{1, 28, 28}, 2);
  CHECK(m.layer(1).describe() == "LeakyReLU α=0.1");
}
