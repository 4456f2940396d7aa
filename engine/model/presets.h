// Every model of the five seed reports (../shared/SEEDS.md), with the report's own
// optimizer, learning rate, batch size, epochs and data handling as defaults.
#pragma once

#include "core/init.h"
#include "data/dataset.h"
#include "train/trainer.h"

#include <string>
#include <vector>

namespace bpl {

struct Preset {
  std::string name;    // CLI / URL name: "r0-lenet5"
  std::string title;   // "LeNet-5 (R0)"
  std::string report;  // "R0 — NumPy MLP vs LeNet CNN"
  std::string layers;  // layer list text
  NormKind norm = NormKind::Unit;
  int subset = 0;          // training images used (0 = all 60,000)
  double val_frac = 0.0;   // validation fraction of the training images
  double test_frac = 0.0;  // > 0: test images come from the training file (R4)
  TrainConfig train;
  double report_accuracy = 0.0;  // the report's test accuracy, for comparison tables
  std::string report_note;       // "92.0% test, 180 s"
  Init init = Init::Xavier;      // of the layers without init= (PyTorch's for the framework reports)
  // a stronger variant of a report's system ("… improved"): not part of the reports' comparisons
  bool improved = false;
};

const std::vector<Preset>& presets();
const Preset& find_preset(const std::string& name);  // ConfigError listing the names

}  // namespace bpl
