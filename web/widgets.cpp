#include "widgets.h"

#include <imgui_internal.h>

#include "app.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

namespace bpl::app {

void RecordRect(App& app, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  app.ui_rects[name] = {a.x, a.y, b.x - a.x, b.y - a.y};
  if (ImGui::IsItemFocused()) app.ui_focused = name;  // the keyboard's focus ring is on it
  // cut by the edge of its panel (scrolled out of sight, or clipped): the tests' "on screen" fails
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  if (a.x < clip.Min.x - 0.5f || a.y < clip.Min.y - 0.5f || b.x > clip.Max.x + 0.5f || b.y > clip.Max.y + 0.5f)
    app.ui_clipped.insert(name);
}

void Flow(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

float ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

void HelpMarker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

namespace {

// "nice" tick step for a range: 1, 2 or 5 × 10^k, about `target` ticks
double nice_step(double range, int target) {
  double raw = range / std::max(1, target);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

void fmt_tick(char* buf, size_t n, double v, double step) {
  if (std::abs(v) < 1e-12) v = 0;
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  std::snprintf(buf, n, "%.*f", std::min(decimals, 6), v);
}

}  // namespace

bool LinePlot(const char* id, const std::vector<Series>& series, ImVec2 size, const PlotOptions& opt) {
  ImGui::PushID(id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton("plot", size);
  const bool hovered = ImGui::IsItemHovered();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text), dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid_col = ImGui::GetColorU32(ImGuiCol_Border), bg_col = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const float fs = ImGui::GetFontSize();
  // the legend: right-aligned on the title's line when both fit, else in rows under it
  struct Key {
    const Series* s;
    float x, y;
  };
  std::vector<Key> keys;
  float rows_h = 0;
  {
    const float title_w = ImGui::CalcTextSize(opt.y_label).x + fs * 1.5f;
    const float right = p0.x + size.x - fs * 0.6f;
    float lx = right, ly = p0.y + fs * 0.4f, left_limit = p0.x + fs * 0.5f + title_w;
    for (auto it = series.rbegin(); it != series.rend(); ++it) {
      const float w = ImGui::CalcTextSize(it->label.c_str()).x + fs * 2.4f;
      if (lx - w < left_limit && lx < right) {  // this row is full: the next one, the whole width
        lx = right, ly += fs * 1.3f, left_limit = p0.x + fs * 0.5f;
        rows_h += fs * 1.3f;
      }
      lx -= w;
      keys.push_back({&*it, lx, ly});
    }
  }
  // plot area inside the margins for tick labels, axis titles and the legend
  const ImVec2 a(p0.x + fs * 4.2f, p0.y + fs * 1.9f + rows_h), b(p0.x + size.x - fs * 0.6f, p0.y + size.y - fs * 2.6f);
  (void)bg_col;  // no filled background: see ui.cpp on overdraw

  // ranges
  double xmin = DBL_MAX, xmax = -DBL_MAX, ymin = DBL_MAX, ymax = -DBL_MAX;
  for (const Series& s : series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      float y = s.y[i];
      if (!std::isfinite(y) || (opt.log_y && y <= 0)) continue;
      xmin = std::min<double>(xmin, s.x[i]);
      xmax = std::max<double>(xmax, s.x[i]);
      ymin = std::min<double>(ymin, y);
      ymax = std::max<double>(ymax, y);
    }
  const bool empty = xmin > xmax;
  if (empty) {
    xmin = 0, xmax = 1, ymin = opt.log_y ? 0.01 : 0, ymax = 1;
  }
  if (opt.x_max > opt.x_min) xmin = opt.x_min, xmax = opt.x_max;  // plots stacked share their x-axis
  if (xmax - xmin < 1e-9) xmax = xmin + 1;
  auto ty = [&](double y) { return opt.log_y ? std::log10(std::max(y, 1e-12)) : y; };
  double lo = ty(ymin), hi = ty(ymax);
  if (opt.y_from_zero && !opt.log_y) lo = std::min(lo, 0.0);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  if (opt.y_max_clamp > 0 && !opt.log_y) hi = std::min(hi, static_cast<double>(opt.y_max_clamp) + pad * 0.5);
  auto X = [&](double x) { return a.x + static_cast<float>((x - xmin) / (xmax - xmin)) * (b.x - a.x); };
  auto Y = [&](double y) { return b.y - static_cast<float>((ty(y) - lo) / (hi - lo)) * (b.y - a.y); };

  // grid and ticks
  char buf[64];
  if (opt.log_y) {
    for (int e = static_cast<int>(std::floor(lo)); e <= static_cast<int>(std::ceil(hi)); ++e)
      for (int m : {1, 2, 5}) {
        double v = m * std::pow(10.0, e), t = std::log10(v);
        if (t < lo || t > hi) continue;
        float y = Y(v);
        dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid_col, m == 1 ? 1.0f : 0.5f);
        std::snprintf(buf, sizeof buf, v >= 1 ? "%.0f" : v >= 0.01 ? "%.2g" : "%.0e", v);
        ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(a.x - ts.x - fs * 0.3f, y - ts.y * 0.5f), dim_col, buf);
      }
  } else {
    double step = nice_step(hi - lo, std::max(2, static_cast<int>((b.y - a.y) / (fs * 2.2f))));
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      float y = Y(v);
      dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid_col, 0.6f);
      fmt_tick(buf, sizeof buf, v, step);
      ImVec2 ts = ImGui::CalcTextSize(buf);
      dl->AddText(ImVec2(a.x - ts.x - fs * 0.3f, y - ts.y * 0.5f), dim_col, buf);
    }
  }
  {
    double step = std::max(1.0, nice_step(xmax - xmin, std::max(2, static_cast<int>((b.x - a.x) / (fs * 4.0f)))));
    for (double v = std::ceil(xmin / step) * step; v <= xmax + 1e-9; v += step) {
      float x = X(v);
      dl->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + fs * 0.25f), dim_col);
      fmt_tick(buf, sizeof buf, v, step);
      ImVec2 ts = ImGui::CalcTextSize(buf);
      dl->AddText(ImVec2(x - ts.x * 0.5f, b.y + fs * 0.3f), dim_col, buf);
    }
  }
  dl->AddRect(a, b, grid_col);
  // axis titles
  ImVec2 xs = ImGui::CalcTextSize(opt.x_label);
  dl->AddText(ImVec2((a.x + b.x - xs.x) * 0.5f, b.y + fs * 1.35f), text_col, opt.x_label);
  dl->AddText(ImVec2(p0.x + fs * 0.5f, p0.y + fs * 0.4f), text_col, opt.y_label);

  // series
  dl->PushClipRect(a, b, true);
  std::vector<ImVec2> pts;
  for (const Series& s : series) {
    pts.clear();
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i]) && (!opt.log_y || s.y[i] > 0)) pts.emplace_back(X(s.x[i]), Y(s.y[i]));
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, s.thickness);
    if (s.markers)
      for (const ImVec2& p : pts) dl->AddCircleFilled(p, s.thickness + 1.5f, s.color);
  }
  dl->PopClipRect();
  if (empty) {
    const char* t = "no data yet: press Start";
    ImVec2 ts = ImGui::CalcTextSize(t);
    dl->AddText(ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f), dim_col, t);
  }

  // legend
  for (const Key& k : keys) {
    const float mid = k.y + fs * 0.5f;
    dl->AddLine(ImVec2(k.x, mid), ImVec2(k.x + fs * 1.2f, mid), k.s->color, 3.0f);
    dl->AddText(ImVec2(k.x + fs * 1.5f, k.y), text_col, k.s->label.c_str());
  }

  // hover read-out: nearest x
  if (hovered && !empty) {
    const float mx = ImGui::GetIO().MousePos.x;
    double xv = xmin + (mx - a.x) / (b.x - a.x) * (xmax - xmin);
    dl->AddLine(ImVec2(std::clamp(mx, a.x, b.x), a.y), ImVec2(std::clamp(mx, a.x, b.x), b.y), dim_col);
    ImGui::BeginTooltip();
    for (const Series& s : series) {
      if (s.x.empty()) continue;
      size_t best = 0;
      for (size_t i = 1; i < s.x.size(); ++i)
        if (std::abs(s.x[i] - xv) < std::abs(s.x[best] - xv)) best = i;
      ImGui::ColorButton(s.label.c_str(), ImGui::ColorConvertU32ToFloat4(s.color),
                         ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder, ImVec2(fs * 0.7f, fs * 0.7f));
      ImGui::SameLine();
      std::snprintf(buf, sizeof buf, opt.value_format, s.y[best]);
      ImGui::Text("%s at %s %.3g: %s", s.label.c_str(), opt.x_label, s.x[best], buf);
    }
    ImGui::EndTooltip();
  }
  ImGui::PopID();
  return hovered;
}

}  // namespace bpl::app
