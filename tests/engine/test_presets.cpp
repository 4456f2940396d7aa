// The presets are the seed reports' systems (../shared/SEEDS.md): architecture, optimizer,
// learning rate, batch, epochs, split, normalisation, initialisation and loss reduction as each
// report's code or framework ran them; stronger variants are separate "… improved" presets.
#include "io/run_config.h"
#include "model/presets.h"
#include "train/experiment.h"

#include <catch2/catch.hpp>

using namespace bpl;

namespace {

// every weight layer of the preset's model, as built from its text alone (the app's path)
bool all_weight_layers(const Preset& p, const std::string& init) {
  const Model m = Model::from_text(p.layers, Shape{1, 28, 28}, 1);
  int weight_layers = 0;
  for (int i = 0; i < m.size(); ++i) {
    const std::string spec = m.layer(i).spec();
    if (m.layer(i).type() != "dense" && m.layer(i).type() != "conv") continue;
    ++weight_layers;
    const bool named = spec.find("init=") != std::string::npos;
    if (init == "xavier" ? named : spec.find("init=" + init) == std::string::npos) return false;
  }
  return weight_layers > 0;
}

}  // namespace

TEST_CASE("Presets: R0 validates on 20% for both models, its LeNet-5 starts from PyTorch's initialisation",
          "[presets]") {
  for (const char* name : {"r0-mlp", "r0-lenet5"}) {
    INFO(name);
    CHECK(find_preset(name).val_frac == 0.2);
    CHECK(find_preset(name).subset == 0);
  }
  const Preset& l = find_preset("r0-lenet5");
  CHECK(l.init == Init::PyTorch);
  CHECK(all_weight_layers(l, "pytorch"));
  CHECK(l.train.optimizer.kind == OptimizerKind::Adam);
  CHECK(l.train.batch == 64);
  CHECK(l.train.epochs == 10);
  const Preset& m = find_preset("r0-mlp");
  CHECK(m.train.optimizer.kind == OptimizerKind::Sgd);
  CHECK(m.train.optimizer.lr == 0.01);
  CHECK(m.train.batch == 128);
  CHECK(m.train.epochs == 50);
}

TEST_CASE("Presets: R1 sums the gradient over the batch at lr 0.01, batch 128, its CNN has ONE kernel", "[presets]") {
  for (const Preset& p : presets()) {
    if (p.name.rfind("r1-", 0) != 0 || p.improved) continue;
    INFO(p.name);
    CHECK(p.train.optimizer.kind == OptimizerKind::Sgd);
    CHECK(p.train.optimizer.lr == 0.01);
    CHECK(p.train.optimizer.reduction == Reduction::Sum);
    CHECK(p.train.batch == 128);
    CHECK(p.train.epochs == (p.name.rfind("r1-cnn", 0) == 0 ? 5 : 100));
    if (p.name.rfind("r1-cnn", 0) == 0) {
      const Model net = Model::from_text(p.layers, Shape{1, 28, 28}, 1);
      REQUIRE(net.layer(0).type() == "conv");
      CHECK(net.layer(0).output_shape().c == 1);  // one kernel
      CHECK(net.size() == 4);                     // conv, relu, flatten, dense(10)
    }
  }
  CHECK(comparison_presets("r1-cnn").size() == 5);
  CHECK(comparison_presets("r1-mlp").size() == 5);
}

TEST_CASE(
    "Presets: R2's framework models and R3 start from PyTorch's initialisation, R2's framework CNN has no "
    "schedule",
    "[presets]") {
  for (const char* name : {"r2-mlp-momentum", "r2-cnn-adam", "r3-cnn", "r3-mlp"}) {
    INFO(name);
    CHECK(find_preset(name).init == Init::PyTorch);
    CHECK(all_weight_layers(find_preset(name), "pytorch"));
    CHECK(RunConfig::from_preset(find_preset(name)).init == Init::PyTorch);
  }
  const Preset& a = find_preset("r2-cnn-adam");
  CHECK(a.train.schedule.kind == ScheduleKind::None);
  CHECK(a.train.optimizer.kind == OptimizerKind::Adam);
  CHECK(a.train.batch == 32);
  CHECK(a.train.epochs == 10);
  CHECK(find_preset("r3-cnn").norm == NormKind::Symmetric);
  // the by-hand models keep the mean gradient and their own initialisation
  CHECK(find_preset("r2-mlp").train.optimizer.reduction == Reduction::Mean);
  CHECK(find_preset("r2-mlp").init == Init::Xavier);
  CHECK(all_weight_layers(find_preset("r2-mlp"), "xavier"));
}

TEST_CASE("Presets: a stronger variant says so in its name and stays out of the reports' comparisons", "[presets]") {
  int improved = 0;
  for (const Preset& p : presets()) {
    INFO(p.name);
    const bool named = p.name.size() > 9 && p.name.compare(p.name.size() - 9, 9, "-improved") == 0;
    CHECK(named == p.improved);
    CHECK((p.title.find("improved") != std::string::npos) == p.improved);
    improved += p.improved;
  }
  CHECK(improved >= 3);
  for (const std::string& which : comparison_names())
    for (const std::string& name : comparison_presets(which)) CHECK_FALSE(find_preset(name).improved);
  const std::vector<std::string> r2 = comparison_presets("r2", true);
  CHECK(r2 == std::vector<std::string>{"r2-cnn-adam-improved"});
  CHECK(find_preset("r2-cnn-adam-improved").train.schedule.kind == ScheduleKind::Step);
  CHECK(comparison_presets("r1-cnn", true).size() == 5);
  CHECK_THROWS_WITH(comparison_presets("r3", true), Catch::Contains("no improved variants"));
}
