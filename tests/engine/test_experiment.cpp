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

TEST_CASE("Experiments over seeds: one row per preset, mean ± sd of the finished runs", "[experiment]") {
  auto run = [](const char* name, double acc, double secs, bool diverged = false) {
    ExperimentRun r;
    r.name = name;
    r.test_acc = acc;
    r.seconds = secs;
    r.diverged = diverged;
    return r;
  };
  const std::vector<SeedRow> rows = rows_over_seeds(
      {run("mlp", 0.90, 1), run("mlp", 0.94, 3), run("cnn", 0.5, 9, true), run("cnn", 0.98, 5), run("mlp", 0.92, 2)});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].run.name == "mlp");
  CHECK(rows[0].acc.n == 3);
  CHECK(rows[0].acc.mean == Approx(0.92));
  CHECK(rows[0].acc.std == Approx(0.02));  // sample sd of 0.90, 0.94, 0.92
  CHECK(rows[0].run.test_acc == Approx(0.92));
  CHECK(rows[0].run.seconds == Approx(2.0));
  CHECK(rows[0].diverged == 0);
  CHECK(rows[1].run.name == "cnn");
  CHECK(rows[1].acc.n == 1);  // the diverged seed is counted, not averaged
  CHECK(rows[1].diverged == 1);
  CHECK(rows[1].acc.mean == Approx(0.98));
  CHECK(rows[1].run.seconds == Approx(5.0));
}
