#include "activation_check.h"
#include "layers/relu.h"

#include <algorithm>

TEST_CASE("ReLU forward is max(0, x) and backward matches finite differences", "[relu][gradcheck]") {
  bpl::ReLU layer;
  bpl::test::check_activation(layer, [](double v) { return std::max(0.0, v); });
}
