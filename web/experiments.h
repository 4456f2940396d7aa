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
  int which = 0;       // index into comparison_names()
  int max_epochs = 3;  // per run (0 = the preset's own)
  int seeds = 1;       // runs per preset, seeds s, s + 1, … (mean ± sd over them, as `bpl compare --seeds`)
  static constexpr int kMaxSeeds = 5;
  bool improved = false;  // run the reports' improved variants instead of their own systems
  bool running = false;
  struct Queued {
    std::string preset;
    int seed = 0;
  };
  std::vector<Queued> queue;        // runs still to go, the next at the back
  std::vector<ExperimentRun> runs;  // finished ones, then the current one
  std::vector<int> total_epochs;
  std::string message;

  void choose(int comparison) { which = comparison; }
  void set_improved(bool on) { improved = on; }
  void set_max_epochs(int n) { max_epochs = std::max(0, std::min(n, 100)); }
  void set_seeds(int n) { seeds = std::max(1, std::min(n, kMaxSeeds)); }
  // the runs as the comparison's rows: one per preset, mean ± sd over its seeds
  std::vector<SeedRow> rows() const { return rows_over_seeds(runs); }
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
