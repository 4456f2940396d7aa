// Comparisons of models (R0's Table V, R1's sweeps): which presets a seed report compares, and
// how a finished run is summarised. Used by `bpl compare` and by the app's Experiments view.
//   epochs to converge  the first epoch whose test accuracy is within `tol` of the last epoch's
//   winner              the highest test accuracy; on a tie, the fewer parameters
//   over seeds          mean ± sample standard deviation of N runs that differ only in their seeds
#pragma once

#include <string>
#include <vector>

namespace bpl {

struct ExperimentRun {
  std::string name, title;  // preset name and title
  long params = 0;
  int epochs = 0;                 // epochs trained
  double seconds = 0;             // training time
  double test_acc = 0;            // after the last epoch
  double report_acc = 0;          // the report's own figure (0 if none)
  std::vector<double> test_accs;  // after every epoch
  std::vector<double> val_accs;
  int seed = 0;           // 0, 1, …: the preset's seeds + seed (initialisation, split and shuffle)
  bool diverged = false;  // stopped by the divergence guard: left out of the mean
  int converged() const;  // epochs to converge
};

// mean and sample standard deviation (n − 1) of a figure over seeds; std is 0 for one value
struct MeanStd {
  double mean = 0, std = 0;
  int n = 0;
};
MeanStd mean_std(const std::vector<double>& v);

// One preset's runs over seeds as one row of a comparison: the first finished run (parameters,
// epochs, convergence) with test_acc and seconds replaced by their means, the test accuracy's
// mean ± sd over the runs that finished, and how many diverged. Rows keep the runs' order.
struct SeedRow {
  ExperimentRun run;
  MeanStd acc;
  int diverged = 0;
};
std::vector<SeedRow> rows_over_seeds(const std::vector<ExperimentRun>& runs);

int epochs_to_converge(const std::vector<double>& accs, double tol = 0.005);
// index of the winner (−1 for no runs)
int experiment_winner(const std::vector<ExperimentRun>& runs);
// the presets a comparison runs: "r0", "r1-mlp", "r1-cnn", "r2", "r3", "r4" (ConfigError otherwise);
// the reports' own systems, never an "… improved" variant
// (improved: their "… improved" variants instead)
std::vector<std::string> comparison_presets(const std::string& which, bool improved = false);
const std::vector<std::string>& comparison_names();

}  // namespace bpl
