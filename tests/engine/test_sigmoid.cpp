#include "activation_check.h"
#include "layers/sigmoid.h"

#include <cmath>

TEST_CASE("Sigmoid forward is 1/(1+e^−x) and backward matches finite differences", "[sigmoid][gradcheck]") {
  bpl::Sigmoid layer;
  bpl::test::check_activation(layer, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}
