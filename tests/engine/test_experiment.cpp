#include "core/error.h"
#include "train/experiment.h"

#include <catch2/catch.hpp>

using namespace bpl;

TEST_CASE("Experiments: epochs to converge, the winner, the presets each report compares", "[experiment]") {
  CHECK(epochs_to_converge({0.90, 0.972, 0.975, 0.976}) == 2);  // within 0.5 points of 97.6%
  CHECK(epochs_to_converge({0.90, 0.970, 0.975, 0.976}) == 3);
  CHECK(epochs_to_converge({0.90, 0.95, 0.99}) == 3);
  CHECK(epochs_to_converge({0.5}) == 1);
  ExperimentRun a, b, c;
  a.test_acc = 0.98, a.params = 1000;
  b.test_acc = 0.99, b.params = 5000;
  c.test_acc = 0.99, c.params = 3000;
  CHECK(experiment_winner({a, b, c}) == 2);  // tie on accuracy: fewer parameters wins
  CHECK(experiment_winner({}) == -1);
  CHECK(comparison_presets("r1-mlp").size() == 5);
  CHECK(comparison_presets("r1-cnn").size() == 5);
  CHECK(comparison_presets("r0") == std::vector<std::string>{"r0-mlp", "r0-lenet5"});
  CHECK_THROWS_AS(comparison_presets("r9"), ConfigError);
}
