// Evaluation report on the test split (refreshed after every epoch, or on demand): confusion
// matrix (counts or row-normalised; click a cell for its images), per-class precision, recall
// (= R0's per-class accuracy), F1 and support with macro and weighted averages, an F1 bar
// chart, and the most confident mistakes. Every number comes from engine/metrics.
#include "panels/panels.h"
#include "tensor_view.h"
#include "widgets.h"

#include <algorithm>
#include <cstdio>

namespace bpl::app {

namespace {

// Thumbnails of test images (positions into report.idx) from one atlas texture, in rows, each
// with a caption; clicking one offers the stepper and the activations view. Each gallery has
// its own ID scope (key): two galleries on one screen must not share their images' or menus'
// IDs, or a click in one opens the other's menu, for the other's image.
void Gallery(App& app, const char* key, const std::vector<int>& items, bool show_truth) {
  const ReportState& r = app.report;
  const int n = std::min<int>(static_cast<int>(items.size()), 60);
  if (n == 0) {
    ImGui::TextDisabled("none");
    return;
  }
  std::vector<float> px(static_cast<size_t>(n) * 784);
  for (int k = 0; k < n; ++k) {
    const uint8_t* img = app.test_data().image(r.idx[items[k]]);
    for (int i = 0; i < 784; ++i) px[static_cast<size_t>(k) * 784 + i] = img[i];
  }
  const HeatmapLayout L = grid_layout(n, 28, 28, n, [](int k, int y, int x) { return k * 784 + y * 28 + x; });
  ImTextureID tex = textures().get(key, r.version * 131 + items.size() + (items.empty() ? 0 : items[0]), L, px, 255.0f,
                                   Palette::Grey);
  const float fs = ImGui::GetFontSize(), side = fs * 3.2f;
  const float avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, static_cast<int>(avail / (side + fs * 0.6f)));
  ImGui::PushID(key);
  for (int k = 0; k < n; ++k) {
    const int pos = items[k];
    if (k % per_row) ImGui::SameLine(0, fs * 0.6f);
    ImGui::BeginGroup();
    ImGui::PushID(k);
    const ImVec2 uv0(k * 29.0f / L.w, 0.0f), uv1((k * 29.0f + 28.0f) / L.w, 1.0f);
    ImGui::Image(tex, ImVec2(side, side), uv0, uv1);
    if (k < 12) RecordRect(app, std::string("gallery_") + key + "_" + std::to_string(k));  // for the browser tests
    if (ImGui::IsItemClicked()) ImGui::OpenPopup("open");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "test image %d: label %d, predicted %d (%.1f%%)\nclick to step through it or see its activations", r.idx[pos],
          r.truth[pos], r.eval.predicted[pos], 100.0 * r.eval.confidence[pos]);
    if (show_truth)
      ImGui::TextDisabled("%d→%d %.0f%%", r.truth[pos], r.eval.predicted[pos], 100.0 * r.eval.confidence[pos]);
    else
      ImGui::TextDisabled("#%d", r.idx[pos]);
    if (ImGui::BeginPopup("open")) {
      ImGui::TextDisabled("test image %d", r.idx[pos]);
      const bool step = ImGui::MenuItem("Step through backprop on it");
      RecordRect(app, "gallery_step");
      if (step && app.stepper_capture(r.idx[pos], 1)) app.open_view(kViewStepper);
      const bool acts = ImGui::MenuItem("See its activations");
      RecordRect(app, "gallery_activations");
      if (acts) app.inspect_test_image(r.idx[pos]);
      app.report.menu_image = r.idx[pos];  // which image the open menu is for (the state JSON says)
      ++app.report.menus_open;
      ImGui::EndPopup();
    }
    ImGui::PopID();
    ImGui::EndGroup();
  }
  ImGui::PopID();
  if (static_cast<int>(items.size()) > n)
    ImGui::TextDisabled("(the first %d of %d)", n, static_cast<int>(items.size()));
}

void Confusion(App& app) {
  const ReportState& r = app.report;
  const int K = r.cm.classes;
  const float fs = ImGui::GetFontSize(), cell = fs * 2.3f, label = fs * 1.6f;
  bool normalized = r.normalized;
  if (ImGui::Checkbox("row-normalised", &normalized)) app.report.set_normalized(normalized);
  ImGui::SameLine();
  HelpMarker(
      "Rows: the true class; columns: the predicted class. Counts, or each row as shares of that class. "
      "Click a cell to see its images.");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  dl->AddText(ImVec2(p0.x + label, p0.y), dim, "predicted →");
  const ImVec2 g(p0.x + label, p0.y + fs * 2.4f);
  for (int k = 0; k < K; ++k) {
    char d[12];
    std::snprintf(d, sizeof d, "%d", k);
    dl->AddText(ImVec2(g.x + k * cell + cell * 0.4f, g.y - fs * 1.2f), dim, d);
    dl->AddText(ImVec2(p0.x + fs * 0.3f, g.y + k * cell + cell * 0.3f), dim, d);
  }
  ImGui::SetCursorScreenPos(g);
  ImGui::InvisibleButton("cm", ImVec2(cell * K, cell * K));
  RecordRect(app, "report_cm");
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  const ImVec2 mp = ImGui::GetIO().MousePos;
  for (int t = 0; t < K; ++t)
    for (int p = 0; p < K; ++p) {
      const ImVec2 a(g.x + p * cell, g.y + t * cell), b(a.x + cell - 1, a.y + cell - 1);
      const double share = r.cm.row_normalized(t, p);
      // diagonal shares in blue, confusions in red (the diverging palette's two sides)
      const float v = static_cast<float>(t == p ? -share : std::min(1.0, share * 5.0));
      dl->AddRectFilled(a, b, diverging_color(v));
      char txt[16];
      if (r.normalized)
        std::snprintf(txt, sizeof txt, "%.2f", share);
      else
        std::snprintf(txt, sizeof txt, "%ld", r.cm.at(t, p));
      const ImU32 col =
          (t == p && share > 0.5) || share > 0.15 ? IM_COL32(255, 255, 255, 255) : IM_COL32(30, 30, 30, 255);
      if (r.cm.at(t, p) > 0)
        dl->AddText(ImVec2(a.x + (cell - ImGui::CalcTextSize(txt).x) * 0.5f, a.y + (cell - fs) * 0.5f), col, txt);
      if (r.sel_truth == t && r.sel_pred == p) dl->AddRect(a, b, IM_COL32(255, 200, 0, 255), 0, 0, 2.5f);
      if (hovered && mp.x >= a.x && mp.x < a.x + cell && mp.y >= a.y && mp.y < a.y + cell) {
        ImGui::SetTooltip("true %d, predicted %d: %ld image%s (%.1f%% of the %ld %ds)", t, p, r.cm.at(t, p),
                          r.cm.at(t, p) == 1 ? "" : "s", 100 * share, r.cm.row_sum(t), t);
        if (clicked) app.report.select_cell(t, p);
      }
    }
  ImGui::TextDisabled("true ↓");
}

void ClassTable(App& app) {
  const ClassificationReport& c = app.report.rep;
  const float fs = ImGui::GetFontSize();
  if (ImGui::BeginTable("classes", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg, ImVec2(fs * 30, 0))) {
    for (const char* h : {"class", "precision", "recall (class accuracy)", "F1", "support"})
      ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, h[0] == 'r' ? fs * 10 : fs * 5);
    ImGui::TableHeadersRow();
    auto row = [](const char* name, double p, double r, double f, long s) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", p);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", r);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", f);
      ImGui::TableNextColumn();
      ImGui::Text("%ld", s);
    };
    long total = 0;
    for (size_t k = 0; k < c.f1.size(); ++k) {
      row(std::to_string(k).c_str(), c.precision[k], c.recall[k], c.f1[k], c.support[k]);
      total += c.support[k];
    }
    row("macro avg", c.macro_precision, c.macro_recall, c.macro_f1, total);
    row("weighted avg", c.weighted_precision, c.weighted_recall, c.weighted_f1, total);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("accuracy");
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::Text("%.4f", c.accuracy);
    ImGui::TableNextColumn();
    ImGui::Text("%ld", total);
    ImGui::EndTable();
  }
  // F1 per class as bars, the axis from the lowest F1 (rounded down) to 1
  ImGui::TextDisabled("F1 per class");
  double lo = 1.0;
  for (double f : c.f1) lo = std::min(lo, f);
  lo = std::max(0.0, std::floor(lo * 10 - 0.5) / 10);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float w = fs * 16, h = fs * 1.1f;
  for (size_t k = 0; k < c.f1.size(); ++k) {
    const ImVec2 a = ImGui::GetCursorScreenPos();
    ImGui::Text("%d", static_cast<int>(k));
    const float len = static_cast<float>((c.f1[k] - lo) / (1.0 - lo)) * w;
    dl->AddRectFilled(ImVec2(a.x + fs * 1.2f, a.y + 2), ImVec2(a.x + fs * 1.2f + std::max(1.0f, len), a.y + h - 3),
                      IM_COL32(0, 114, 178, 255));
    char t[16];
    std::snprintf(t, sizeof t, "%.4f", c.f1[k]);
    dl->AddText(ImVec2(a.x + fs * 1.6f + w, a.y), ImGui::GetColorU32(ImGuiCol_TextDisabled), t);
  }
  ImGui::TextDisabled("axis from %.1f to 1", lo);
}

}  // namespace

void ReportPanel(App& app) {
  const ReportState& r = app.report;
  app.report.menu_image = -1;
  app.report.menus_open = 0;
  if (ImGui::Button("Evaluate now")) app.report_run();
  RecordRect(app, "report_run");
  ImGui::SameLine();
  if (ImGui::Button("Export lab report") && app.platform()) app.export_lab_report();
  RecordRect(app, "export_lab_report");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("This run as one HTML page (images inside, nothing fetched): open it anywhere, print it.");
  ImGui::SameLine();
  if (!r.ready) {
    ImGui::TextDisabled("the report is made after each epoch, or now with the button");
    return;
  }
  ImGui::Text("%d test images · accuracy %.2f%% · loss %.4f · %s", r.eval.count, 100 * r.eval.accuracy, r.eval.loss,
              r.epoch > 0 ? ("after epoch " + std::to_string(r.epoch)).c_str() : "the current weights");
  if (ImGui::BeginTable("report", 2, ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableNextColumn();
    ImGui::TextColored(color(colors().heading), "Confusion matrix");
    Confusion(app);
    ImGui::TableNextColumn();
    ImGui::TextColored(color(colors().heading), "Per class");
    ClassTable(app);
    ImGui::EndTable();
  }
  ImGui::Separator();
  if (r.sel_truth >= 0) {
    std::vector<int> items;
    for (size_t i = 0; i < r.idx.size(); ++i)
      if (r.truth[i] == r.sel_truth && r.eval.predicted[i] == r.sel_pred) items.push_back(static_cast<int>(i));
    ImGui::TextColored(color(colors().heading), "True %d, predicted %d: %d image%s", r.sel_truth, r.sel_pred,
                       static_cast<int>(items.size()), items.size() == 1 ? "" : "s");
    Gallery(app, "cell", items, false);
    ImGui::Separator();
  }
  ImGui::TextColored(color(colors().heading), "The most confident mistakes");
  ImGui::SameLine();
  HelpMarker("Test images the model got wrong, sorted by how sure it was (true → predicted, confidence).");
  Gallery(app, "mistakes", r.mistakes, true);
}

}  // namespace bpl::app
