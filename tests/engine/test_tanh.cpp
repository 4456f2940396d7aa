#include "activation_check.h"
#include "layers/tanh.h"

#include <cmath>

TEST_CASE("Tanh forward is tanh(x) and backward matches finite differences", "[tanh][gradcheck]") {
  bpl::Tanh layer;
  bpl::test::check_activation(layer, [](double v) { return std::tanh(v); });
}
