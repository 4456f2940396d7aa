// Training panel: optimizer and its parameters, batch, epochs, split, seed, early stopping,
// schedule. RunControls: Start / Pause / Step / Reset, the progress bar and the trainer's messages.
#include "panels/panels.h"
#include "widgets.h"

#include "io/settings.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bpl::app {

namespace {

constexpr float kFieldEm = 9;  // a field's width in font sizes

const Setting& entry(const char* key) {
  return *find_setting(key);
}

// The table's help text as a (?) marker, and under the field why its last value was refused.
void HelpAndError(App& app, const Setting& s) {
  ImGui::SameLine();
  HelpMarker(s.help.c_str());
  const std::string& err = app.setting_error(s.key);
  if (err.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
  ImGui::TextWrapped("%s", err.c_str());
  ImGui::PopStyleColor();
}

// The field's rectangle as "set_" + the key's last part ("set_learning_rate"): lessons point at it.
void RecordSettingRect(App& app, const char* key) {
  const std::string k = key;
  RecordRect(app, "set_" + k.substr(k.find('.') + 1));
}

// A float's text, with the digits a float holds (0.01f → "0.01", not 0.0099999998).
std::string float_text(float f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", f);
  return buf;
}

// A number setting as a slider over the table's slider range (logarithmic where the table says
// so); Ctrl+click types any value, which App::apply_setting checks against the table's range.
void NumberSlider(App& app, const char* key, const char* fmt) {
  const Setting& s = entry(key);
  float f = static_cast<float>(std::strtod(s.get(app.cfg).c_str(), nullptr));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * kFieldEm);
  if (ImGui::SliderFloat(s.label.c_str(), &f, static_cast<float>(s.slider_min), static_cast<float>(s.slider_max), fmt,
                         s.log_scale ? ImGuiSliderFlags_Logarithmic : 0))
    app.apply_setting(key, float_text(f));
  RecordSettingRect(app, key);
  HelpAndError(app, s);
}

// A whole-number setting with the table's +/- steps.
void IntField(App& app, const char* key) {
  const Setting& s = entry(key);
  int n = static_cast<int>(std::strtol(s.get(app.cfg).c_str(), nullptr, 10));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * kFieldEm);
  if (ImGui::InputInt(s.label.c_str(), &n, static_cast<int>(s.step), static_cast<int>(s.step_fast)))
    app.apply_setting(key, std::to_string(n));
  RecordSettingRect(app, key);
  HelpAndError(app, s);
}

// A true/false setting as a checkbox.
void Checkbox(App& app, const char* key) {
  const Setting& s = entry(key);
  bool b = s.get(app.cfg) == "true";
  if (ImGui::Checkbox(s.label.c_str(), &b)) app.apply_setting(key, b ? "true" : "false");
  RecordSettingRect(app, key);
  HelpAndError(app, s);
}

// A choice setting as a combo; `shown` are the UI's names for the table's choices, in order.
void ChoiceCombo(App& app, const char* key, const char* shown) {
  const Setting& s = entry(key);
  const std::string cur = s.get(app.cfg);
  int k = 0;
  for (size_t i = 0; i < s.choices.size(); ++i)
    if (s.choices[i] == cur) k = static_cast<int>(i);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * kFieldEm);
  if (ImGui::Combo(s.label.c_str(), &k, shown)) app.apply_setting(key, s.choices[k]);
  HelpAndError(app, s);
}

void Settings(App& app) {
  const TrainConfig& t = app.cfg.train;
  ChoiceCombo(app, "training.optimizer", "SGD\0SGD + momentum\0SGD + Nesterov\0Adam\0");
  NumberSlider(app, "training.learning_rate", "%.5g");
  if (t.optimizer.kind == OptimizerKind::Momentum || t.optimizer.kind == OptimizerKind::Nesterov)
    NumberSlider(app, "training.momentum", "%.3g");
  NumberSlider(app, "training.weight_decay", "%.5g");
  IntField(app, "training.batch_size");
  IntField(app, "training.epochs");
  {
    // the share as a percentage: the table's range × 100
    const Setting& s = entry("data.val_fraction");
    int pct = app.val_percent;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * kFieldEm);
    if (ImGui::SliderInt("validation %", &pct, static_cast<int>(std::lround(100 * s.min)),
                         static_cast<int>(std::lround(100 * s.max))))
      app.apply_setting(s.key, exact_number(pct / 100.0));
    HelpAndError(app, s);
  }
  {
    // one seed for both the initial weights and the shuffling
    const Setting& s = entry("model.init_seed");
    int seed = static_cast<int>(app.cfg.init_seed);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * kFieldEm);
    if (ImGui::InputInt(s.label.c_str(), &seed) && app.apply_setting(s.key, std::to_string(seed)))
      app.apply_setting("training.seed", std::to_string(seed));
    ImGui::SameLine();
    HelpMarker("The same seed gives the same initial weights and the same shuffling, in the browser and natively.");
    const std::string& err = app.setting_error(s.key);
    if (!err.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
      ImGui::TextWrapped("%s", err.c_str());
      ImGui::PopStyleColor();
    }
  }
  if (ImGui::TreeNode("early stopping and schedule")) {
    IntField(app, "training.early_stop_patience");
    NumberSlider(app, "training.early_stop_min_delta", "%.4g");
    if (t.early_stop_patience > 0) Checkbox(app, "training.restore_best");
    ChoiceCombo(app, "training.schedule", "none\0step decay\0reduce on plateau\0");
    if (t.schedule.kind == ScheduleKind::Step) {
      IntField(app, "training.step_epochs");
      NumberSlider(app, "training.gamma", "%.3g");
    }
    if (t.schedule.kind == ScheduleKind::Plateau) {
      IntField(app, "training.plateau_patience");
      NumberSlider(app, "training.plateau_factor", "%.3g");
      NumberSlider(app, "training.min_lr", "%.3g");
    }
    ImGui::TreePop();
  }
}

}  // namespace

void TrainingPanel(App& app) {
  ImGui::BeginDisabled(app.state() == RunState::Running);
  Settings(app);
  ImGui::EndDisabled();
}

// Start/Pause, the steps and Reset, the progress, and what the trainer says (a divergence and
// its roll-back): above the panels, where the learner is looking, on every screen size.
void RunControls(App& app) {
  const RunState st = app.state();
  const bool can = app.validation().empty() && app.data_ready();
  const float fs = ImGui::GetFontSize();
  const ImVec2 big(fs * 6.5f, ImGui::GetFrameHeight() * 1.25f);
  ImGui::BeginDisabled(!can);
  if (st == RunState::Running) {
    if (ImGui::Button("Pause###start", big)) app.pause();  // one ID: the focus stays on it
    RecordRect(app, "start");
  } else {
    const UiPalette& p = colors();
    ImGui::PushStyleColor(ImGuiCol_Button, color(p.accent_button));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                          ImVec4(p.accent_button.r + 0.08f, p.accent_button.g + 0.1f, p.accent_button.b + 0.12f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, color(p.accent_text));
    if (ImGui::Button(st == RunState::Paused ? "Resume###start" : "Start###start", big)) app.start();
    RecordRect(app, "start");
    ImGui::PopStyleColor(3);
  }
  ImGui::BeginDisabled(st == RunState::Running);
  Flow(big.x);
  if (ImGui::Button("Step batch", big)) app.step_batch();
  RecordRect(app, "step_batch");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("run one mini-batch: forward, loss, backward, update");
  Flow(big.x);
  if (ImGui::Button("Step epoch", big)) app.step_epoch();
  RecordRect(app, "step_epoch");
  ImGui::EndDisabled();
  Flow(big.x);
  if (ImGui::Button("Reset", big)) app.reset();
  RecordRect(app, "reset");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("new initial weights from the seed; the curves are cleared (Undo reset brings them back)");
  ImGui::EndDisabled();
  if (!can && !app.validation().empty()) {
    // why Start is greyed out, next to it (the field at fault is marked in the Model panel)
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
    ImGui::TextWrapped("Cannot train: %s", app.validation().c_str());
    ImGui::PopStyleColor();
  }
  if (app.can_undo_reset()) {  // until anything is trained again
    char undo[64];
    std::snprintf(undo, sizeof undo, "Undo reset (bring back %d trained epoch%s)", app.undo_epochs(),
                  app.undo_epochs() == 1 ? "" : "s");
    if (ImGui::Button(undo)) app.undo_reset();
    RecordRect(app, "undo_reset");
  }

  // progress: on the same line when there is room
  Trainer* t = app.trainer();
  const int epochs = t ? t->config().epochs : app.cfg.train.epochs;
  const int epoch = t ? t->epoch() : 0;
  const int nb = t ? t->batches_per_epoch() : 0, b = t ? t->batch_in_epoch() : 0;
  const float frac = (t && nb) ? (epoch + static_cast<float>(b) / nb) / epochs : 0.0f;
  char overlay[160];
  double ips = app.frames.images_per_sec;
  double eta = 0;
  if (t && ips > 0)
    eta = ((epochs - epoch) * static_cast<double>(t->split().train.size()) - b * t->config().batch) / ips;
  std::snprintf(overlay, sizeof overlay, "epoch %d/%d · batch %d/%d",
                std::min(epoch + (t && !t->finished() ? 1 : 0), epochs), epochs, b, nb);
  Flow(fs * 16);
  ImGui::BeginGroup();
  ImGui::ProgressBar(std::min(1.0f, frac), ImVec2(std::max(fs * 16, ImGui::GetContentRegionAvail().x), 0), overlay);
  if (st == RunState::Running && ips > 0)
    ImGui::Text("%s images/s · about %.0f s left", human_rate(ips).c_str(), eta);
  else if (st == RunState::Running)
    ImGui::TextDisabled("training… (measuring the speed)");
  else if (!app.history().empty()) {
    const EpochRecord& r = app.history().back();
    ImGui::Text("%s · last epoch: train %.2f%% · val %.2f%% · test %.2f%%", run_state_name(st), 100 * r.stats.train_acc,
                100 * r.stats.val_acc, 100 * r.test_acc);
  } else
    ImGui::TextDisabled("%s", run_state_name(st));
  ImGui::EndGroup();
  if (!app.message().empty()) {
    const bool bad = t && t->state() == TrainState::Diverged;
    if (bad) ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
    ImGui::TextWrapped("%s", app.message().c_str());
    if (bad) ImGui::PopStyleColor();
  }
  if (!app.history().empty() && app.history().back().stats.overfitting) {
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
    ImGui::TextWrapped("Overfitting: training accuracy is more than 10 points above validation accuracy.");
    ImGui::PopStyleColor();
  }
}

}  // namespace bpl::app
