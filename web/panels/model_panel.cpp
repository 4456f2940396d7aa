// Model panel: preset picker, MLP builder, the layer list as text, the model summary.
#include "io/settings.h"
#include "model/presets.h"
#include "panels/panels.h"
#include "widgets.h"

#include <cstdio>

namespace bpl::app {

namespace {

void PresetCombo(App& app) {
  const Preset* cur = nullptr;
  for (const Preset& p : presets())
    if (p.name == app.cfg.preset) cur = &p;
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 2.0f);
  const Preset* base = nullptr;  // a custom model says which preset it started from
  for (const Preset& p : presets())
    if (p.name == app.base_preset) base = &p;
  const std::string label = cur                          ? cur->title
                            : app.cfg.preset == "loaded" ? std::string("a loaded model")
                            : base                       ? "custom (from " + base->title + ")"
                                                         : std::string("custom");
  if (ImGui::BeginCombo("##preset", label.c_str())) {
    std::string last_report;
    for (const Preset& p : presets()) {
      if (p.report != last_report) {
        ImGui::TextDisabled("%s", p.report.c_str());
        last_report = p.report;
      }
      if (ImGui::Selectable(("   " + p.title).c_str(), cur == &p)) app.apply_preset(p.name);
      RecordRect(app, "preset_" + p.name);
      if (ImGui::IsItemHovered() && !p.report_note.empty()) ImGui::SetTooltip("report: %s", p.report_note.c_str());
    }
    ImGui::EndCombo();
  }
  RecordRect(app, "preset");
  ImGui::SameLine();
  HelpMarker(
      "Every model of the five seed reports, with the report's optimizer, learning rate, batch size and "
      "epochs. Pick one, press Start, and compare with the report's figure.");
}

void Builder(App& app) {
  static const char* acts[] = {"ReLU", "sigmoid", "tanh"};
  bool changed = false;
  ImGui::TextDisabled("input 784 (28×28 pixels)");
  int remove = -1, up = -1;
  for (int i = 0; i < static_cast<int>(app.builder.size()); ++i) {
    ImGui::PushID(i);
    BuilderLayer& l = app.builder[i];
    ImGui::AlignTextToFramePadding();
    ImGui::Text("dense");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::InputInt("##units", &l.units, 16, 64)) {
      l.units = std::clamp(l.units, 1, 4096);
      changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    changed |= ImGui::Combo("##act", &l.activation, acts, 3);
    ImGui::SameLine();
    if (ImGui::SmallButton("↑") && i > 0) up = i;
    ImGui::SameLine();
    if (ImGui::SmallButton("remove")) remove = i;
    ImGui::PopID();
  }
  if (up > 0) {
    std::swap(app.builder[up], app.builder[up - 1]);
    changed = true;
  }
  if (remove >= 0) {
    app.builder.erase(app.builder.begin() + remove);
    changed = true;
  }
  if (ImGui::Button("+ add a hidden layer") && app.builder.size() < 8) {
    app.builder.push_back({64, 0});
    changed = true;
  }
  ImGui::TextDisabled("output dense 10 + softmax");
  if (changed) app.builder_to_text();  // a trained model stays until a new run is confirmed
}

void Summary(App& app) {
  Model& m = app.preview_model();
  if (!m.built()) return;
  if (ImGui::BeginTable("summary", 3,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("output", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("parameters", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("input");
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", m.input_shape().str().c_str());
    ImGui::TableNextColumn();
    for (const LayerSummary& s : m.summary()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.output.str().c_str());
      ImGui::TableNextColumn();
      if (s.params)
        ImGui::TextUnformatted(with_commas(s.params).c_str());
      else
        ImGui::TextDisabled("0");
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("total");
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::Text("%s", with_commas(m.param_count()).c_str());
    ImGui::EndTable();
  }
}

}  // namespace

void ModelPanel(App& app) {
  const bool locked = app.state() == RunState::Running;
  ImGui::TextUnformatted("Preset");
  PresetCombo(app);
  ImGui::BeginDisabled(locked);
  if (ImGui::Checkbox("build an MLP layer by layer", &app.use_builder) && app.use_builder) app.builder_to_text();
  if (app.use_builder) Builder(app);
  ImGui::TextUnformatted("Layers");
  ImGui::SameLine();
  const std::string help = find_setting("model.layers")->help + ". Edit it freely; it is checked as you type.";
  HelpMarker(help.c_str());
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", app.layers_text.c_str());
  // the text as typed; the same layers written differently change nothing, and a trained model
  // stays until a new run is confirmed (App::set_layers_text)
  if (ImGui::InputTextMultiline("##layers", buf, sizeof buf, ImVec2(-1, ImGui::GetTextLineHeight() * 3.4f)))
    app.set_layers_text(buf);
  RecordRect(app, "layers_text");
  ImGui::EndDisabled();
  if (!app.layers_note().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", app.layers_note().c_str());
    ImGui::PopStyleColor();
  }
  if (app.validation().empty() && app.model().built() && app.preview_model().built() &&
      app.model().spec() != app.preview_model().spec() && !app.history().empty())
    ImGui::TextWrapped("The trained model (%s) stays until you start a new run with these layers.",
                       app.model().spec().c_str());
  if (!app.validation().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().warn));
    ImGui::TextWrapped("Cannot train: %s", app.validation().c_str());
    ImGui::PopStyleColor();
  }
  ImGui::Spacing();
  Summary(app);
}

}  // namespace bpl::app
