#include "train/experiment.h"

#include "core/error.h"
#include "model/presets.h"

#include <cmath>

namespace bpl {

int epochs_to_converge(const std::vector<double>& accs, double tol) {
  for (size_t e = 0; e < accs.size(); ++e)
    if (accs[e] >= accs.back() - tol) return static_cast<int>(e) + 1;
  return static_cast<int>(accs.size());
}

int ExperimentRun::converged() const {
  return epochs_to_converge(test_accs);
}

MeanStd mean_std(const std::vector<double>& v) {
  MeanStd r;
  r.n = static_cast<int>(v.size());
  if (v.empty()) return r;
  for (double x : v) r.mean += x;
  r.mean /= r.n;
  if (r.n < 2) return r;
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.std = std::sqrt(ss / (r.n - 1));  // sample standard deviation (n − 1)
  return r;
}

std::vector<SeedRow> rows_over_seeds(const std::vector<ExperimentRun>& runs) {
  std::vector<SeedRow> rows;
  std::vector<std::vector<double>> accs, secs;
  for (const ExperimentRun& r : runs) {
    size_t i = 0;
    while (i < rows.size() && rows[i].run.name != r.name) ++i;
    if (i == rows.size()) {
      rows.push_back(SeedRow{r, {}, 0});
      accs.emplace_back();
      secs.emplace_back();
    }
    if (r.diverged) {
      ++rows[i].diverged;
      continue;
    }
    if (accs[i].empty()) rows[i].run = r;  // the first run that finished
    accs[i].push_back(r.test_acc);
    secs[i].push_back(r.seconds);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].acc = mean_std(accs[i]);
    rows[i].run.test_acc = rows[i].acc.mean;
    rows[i].run.seconds = mean_std(secs[i]).mean;
  }
  return rows;
}

int experiment_winner(const std::vector<ExperimentRun>& runs) {
  int best = -1;
  for (size_t i = 0; i < runs.size(); ++i)
    if (best < 0 || runs[i].test_acc > runs[best].test_acc ||
        (runs[i].test_acc == runs[best].test_acc && runs[i].params < runs[best].params))
      best = static_cast<int>(i);
  return best;
}

const std::vector<std::string>& comparison_names() {
  static const std::vector<std::string> n = {"r0", "r1-mlp", "r1-cnn", "r2", "r3", "r4"};
  return n;
}

std::vector<std::string> comparison_presets(const std::string& which, bool improved) {
  std::vector<std::string> names;
  for (const Preset& p : presets()) {
    if (p.improved != improved) continue;  // the reports' own systems, or only their improved variants
    const std::string r = p.name.substr(0, 2);
    if (which == "r0"       ? r == "r0"
        : which == "r1-mlp" ? p.name.rfind("r1-mlp", 0) == 0
        : which == "r1-cnn" ? p.name.rfind("r1-cnn", 0) == 0
        : which == "r2"     ? r == "r2"
        : which == "r3"     ? r == "r3"
        : which == "r4"     ? r == "r4"
                            : false)
      names.push_back(p.name);
  }
  if (names.empty() && improved) throw ConfigError("comparison \"" + which + "\" has no improved variants");
  if (names.empty()) throw ConfigError("unknown comparison \"" + which + "\" (use r0, r1-mlp, r1-cnn, r2, r3 or r4)");
  return names;
}

}  // namespace bpl
