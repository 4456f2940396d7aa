// Experiments: a seed report's comparison (R0 MLP vs LeNet-5, R1's hidden-size and kernel-size
// sweeps, R2, R3) run one preset after another, time-sliced like training, on the data loaded
// in the app: a progress bar per run, overlaid test-accuracy curves and R0's Table V (parameters,
// epochs, epochs to converge, time, test accuracy, the report's figure, winner).
#include "panels/panels.h"
#include "widgets.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace bpl::app {

void ExperimentsPanel(App& app) {
  const Experiments& e = app.exp;
  const float fs = ImGui::GetFontSize();
  static const char* labels[] = {"R0: MLP vs LeNet-5",
                                 "R1: MLP hidden sizes 32…512",
                                 "R1: CNN kernel sizes 3…11",
                                 "R2: MLP, momentum, CNN, CNN + Adam",
                                 "R3: CNN vs MLP",
                                 "R4: LeNet-5 on 1,000 images"};
  constexpr int kComparisons = 6;  // = comparison_names()
  ImGui::BeginDisabled(e.running);
  ImGui::SetNextItemWidth(fs * 16);
  if (ImGui::BeginCombo("comparison", labels[std::clamp(e.which, 0, kComparisons - 1)])) {
    for (int k = 0; k < kComparisons; ++k) {
      if (ImGui::Selectable(labels[k], k == e.which)) app.exp.choose(k);
      RecordRect(app, "exp_comparison_" + std::to_string(k));  // lessons point at them, tests click them
    }
    ImGui::EndCombo();
  }
  RecordRect(app, "exp_comparison");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 6);
  int max_epochs = e.max_epochs;
  if (ImGui::InputInt("epochs per run", &max_epochs)) app.exp.set_max_epochs(max_epochs);
  RecordRect(app, "exp_epochs");
  ImGui::SameLine();
  bool improved = e.improved;
  if (ImGui::Checkbox("improved variants", &improved)) app.exp.set_improved(improved);
  RecordRect(app, "exp_improved");
  ImGui::SameLine();
  HelpMarker(
      "Each report's own systems, or the lab's improved variants of them (R1's single-kernel CNNs with the "
      "mean gradient at lr 0.1, R0's LeNet-5 with Xavier's initialisation, R2's CNN with a step decay).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 6);
  int seeds = e.seeds;
  if (ImGui::InputInt("seeds", &seeds)) app.exp.set_seeds(seeds);
  RecordRect(app, "exp_seeds");
  ImGui::SameLine();
  HelpMarker(
      "Seeds: each model is trained this many times, with seeds s, s + 1, … (initialisation, split and "
      "shuffle), and the table shows the mean ± standard deviation: one run is not a result, the spread "
      "between seeds is often larger than the differences between models. "
      "Epochs: 0 = each report's own number of epochs. The runs use each preset's settings on the data loaded in the "
      "app (the MNIST subset by default: load the full MNIST from the Data menu to compare with the reports' "
      "figures, or run `bpl compare` on the command line).");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (!e.running) {
    if (ImGui::Button("Run")) app.experiments_start();
  } else if (ImGui::Button("Stop")) {
    app.experiments_stop();
  }
  RecordRect(app, "exp_run");
  if (app.state() == RunState::Running) {
    ImGui::SameLine();
    ImGui::TextDisabled("(starting pauses the training)");
  }
  if (!e.message.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", e.message.c_str());
  }
  if (e.runs.empty()) {
    ImGui::TextDisabled("Pick a comparison and press Run.");
    return;
  }
  // progress per run
  for (size_t i = 0; i < e.runs.size(); ++i) {
    const ExperimentRun& r = e.runs[i];
    const bool current = e.running && i + 1 == e.runs.size() && e.trainer();
    float frac = static_cast<float>(r.epochs) / std::max(1, e.total_epochs[i]);
    if (current)
      frac = static_cast<float>(e.trainer()->epoch() +
                                static_cast<double>(e.trainer()->batch_in_epoch()) / e.trainer()->batches_per_epoch()) /
             std::max(1, e.total_epochs[i]);
    char over[128];
    if (e.seeds > 1)
      std::snprintf(over, sizeof over, "%s · seed +%d · epoch %d/%d%s", r.name.c_str(), r.seed, r.epochs,
                    e.total_epochs[i], r.diverged ? " · diverged" : "");
    else
      std::snprintf(over, sizeof over, "%s · epoch %d/%d%s", r.name.c_str(), r.epochs, e.total_epochs[i],
                    r.diverged ? " · diverged" : "");
    ImGui::ProgressBar(frac, ImVec2(fs * 18, 0), over);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", r.title.c_str());
  }
  for (auto q = e.queue.rbegin(); q != e.queue.rend(); ++q)
    ImGui::TextDisabled(e.seeds > 1 ? "waiting: %s, seed +%d" : "waiting: %s", q->preset.c_str(), q->seed);
  // curves
  std::vector<Series> series;
  for (size_t i = 0; i < e.runs.size(); ++i) {
    Series s{e.runs[i].name, {}, {}, series_color(static_cast<int>(i)), true};
    for (size_t k = 0; k < e.runs[i].test_accs.size(); ++k) {
      s.x.push_back(static_cast<float>(k + 1));
      s.y.push_back(static_cast<float>(e.runs[i].test_accs[k]));
    }
    series.push_back(s);
  }
  PlotOptions o;
  o.x_label = "epoch";
  o.y_label = "test accuracy";
  o.y_max_clamp = 1.0f;
  LinePlot("exp", series, ImVec2(0, fs * 14), o);
  // R0's Table V
  const std::vector<SeedRow> rows = e.rows();
  std::vector<ExperimentRun> means;
  for (const SeedRow& r : rows) means.push_back(r.run);
  const int best = e.running ? -1 : experiment_winner(means);
  // the reports' figures are MNIST's: on another data set they are no comparison, so the column
  // is left out and a line says so
  const bool mnist = app.dataset_name == "MNIST";
  if (!mnist)
    ImGui::TextDisabled("The reports' figures are MNIST results: on %s there is nothing to compare them with.",
                        app.dataset_name.c_str());
  if (ImGui::BeginTable("cmp", mnist ? 8 : 7,
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    const char* acc_head = e.seeds > 1 ? "test accuracy, mean ± sd" : "test accuracy";
    for (const char* h :
         {"model", "parameters", "epochs", "converged", "train time", acc_head, "report's figure (MNIST)", "winner"})
      if (mnist || h[0] != 'r') ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < rows.size(); ++i) {
      const ExperimentRun& r = rows[i].run;
      const MeanStd& acc = rows[i].acc;
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.title.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(with_commas(r.params).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d", r.epochs);
      ImGui::TableNextColumn();
      if (!r.test_accs.empty()) ImGui::Text("%d", r.converged());
      ImGui::TableNextColumn();
      ImGui::Text("%.1f s", r.seconds);
      ImGui::TableNextColumn();
      if (acc.n > 1)
        ImGui::Text("%.2f ± %.2f%% (%d%s)", 100 * acc.mean, 100 * acc.std, acc.n,
                    rows[i].diverged ? (" + " + std::to_string(rows[i].diverged) + " diverged").c_str() : "");
      else if (acc.n == 1 && !r.test_accs.empty())
        ImGui::Text("%.2f%%", 100 * r.test_acc);
      else if (rows[i].diverged)
        ImGui::TextUnformatted("diverged");
      if (mnist) {
        ImGui::TableNextColumn();
        if (r.report_acc > 0) ImGui::Text("%.2f%%", 100 * r.report_acc);
      }
      ImGui::TableNextColumn();
      if (static_cast<int>(i) == best) ImGui::TextColored(color(colors().edit), "★");
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("converged: the first epoch within 0.5 points of the last epoch's test accuracy");
  if (e.seeds > 1)
    ImGui::TextDisabled(
        "mean ± sample standard deviation over the seeds that finished (n); parameters, epochs and convergence "
        "of the first; train time the mean");
}

}  // namespace bpl::app
