// Drawing pad: draw a digit (mouse, touch or pen — SDL turns touches into mouse events), see
// the MNIST-style 28×28 the network receives, the live prediction, and the saliency of the top
// class over the preview. "Teach it" adds the drawing to the training set; the stepper can
// step through backprop on it.
#include "panels/panels.h"
#include "tensor_view.h"
#include "widgets.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace bpl::app {

namespace {

HeatmapLayout square(int n) {
  return grid_layout(1, n, n, 1, [n](int, int r, int c) { return r * n + c; });
}

}  // namespace

void DrawPanel(App& app) {
  const DrawPad& pad = app.pad;
  const float fs = ImGui::GetFontSize();
  const int N = DrawPad::kSize;
  // On a narrow screen (a phone) the guess comes first, in one line above the pad, and the
  // groups stack; on a wide one: the pad, what the network sees, the guess, side by side.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool narrow = avail.x < fs * 50.0f;
  if (narrow) {
    ImGui::SetWindowFontScale(1.4f);
    if (pad.probs.empty())
      ImGui::TextDisabled("%s", pad.pre.empty ? "Draw a digit below" : "no model yet");
    else
      ImGui::Text("The network's guess: %d (%.1f%% sure)", pad.top, 100.0 * pad.probs[pad.top]);
    ImGui::SetWindowFontScale(1.0f);
    RecordRect(app, "pad_guess");
  }
  // ---- the canvas
  const float side = narrow ? std::max(fs * 8.0f, std::min({avail.x, avail.y - fs * 8.0f, fs * 24.0f}))
                            : std::min(avail.y - fs * 6.5f, fs * 24.0f);
  ImGui::BeginGroup();
  ImGui::TextDisabled("Draw a digit (mouse, touch or pen)");
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  static const HeatmapLayout canvas_layout = square(N);
  static uint64_t canvas_version = 0;
  ImTextureID tex = textures().get("pad", canvas_version, canvas_layout, pad.canvas, 1.0f, Palette::Grey);
  ImGui::Image(tex, ImVec2(side, side));
  ImGui::SetCursorScreenPos(p0);
  ImGui::InvisibleButton("canvas", ImVec2(side, side));
  RecordRect(app, "pad_canvas");
  static ImVec2 last(-1, -1);
  const ImVec2 mp = ImGui::GetIO().MousePos;
  const ImVec2 c((mp.x - p0.x) * N / side, (mp.y - p0.y) * N / side);
  if (ImGui::IsItemActivated()) {
    app.pad_stroke_begin();
    last = c;
  }
  if (ImGui::IsItemActive() && ImGui::IsMousePosValid()) {
    app.pad_paint(last.x, last.y, c.x, c.y);
    last = c;
    ++canvas_version;
  }
  ImGui::GetWindowDrawList()->AddRect(p0, ImVec2(p0.x + side, p0.y + side), ImGui::GetColorU32(ImGuiCol_Border));
  if (ImGui::Button("Clear")) {
    app.pad_clear();
    ++canvas_version;
  }
  RecordRect(app, "pad_clear");
  ImGui::SameLine();
  if (ImGui::Button("Undo") || (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z)))) {
    app.pad_undo();
    ++canvas_version;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Undo the last stroke (Ctrl+Z)");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 8);
  float brush = pad.brush;
  if (ImGui::SliderFloat("brush", &brush, 6.0f, 40.0f, "%.0f px")) app.pad.set_brush(brush);
  ImGui::EndGroup();

  app.pad_update();
  const float pside = std::min(side * 0.6f, fs * 14.0f);
  if (narrow)
    Flow(pside);
  else
    ImGui::SameLine(0, fs * 1.5f);
  // ---- what the network sees
  ImGui::BeginGroup();
  ImGui::TextDisabled("What the network sees: 28×28");
  ImGui::SameLine();
  HelpMarker(
      "MNIST-style preprocessing, as the MNIST images were made: crop to the ink, scale it into a 20×20 box keeping "
      "its aspect ratio (averaging, so edges get grey levels), then place it in 28×28 so its centre of mass is "
      "at the centre. Without this, drawn digits are classified much worse.");
  static bool show_saliency = true;
  const ImVec2 q0 = ImGui::GetCursorScreenPos();
  static const HeatmapLayout small = square(28);
  std::vector<float> px(784, 0.0f);
  for (int i = 0; i < 784; ++i) px[i] = pad.pre.pixels.empty() ? 0.0f : pad.pre.pixels[i];
  ImGui::Image(textures().get("pad28", pad.version, small, px, 255.0f, Palette::Grey), ImVec2(pside, pside));
  float smax = 0;
  for (float v : pad.saliency) smax = std::max(smax, std::abs(v));
  if (show_saliency && !pad.saliency.empty()) {
    ImGui::SetCursorScreenPos(q0);
    ImGui::Image(textures().get("pad-sal", pad.version, small, pad.saliency, smax > 0 ? smax : 1.0f, Palette::Overlay),
                 ImVec2(pside, pside));
  }
  ImGui::Checkbox("saliency", &show_saliency);
  ImGui::SameLine();
  HelpMarker(
      "The gradient of the top class's score with respect to each input pixel, from the engine's backward pass "
      "(∂z_top/∂x). Red: more ink here would raise the score; blue: it would lower it.");
  if (show_saliency && !pad.saliency.empty()) ColorLegend(smax, pside);
  ImGui::EndGroup();

  if (narrow)
    Flow(fs * 16);
  else
    ImGui::SameLine(0, fs * 1.5f);
  // ---- the prediction
  ImGui::BeginGroup();
  if (pad.probs.empty()) {
    ImGui::TextDisabled(pad.pre.empty ? "draw something" : "no model yet");
    if (!narrow) RecordRect(app, "pad_guess");
  } else {
    ImGui::TextDisabled("The network's guess");
    ImGui::SetWindowFontScale(4.0f);
    ImGui::Text("%d", pad.top);
    ImGui::SetWindowFontScale(1.0f);
    if (!narrow) RecordRect(app, "pad_guess");
    ImGui::Text("%.1f%% sure", 100.0 * pad.probs[pad.top]);
    // probabilities as horizontal bars
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = fs * 12, h = fs * 1.15f;
    for (int k = 0; k < 10; ++k) {
      const ImVec2 a = ImGui::GetCursorScreenPos();
      ImGui::Text("%d", k);
      const ImVec2 b(a.x + fs * 1.2f, a.y + 2);
      dl->AddRectFilled(b, ImVec2(b.x + w * pad.probs[k], b.y + h - 4),
                        k == pad.top ? IM_COL32(0, 158, 115, 255) : ImGui::GetColorU32(ImGuiCol_PlotHistogram, 0.5f));
      char t[16];
      std::snprintf(t, sizeof t, "%.3f", pad.probs[k]);
      dl->AddText(ImVec2(b.x + w + fs * 0.3f, a.y), ImGui::GetColorU32(ImGuiCol_TextDisabled), t);
    }
  }
  ImGui::EndGroup();

  // ---- teach it, step through it
  ImGui::Separator();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("This is a");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 4);
  static uint64_t labelled = 0;  // the label follows the guess until the learner picks one
  if (pad.top >= 0 && labelled != pad.version) app.pad.set_teach_label(pad.top), labelled = pad.version;
  int label = pad.teach_label;
  if (ImGui::BeginCombo("##label", std::to_string(label).c_str())) {
    for (int k = 0; k < 10; ++k) {
      if (ImGui::Selectable(std::to_string(k).c_str(), k == label)) app.pad.set_teach_label(k);
      RecordRect(app, "pad_label_" + std::to_string(k));  // lessons point at them, tests click them
    }
    ImGui::EndCombo();
  }
  RecordRect(app, "pad_label");
  const bool can = !pad.pre.empty;
  Flow(ButtonWidth("Teach it: add to the training set"));
  const bool teach = ImGui::Button("Teach it: add to the training set");
  RecordRect(app, "pad_teach");
  if (teach && can) {
    const std::string err = app.pad_teach(pad.teach_label);
    app.set_notice(err.empty() ? "added your " + std::to_string(pad.teach_label) + " to the training set" : err);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Your drawing, with this label, joins the training images for this session;\nthe next epochs train on it.");
  ImGui::SameLine();
  ImGui::TextDisabled("%d taught", pad.taught);
  Flow(ButtonWidth("Step through backprop on it") + fs);
  if (ImGui::Button("Step through backprop on it") && can) app.pad_to_stepper(pad.teach_label);
  RecordRect(app, "pad_to_stepper");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Open the stepper on this drawing, with the label on the left as the truth");
}

}  // namespace bpl::app
