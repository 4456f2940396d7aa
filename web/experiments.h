// Experiments: a comparison's presets trained one after another on the loaded data, each with
// its own model and trainer (the session's model is not touched), time-sliced like training.
#pragma once

#include "train/experiment.h"
#include "train/trainer.h"
#include "training_session.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace bpl::app {

class Experiments {
 public:
  int which = 0;          // index into comparison_names()
  int max_epochs = 3;     // per run (0 = the preset's own)
  bool improved = false;  // run the reports' improved variants instead of their own systems
  bool running = false;
  std::vector<std::string> queue;   // presets still to run
  std::vector<ExperimentRun> runs;  // finished ones, then the current one
  std::vector<int> total_epochs;
  std::string message;

  void choose(int comparison) { which = comparison; }
  void set_improved(bool on) { improved = on; }
  void set_max_epochs(int n) { max_epochs = std::max(0, std::min(n, 100)); }
  void start(const TrainingSession& s);
  void stop();
  void tick(const TrainingSession& s, double budget_ms);
  const Trainer* trainer() const { return trainer_.get(); }

 private:
  std::unique_ptr<Model> model_;
  std::unique_ptr<Trainer> trainer_;
  Split split_;
  Normalizer norm_;
};

}  // namespace bpl::app
