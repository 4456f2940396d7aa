// Training panel: optimizer and its parameters, batch, epochs, split, seed, early stopping,
// schedule; Start / Pause / Step / Reset; the progress bar.
#include "panels/panels.h"
#include "widgets.h"

#include <cmath>
#include <cstdio>

namespace bpl::app {

namespace {

bool InputDoubleLog(const char* label, double* v, double lo, double hi, const char* fmt) {
  float f = static_cast<float>(*v);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  bool c = ImGui::SliderFloat(label, &f, static_cast<float>(lo), static_cast<float>(hi), fmt,
                              ImGuiSliderFlags_Logarithmic);
  if (c) *v = f;
  return c;
}

void Settings(App& app) {
  TrainConfig& t = app.cfg.train;
  bool changed = false;
  int k = static_cast<int>(t.optimizer.kind);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ImGui::Combo("optimizer", &k, "SGD\0SGD + momentum\0SGD + Nesterov\0Adam\0")) {
    t.optimizer.kind = optimizer_kinds()[k];
    changed = true;
  }
  ImGui::SameLine();
  HelpMarker("SGD: θ ← θ − η·g.  Momentum: v ← μv + g, θ ← θ − η·v.  Nesterov looks ahead: θ ← θ − η(g + μv).  "
             "Adam keeps running means of g and g² and steps by η·m̂/(√v̂ + ε).");
  changed |= InputDoubleLog("learning rate η", &t.optimizer.lr, 1e-5, 10.0, "%.5g");
  if (t.optimizer.kind == OptimizerKind::Momentum || t.optimizer.kind == OptimizerKind::Nesterov) {
    float mu = static_cast<float>(t.optimizer.momentum);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::SliderFloat("momentum μ", &mu, 0.0f, 0.99f, "%.2f")) {
      t.optimizer.momentum = mu;
      changed = true;
    }
  }
  changed |= InputDoubleLog("weight decay λ", &t.optimizer.weight_decay, 0.0, 0.1, "%.5g");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  changed |= ImGui::InputInt("batch size", &t.batch, 1, 16);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  changed |= ImGui::InputInt("epochs", &t.epochs, 1, 5);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  changed |= ImGui::SliderInt("validation %", &app.val_percent, 0, 50);
  ImGui::SameLine();
  HelpMarker("Share of the training images held out to measure generalisation after each epoch. The test images "
             "are never trained on.");
  int seed = static_cast<int>(app.cfg.init_seed);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ImGui::InputInt("seed", &seed)) {
    app.cfg.init_seed = static_cast<uint64_t>(std::max(0, seed));
    app.cfg.train.seed = app.cfg.init_seed;
    changed = true;
  }
  ImGui::SameLine();
  HelpMarker("The same seed gives the same initial weights and the same shuffling, in the browser and natively.");
  if (ImGui::TreeNode("early stopping and schedule")) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    changed |= ImGui::InputInt("patience (0 = off)", &t.early_stop_patience);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    changed |= InputDoubleLog("min delta", &t.early_stop_min_delta, 0.0, 0.1, "%.4g");
    int s = static_cast<int>(t.schedule.kind);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::Combo("lr schedule", &s, "none\0step decay\0reduce on plateau\0")) {
      t.schedule.kind = schedule_kinds()[s];
      changed = true;
    }
    if (s == 1) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
      changed |= ImGui::InputInt("every N epochs", &t.schedule.step_epochs);
      changed |= InputDoubleLog("× gamma", &t.schedule.gamma, 0.01, 1.0, "%.3g");
    }
    ImGui::TreePop();
  }
  if (changed) {
    t.early_stop_patience = std::max(0, t.early_stop_patience);
    app.cfg.preset = "custom";
    app.revalidate();
  }
}

}  // namespace

void TrainingPanel(App& app) {
  const RunState st = app.state();
  ImGui::BeginDisabled(st == RunState::Running);
  Settings(app);
  ImGui::EndDisabled();
  ImGui::Separator();
  const bool can = app.validation().empty() && app.data_ready();
  const ImVec2 big(ImGui::GetFontSize() * 6.5f, ImGui::GetFrameHeight() * 1.3f);
  ImGui::BeginDisabled(!can);
  if (st == RunState::Running) {
    if (ImGui::Button("Pause", big)) app.pause();
    RecordRect(app, "start");
  } else {
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(0, 114, 178, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(20, 140, 210, 255));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    if (ImGui::Button(st == RunState::Paused ? "Resume" : "Start", big)) app.start();
    RecordRect(app, "start");
    ImGui::PopStyleColor(3);
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(st == RunState::Running);
  if (ImGui::Button("Step batch", big)) app.step_batch();
  RecordRect(app, "step_batch");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("run one mini-batch: forward, loss, backward, update");
  ImGui::SameLine();
  if (ImGui::Button("Step epoch", big)) app.step_epoch();
  RecordRect(app, "step_epoch");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Reset", big)) app.reset();
  RecordRect(app, "reset");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("new initial weights from the seed; the curves are cleared");
  ImGui::EndDisabled();

  // progress
  Trainer* t = app.trainer();
  const int epochs = t ? t->config().epochs : app.cfg.train.epochs;
  const int epoch = t ? t->epoch() : 0;
  const int nb = t ? t->batches_per_epoch() : 0, b = t ? t->batch_in_epoch() : 0;
  const float frac = (t && nb) ? (epoch + static_cast<float>(b) / nb) / epochs : 0.0f;
  char overlay[160];
  double ips = app.frames.images_per_sec;
  double eta = 0;
  if (t && ips > 0) eta = ((epochs - epoch) * static_cast<double>(t->split().train.size()) - b * t->config().batch) / ips;
  std::snprintf(overlay, sizeof overlay, "epoch %d/%d · batch %d/%d", std::min(epoch + (t && !t->finished() ? 1 : 0), epochs),
                epochs, b, nb);
  ImGui::ProgressBar(std::min(1.0f, frac), ImVec2(-1, 0), overlay);
  if (st == RunState::Running && ips > 0) ImGui::Text("%s images/s · about %.0f s left", human_rate(ips).c_str(), eta);
  else if (st == RunState::Running) ImGui::TextDisabled("training… (measuring the speed)");
  else ImGui::TextDisabled("%s", run_state_name(st));
  if (!app.message().empty()) {
    const bool bad = t && t->state() == TrainState::Diverged;
    if (bad) ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(230, 97, 0, 255));
    ImGui::TextWrapped("%s", app.message().c_str());
    if (bad) ImGui::PopStyleColor();
  }
  if (!app.history().empty()) {
    const EpochRecord& r = app.history().back();
    ImGui::Text("last epoch: train acc %.2f%% · val acc %.2f%% · test acc %.2f%%", 100 * r.stats.train_acc,
                100 * r.stats.val_acc, 100 * r.test_acc);
    if (r.stats.overfitting) {
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(230, 97, 0, 255));
      ImGui::TextWrapped("Overfitting: training accuracy is more than 10 points above validation accuracy.");
      ImGui::PopStyleColor();
    }
  }
}

}  // namespace bpl::app
