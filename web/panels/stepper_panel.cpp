// The backprop stepper: one training step of the current model on a test image, operation by
// operation — every layer's forward, the loss, every layer's backward, the update — with the
// real numbers. Everything shown comes from the engine's trace (engine/trace): the values, the
// equations, the chain-rule products on hover, the finite-difference checks. This file only
// lays them out.
//
// Keys: → next operation, ← previous, space play/pause, Home restart, L the loss, U the update.
#include "heatmap.h"
#include "panels/panels.h"
#include "tensor_view.h"
#include "widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl::app {

namespace {

// the passes' colours (Okabe–Ito hues, from the theme's palette: sky blue, orange, bluish green,
// reddish purple)
ImVec4 kForward() {
  return color(colors().forward);
}
ImVec4 kBackward() {
  return color(colors().backward);
}
ImVec4 kUpdate() {
  return color(colors().update);
}
ImVec4 kLoss() {
  return color(colors().loss);
}

ImVec4 kind_color(OpKind k) {
  switch (k) {
    case OpKind::Forward:
      return kForward();
    case OpKind::Backward:
      return kBackward();
    case OpKind::Update:
      return kUpdate();
    default:
      return kLoss();
  }
}

void Tip(const char* text) {
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

View make_view(const TraceTensor& t, int sample) {
  std::vector<float> vals(t.size_per_sample());
  for (int i = 0; i < t.size_per_sample(); ++i) vals[i] = t.at(sample, i);
  View v = app::make_view(desc_of(t), vals.data(), static_cast<int>(vals.size()));
  if (t.name == "ŷ" || t.name == "y") v.scale = 1.0f;  // probabilities on their own 0…1 scale
  return v;
}

void Explain(const App& app, int tensor, int sample, int index, bool editable) {
  const Trace& tr = app.stepper.trace;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 38.0f);
  app.stepper.hover = tr.explain(app.stepper.op, tensor, sample, index);
  ImGui::TextUnformatted(app.stepper.hover.c_str());
  if (tr.edited(tensor, sample, index))
    ImGui::TextColored(color(colors().edit), "you edited this value (what-if)");
  else if (tr.changed(tensor, sample, index))
    ImGui::TextColored(kBackward(), "changed by your edit");
  if (editable) ImGui::TextDisabled("click to select it: edit it (what-if) or check its gradient");
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void Select(App& app, int tensor, int sample, int index) {
  app.stepper.select(tensor, sample, index);
}

std::vector<HeatmapMark> marks_for(const App& app, int tensor, int sample, const View& v, bool winners_of_pool) {
  const StepperState& st = app.stepper;
  const Trace& tr = st.trace;
  std::vector<HeatmapMark> marks;
  const int n = static_cast<int>(v.values.size());
  if (winners_of_pool) {
    const TraceOp& op = tr.ops()[st.op];
    const Eigen::MatrixXi& w = tr.winners(op.layer);
    if (w.rows() > 0 && w.rows() <= 2000)
      for (int o = 0; o < w.rows(); ++o) marks.push_back({w(o, sample), IM_COL32(0, 158, 115, 255), 1.0f});
  }
  if (tr.edit_count() > 0 && tr.changed_count(tensor) <= 400)
    for (int i = 0; i < n; ++i)
      if (tr.changed(tensor, sample, i)) marks.push_back({i, IM_COL32(230, 159, 0, 255), 1.0f});
  for (int i : tr.edited_indices(tensor, sample)) marks.push_back({i, IM_COL32(255, 230, 0, 255), 3.0f});
  if (st.sel_tensor == tensor && st.sel_index >= 0 && (st.sel_sample == sample || !tr.tensor(tensor).batched))
    marks.push_back({st.sel_index, IM_COL32(255, 255, 255, 255), 2.0f});
  return marks;
}

void BarStrip(App& app, int tensor, int sample, const View& v, float width, const std::string& rect_name) {
  const Trace& tr = app.stepper.trace;
  const TraceTensor& t = tr.tensor(tensor);
  const int n = static_cast<int>(v.values.size());
  const int logits = tr.ops()[tr.first_op(OpKind::Loss)].reads[0];
  const bool classes = n == 10 && (tensor == tr.probs_tensor() || t.name == "y" || tensor == logits ||
                                   t.name == "∂L/∂" + tr.tensor(logits).name);
  const float fs = ImGui::GetFontSize(), h = fs * 3.6f, bw = std::min(fs * 1.6f, width / std::max(1, n));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const int hover = DrawBars("bars", v, width, h, classes, tr.labels()[sample]);
  const bool clicked = ImGui::IsItemClicked();
  RecordRect(app, rect_name.c_str());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int i = 0; i < n; ++i) {  // what-if marks: edited (yellow), changed by an edit (orange)
    const ImVec2 a(p0.x + bw * i, p0.y), b(p0.x + bw * (i + 1), p0.y + h);
    if (tr.edited(tensor, sample, i))
      dl->AddRect(a, b, IM_COL32(255, 230, 0, 255), 0, 0, 2);
    else if (tr.changed(tensor, sample, i))
      dl->AddRect(a, b, IM_COL32(230, 159, 0, 255));
  }
  if (hover >= 0) {
    Explain(app, tensor, sample, hover, t.editable);
    if (clicked && t.editable) Select(app, tensor, sample, hover);
  }
}

// a small table of values around the selected (or the largest) value
void NumbersTable(App& app, int tensor, int sample, const View& v) {
  const StepperState& st = app.stepper;
  int focus = -1;
  if (st.sel_tensor == tensor && st.sel_index >= 0)
    focus = st.sel_index;
  else {
    float best = -1;
    for (int i = 0; i < static_cast<int>(v.values.size()); ++i)
      if (std::abs(v.values[i]) > best) best = std::abs(v.values[i]), focus = i;
  }
  if (v.bars) {
    if (ImGui::BeginTable("nums", std::min(10, static_cast<int>(v.values.size())),
                          ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
      for (size_t i = 0; i < v.values.size(); ++i) {
        ImGui::TableNextColumn();
        ImGui::TextDisabled("[%d]", static_cast<int>(i));
        ImGui::Text("%.4f", v.values[i]);
      }
      ImGui::EndTable();
    }
    return;
  }
  const HeatmapLayout& L = v.layout;
  const int t = texel_of(L, focus);
  if (t < 0) return;
  const int cx = t % L.w, cy = t / L.w, R = 2, C = 3;
  ImGui::TextDisabled("values around %s:", st.trace.index_label(tensor, focus).c_str());
  if (ImGui::BeginTable("nums", 2 * C + 1, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    for (int y = cy - R; y <= cy + R; ++y) {
      ImGui::TableNextRow();
      for (int x = cx - C; x <= cx + C; ++x) {
        ImGui::TableNextColumn();
        if (x < 0 || y < 0 || x >= L.w || y >= L.h || L.cell[y * L.w + x] < 0) continue;
        const int k = L.cell[y * L.w + x];
        if (k == focus)
          ImGui::TextColored(color(colors().edit), "%.4f", v.values[k]);
        else
          ImGui::Text("%.4f", v.values[k]);
        if (ImGui::IsItemHovered()) Explain(app, tensor, sample, k, st.trace.tensor(tensor).editable);
      }
    }
    ImGui::EndTable();
  }
}

void TensorCard(App& app, int tensor, int sample, float width, bool written, bool pool_winners,
                const std::string& rect_name) {
  StepperState& st = app.stepper;
  const Trace& tr = st.trace;
  const TraceTensor& t = tr.tensor(tensor);
  ImGui::PushID(tensor * 16 + sample);
  ImGui::TextColored(written ? kind_color(tr.ops()[st.op].kind) : ImGui::GetStyle().Colors[ImGuiCol_Text], "%s",
                     t.name.c_str());
  ImGui::SameLine();
  std::string shape;
  if (t.layout == TensorLayout::Matrix)
    shape = std::to_string(t.data.rows()) + "×" + std::to_string(t.data.cols());
  else if (t.layout == TensorLayout::Kernels)
    shape = std::to_string(t.shape.c) + "×" + std::to_string(t.shape.h) + "×" + std::to_string(t.kh) + "×" +
            std::to_string(t.kw);
  else if (t.layout == TensorLayout::Vector)
    shape = std::to_string(t.data.rows());
  else
    shape = t.shape.str();
  ImGui::TextDisabled("%s · %s%s", shape.c_str(), t.what.c_str(),
                      t.batched && tr.batch() > 1 ? (" · sample " + std::to_string(sample)).c_str() : "");
  char key[48];
  std::snprintf(key, sizeof key, "t%d/%d", tensor, sample);
  const View& v = CachedView(key, st.version, [&]() { return make_view(t, sample); });
  if (v.bars) {
    BarStrip(app, tensor, sample, v, width, rect_name);
  } else {
    const float fs = ImGui::GetFontSize();
    bool clicked = false;
    const int k = DrawView(key, st.version, v, width, fs * 13.0f, Palette::Diverging,
                           marks_for(app, tensor, sample, v, pool_winners), &clicked);
    RecordRect(app, rect_name.c_str());
    if (k >= 0) {
      Explain(app, tensor, sample, k, t.editable);
      if (clicked && t.editable) Select(app, tensor, sample, k);
    }
  }
  ColorLegend(v.scale, std::min(width, ImGui::GetFontSize() * 14.0f));
  if (tr.edit_count() > 0) {
    const int c = tr.changed_count(tensor);
    if (c > 0)
      ImGui::TextColored(kBackward(), "%d value%s changed by your edit%s", c, c == 1 ? "" : "s",
                         tr.edit_count() > 1 ? "s" : "");
  }
  if (st.show_numbers) NumbersTable(app, tensor, sample, v);
  ImGui::PopID();
  ImGui::Spacing();
}

void NetworkStrip(App& app) {
  StepperState& st = app.stepper;
  const Trace& tr = st.trace;
  Model& m = st.trace.model();
  const TraceOp& cur = tr.ops()[st.op];
  const int boxes = m.size() + 2;  // x, the layers, the loss
  const float fs = ImGui::GetFontSize();
  const float avail = ImGui::GetContentRegionAvail().x;
  // as many boxes a row as fit at a readable width; more rows on a narrow screen
  const float gap = fs * 0.9f, min_bw = fs * 4.2f, row_gap = fs * 0.5f;
  const int per_row = std::clamp(static_cast<int>((avail + gap) / (min_bw + gap)), 1, boxes);
  const float bw = (avail - gap * (per_row - 1)) / per_row, bh = fs * 2.7f;
  const int rows = (boxes + per_row - 1) / per_row;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImU32 dir = ImGui::GetColorU32(kind_color(cur.kind));
  const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border), text = ImGui::GetColorU32(ImGuiCol_Text),
              dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (int b = 0; b < boxes; ++b) {
    const ImVec2 a(p0.x + (b % per_row) * (bw + gap), p0.y + (b / per_row) * (bh + row_gap)), c(a.x + bw, a.y + bh);
    const int layer = b - 1;
    std::string name, shape;
    if (b == 0)
      name = "input x", shape = m.input_shape().str();
    else if (b == boxes - 1)
      name = "loss", shape = "L";
    else {
      name = m.layer(layer).kind();
      shape = m.layer(layer).output_shape().str();
    }
    const bool current = (b == boxes - 1 && (cur.kind == OpKind::Loss || cur.kind == OpKind::LossBackward)) ||
                         (layer >= 0 && layer == cur.layer);
    if (current) dl->AddRectFilled(a, c, (dir & 0x00FFFFFF) | 0x55000000, 4.0f);
    dl->AddRect(a, c, current ? dir : border, 4.0f, 0, current ? 2.5f : 1.0f);
    dl->AddText(ImVec2(a.x + (bw - ImGui::CalcTextSize(name.c_str()).x) * 0.5f, a.y + fs * 0.2f), text, name.c_str());
    dl->AddText(ImVec2(a.x + (bw - ImGui::CalcTextSize(shape.c_str()).x) * 0.5f, a.y + fs * 1.35f), dim, shape.c_str());
    if (b + 1 < boxes && (b + 1) % per_row != 0) {
      // arrows point the way the current operation goes: → forward, ← backward
      const float y = a.y + bh * 0.5f, x0 = c.x + 2, x1 = c.x + gap - 2;
      const bool back = cur.kind == OpKind::Backward || cur.kind == OpKind::LossBackward;
      const ImU32 col = cur.kind == OpKind::Update ? border : dir;
      dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), col, 1.5f);
      const float tip = back ? x0 : x1, s = back ? 1.0f : -1.0f;
      dl->AddTriangleFilled(ImVec2(tip, y), ImVec2(tip + s * fs * 0.35f, y - fs * 0.25f),
                            ImVec2(tip + s * fs * 0.35f, y + fs * 0.25f), col);
    }
    // click a box: that layer's operation in the current phase
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(b);
    if (ImGui::InvisibleButton("box", ImVec2(bw, bh)) && layer >= 0 && b != boxes - 1) {
      for (int i = 0; i < static_cast<int>(tr.ops().size()); ++i)
        if (tr.ops()[i].layer == layer && tr.ops()[i].kind == (cur.kind == OpKind::Loss           ? OpKind::Forward
                                                               : cur.kind == OpKind::LossBackward ? OpKind::Backward
                                                                                                  : cur.kind))
          app.stepper_set_op(i);
    } else if (ImGui::IsItemClicked() && b == boxes - 1) {
      app.stepper_set_op(tr.first_op(OpKind::Loss));
    }
    if (ImGui::IsItemHovered() && layer >= 0 && b != boxes - 1)
      ImGui::SetTooltip("%s\nclick: this layer's step in the current pass", m.layer(layer).describe().c_str());
    ImGui::PopID();
  }
  ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + rows * bh + (rows - 1) * row_gap + fs * 0.4f));
}

void Controls(App& app) {
  StepperState& st = app.stepper;
  const Trace& tr = st.trace;
  const int n = static_cast<int>(tr.ops().size());
  const float fs = ImGui::GetFontSize();
  if (ImGui::Button("|◀")) app.stepper_set_op(0);
  Tip("Restart: the first operation (Home)");
  Flow(ButtonWidth("◀"));
  if (ImGui::Button("◀")) app.stepper_set_op(st.op - 1);
  RecordRect(app, "stepper_back");
  Tip("Step back one operation (←)");
  Flow(fs * 2.2f);
  if (ImGui::Button(st.playing ? "||" : "▶", ImVec2(fs * 2.2f, 0))) app.stepper.toggle_play();
  RecordRect(app, "stepper_play");
  Tip("Play / pause the steps at the chosen speed (space)");
  Flow(ButtonWidth("▶|"));
  if (ImGui::Button("▶|")) app.stepper_set_op(st.op + 1);
  RecordRect(app, "stepper_next");
  Tip("Step forward one operation (→)");
  Flow(fs * 7);
  ImGui::SetNextItemWidth(fs * 7);
  float speed = st.speed;
  if (ImGui::SliderFloat("##speed", &speed, 0.5f, 20.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic))
    app.stepper.set_speed(speed);
  Tip("Playback speed");
  Flow(ButtonWidth("Loss"));
  if (ImGui::Button("Loss")) app.stepper_set_op(tr.first_op(OpKind::Loss));
  Tip("Jump to the loss (L)");
  Flow(ButtonWidth("Backward"));
  if (ImGui::Button("Backward")) app.stepper_set_op(tr.first_op(OpKind::LossBackward));
  Tip("Jump to the start of the backward pass (B)");
  Flow(ButtonWidth("Update"));
  if (ImGui::Button("Update")) app.stepper_set_op(tr.first_op(OpKind::Update));
  Tip("Jump to the update (U)");
  Flow(fs * 8);
  ImGui::TextDisabled("operation %d of %d", st.op + 1, n);
  Flow(fs * 6);
  bool numbers = st.show_numbers;
  if (ImGui::Checkbox("numbers", &numbers)) app.stepper.set_show_numbers(numbers);
  Tip("Show a table of values next to each picture (around the selected value, or the largest)");

  // keyboard: only while no text field has the keyboard
  const ImGuiIO& io = ImGui::GetIO();
  // one step a press (no key repeat: on a slow frame a single press would count twice); Space plays.
  if (!io.WantTextInput && !io.NavVisible) {  // with the focus ring up, the keys move it (ui.cpp)
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), false)) app.stepper_set_op(st.op + 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow), false)) app.stepper_set_op(st.op - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) app.stepper_set_op(0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) app.stepper_set_op(n - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) app.stepper.toggle_play();
    for (ImWchar c : io.InputQueueCharacters) {
      if (c == 'l' || c == 'L') app.stepper_set_op(tr.first_op(OpKind::Loss));
      if (c == 'b' || c == 'B') app.stepper_set_op(tr.first_op(OpKind::LossBackward));
      if (c == 'u' || c == 'U') app.stepper_set_op(tr.first_op(OpKind::Update));
    }
  }
}

void SampleRow(App& app) {
  StepperState& st = app.stepper;
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  if (!st.drawn.empty()) {
    ImGui::Text("Your drawing, labelled %d", st.drawn_label);
    Flow(ButtonWidth("Back to the test images"));
    if (ImGui::Button("Back to the test images")) app.stepper_capture(st.sample, 1);
    ImGui::SameLine();
  }
  ImGui::TextUnformatted(st.drawn.empty() ? "Test image" : "or test image");
  ImGui::SameLine();
  int idx = st.sample;
  ImGui::SetNextItemWidth(fs * 7.5f);
  if (ImGui::InputInt("##sample", &idx, 1, 10, ImGuiInputTextFlags_EnterReturnsTrue) ||
      (ImGui::IsItemDeactivatedAfterEdit() && idx != st.sample))
    app.stepper_capture(idx, st.batch);
  else if (idx != st.sample && !ImGui::IsItemActive())
    app.stepper_capture(idx, st.batch);  // the − / + buttons
  if (!st.drawn.empty()) return;
  Flow(ButtonWidth("Random"));
  if (ImGui::Button("Random")) app.stepper_random();
  Flow(ButtonWidth("A misclassified one"));
  if (ImGui::Button("A misclassified one")) app.stepper_next_misclassified();
  RecordRect(app, "stepper_misclassified");
  Tip("The next test image the model gets wrong: watch the gradients push it the right way");
  Flow(fs * 5.5f);
  ImGui::SetNextItemWidth(fs * 5.5f);
  static const char* sizes[] = {"batch 1", "batch 2", "batch 4", "batch 8"};
  static const int values[] = {1, 2, 4, 8};
  int cur = st.batch >= 8 ? 3 : st.batch >= 4 ? 2 : st.batch >= 2 ? 1 : 0;
  if (ImGui::Combo("##batch", &cur, sizes, 4)) app.stepper_capture(st.sample, values[cur]);
  Tip("Trace a small batch: the loss and the gradients are means over its images (the pictures show one image at a "
      "time)");
  if (!st.trace.empty()) {
    Flow(fs * 12);
    const int s = std::clamp(st.sel_sample, 0, st.trace.batch() - 1);
    const int y = st.trace.labels()[s], p = st.predicted.empty() ? -1 : st.predicted[s];
    const float conf = st.trace.tensor(st.trace.probs_tensor()).at(s, std::max(0, p));
    ImGui::Text("label %d · predicted", y);
    ImGui::SameLine(0, fs * 0.3f);
    ImGui::TextColored(p == y ? kUpdate() : color(colors().error), "%d (%.1f%%)", p, conf * 100.0);
  }
  if (st.trace.batch() > 1) {
    Flow(fs * 6);
    ImGui::SetNextItemWidth(fs * 6);
    int shown = st.sel_sample;
    if (ImGui::SliderInt("##show", &shown, 0, st.trace.batch() - 1, "showing %d")) app.stepper.show_sample(shown);
    Tip("Which image of the batch the pictures show");
  }
}

void WhatIfAndChecks(App& app) {
  StepperState& st = app.stepper;
  Trace& tr = st.trace;
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kLoss(), "What-if");
  ImGui::SameLine();
  HelpMarker(
      "Click a weight, a bias or an input pixel in the pictures to select it, type a new value and press Set: the "
      "forward pass, the loss, the gradients and the update re-run from there, and every value that changed is "
      "outlined in orange. Edits live only in this trace; the trained model changes only when you press Apply.");
  if (st.sel_tensor >= 0 && st.sel_index >= 0 && tr.tensor(st.sel_tensor).editable) {
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s = %.6g", tr.index_label(st.sel_tensor, st.sel_index).c_str(),
                tr.tensor(st.sel_tensor).at(st.sel_sample, st.sel_index));
    Flow(fs * 7);
    ImGui::SetNextItemWidth(fs * 7);
    float value = st.edit_value;
    if (ImGui::InputFloat("##value", &value, 0.01f, 0.1f, "%.5f")) app.stepper.set_edit_value(value);
    RecordRect(app, "stepper_value");
    Flow(ButtonWidth("Set and re-run"));
    if (ImGui::Button("Set and re-run")) app.stepper.edit_selected();
    RecordRect(app, "stepper_set");
    Flow(ButtonWidth("Check this gradient"));
    if (ImGui::Button("Check this gradient")) app.stepper.check_selected();
  } else {
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("select a weight, a bias or an input pixel by clicking it");
    ImGui::PopStyleColor();
  }
  if (tr.edit_count() > 0) {
    Flow(ButtonWidth("Reset edits"));
    if (ImGui::Button("Reset edits")) app.stepper.undo_edits();
    RecordRect(app, "stepper_reset_edits");
    ImGui::SameLine();
    ImGui::TextColored(color(colors().edit), "%d edit%s active", tr.edit_count(), tr.edit_count() == 1 ? "" : "s");
  }

  Flow(fs * 9);
  ImGui::TextColored(kLoss(), "Gradient check");
  ImGui::SameLine();
  HelpMarker(
      "Nudge one parameter by ±h and measure how the loss moves: (L(θ+h) − L(θ−h)) / 2h. If backprop is right, "
      "this finite difference matches the analytic ∂L/∂θ the backward pass computed. Where the loss has a corner "
      "(a ReLU input at exactly 0, a tie in a max-pool window) the two one-sided slopes differ and no derivative "
      "exists to match: the check says so.");
  Flow(ButtonWidth("Check a few weights"));
  if (ImGui::Button("Check a few weights")) app.stepper.check_some();
  RecordRect(app, "stepper_checks");
  Tip("For each weight and bias tensor, the entry with the largest gradient, and the input pixel with the largest "
      "gradient");
  if (!st.checks.empty() &&
      ImGui::BeginTable("checks", 5,
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("value");
    ImGui::TableSetupColumn("analytic ∂L/∂θ");
    ImGui::TableSetupColumn("finite difference");
    ImGui::TableSetupColumn("relative error");
    ImGui::TableSetupColumn("verdict");
    ImGui::TableHeadersRow();
    for (const GradCheckResult& c : st.checks) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(c.label.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.6g", c.analytic);
      ImGui::TableNextColumn();
      ImGui::Text("%.6g", c.numeric);
      ImGui::TableNextColumn();
      ImGui::Text("%.2e", c.rel_error);
      ImGui::TableNextColumn();
      if (c.agrees) {
        ImGui::TextColored(kUpdate(), "agree");
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip(
              "the finite difference itself is uncertain by about %.2g\n(it moves that much between steps h and 2h: "
              "float32 rounding in the loss)",
              c.uncertainty);
      } else if (c.kink) {
        ImGui::TextColored(kBackward(), "corner");
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip(
              "slope to the left %.6g, to the right %.6g:\nthe loss has a corner here, so no derivative to match",
              c.slope_left, c.slope_right);
      } else {
        ImGui::TextColored(color(colors().error), "differ");
      }
    }
    ImGui::EndTable();
    ImGui::TextDisabled(
        "h = %g; float32 arithmetic: agreement to ~10⁻³ is what to expect, less where the loss barely moves",
        st.checks[0].h);
  }
}

}  // namespace

void StepperPanel(App& app) {
  StepperState& st = app.stepper;
  if (!app.data_ready()) {
    ImGui::TextDisabled("The data are still loading.");
    return;
  }
  if (app.state() == RunState::Running) {
    ImGui::TextWrapped(
        "Training is running. The stepper traces one training step of the current weights: pause training to "
        "step through it.");
    if (ImGui::Button("Pause training")) app.pause();
    return;
  }
  // (re)trace when there is none, or the weights changed since (training, reset, load, apply)
  if (!app.stepper_refresh()) {
    ImGui::TextWrapped("%s", st.message.c_str());
    return;
  }
  Trace& tr = st.trace;
  SampleRow(app);
  Controls(app);
  NetworkStrip(app);

  const TraceOp& op = tr.ops()[st.op];
  const float fs = ImGui::GetFontSize();
  const char* arrow = op.kind == OpKind::Forward || op.kind == OpKind::Loss ? "forward →"
                      : op.kind == OpKind::Update                           ? "update"
                                                                            : "← backward";
  ImGui::TextColored(kind_color(op.kind), "%s", arrow);
  ImGui::SameLine();
  ImGui::TextUnformatted(op.title.c_str());
  char loss[160];
  std::snprintf(loss, sizeof loss, "loss on %s: %.5f before the update → %.5f after",
                tr.batch() == 1 ? "this image" : "this batch", tr.loss_before(), tr.loss_after());
  Flow(std::min(ImGui::CalcTextSize(loss).x, fs * 16));
  ImGui::PushTextWrapPos(0.0f);  // wrapped at the panel's edge, never cut
  if (op.kind == OpKind::Update)
    ImGui::TextColored(tr.loss_after() < tr.loss_before() ? kUpdate() : kBackward(), "%s", loss);
  else
    ImGui::TextDisabled("%s", loss);
  ImGui::PopTextWrapPos();
  // the equation large, wrapped on a narrow screen rather than cut
  ImGui::SetWindowFontScale(1.3f);
  ImGui::TextWrapped("%s", op.equation.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", op.note.c_str());
  ImGui::PopStyleColor();
  if (op.kind == OpKind::Loss) {
    ImGui::Text("L = %.5f", tr.loss_before());
    ImGui::SameLine();
    ImGui::TextDisabled("(the mean of −log ŷ_y over the batch)");
  }
  if (op.kind == OpKind::Update) {
    if (ImGui::Button("Apply this update to the model")) app.stepper_apply();
    RecordRect(app, "stepper_apply");
    Tip("Write the new weights (and the optimizer's state) into the trained model, as one training step would");
    if (st.applied > 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("%d update%s applied from the stepper", st.applied, st.applied == 1 ? "" : "s");
    }
  }
  if (!st.message.empty()) ImGui::TextColored(color(colors().heading), "%s", st.message.c_str());

  WhatIfAndChecks(app);
  ImGui::Separator();
  // the tensors: what the operation reads on the left, what it writes on the right
  // at least a readable height: on a short screen the panel scrolls to it
  ImGui::BeginChild("tensors", ImVec2(0, std::max(ImGui::GetContentRegionAvail().y, fs * 18.0f)), false);
  const float col_w = (ImGui::GetContentRegionAvail().x - fs) * 0.5f;
  const int sample = std::clamp(st.sel_sample, 0, tr.batch() - 1);
  // a layer that routes each output to one input (max pooling): outline the winners
  const bool pool =
      op.layer >= 0 && tr.winners(op.layer).size() > 0 && (op.kind == OpKind::Forward || op.kind == OpKind::Backward);
  const int pool_input = pool ? op.reads[op.kind == OpKind::Forward ? 0 : 1] : -1;  // the pooled input
  if (ImGui::BeginTable("io", 2, ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("reads", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("writes", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableNextColumn();
    ImGui::TextDisabled("READS");
    for (size_t i = 0; i < op.reads.size(); ++i) {
      const int id = op.reads[i];
      TensorCard(app, id, tr.tensor(id).batched ? sample : 0, col_w, false, id == pool_input,
                 "stepper_map_r" + std::to_string(i));
    }
    ImGui::TableNextColumn();
    ImGui::TextDisabled("WRITES");
    for (size_t i = 0; i < op.writes.size(); ++i) {
      const int id = op.writes[i];
      TensorCard(app, id, tr.tensor(id).batched ? sample : 0, col_w, true, false, "stepper_map_w" + std::to_string(i));
    }
    ImGui::EndTable();
  }
  if (pool) ImGui::TextDisabled("green outlines: the input that won each max-pool window");
  ImGui::EndChild();
}

}  // namespace bpl::app
