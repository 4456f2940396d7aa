// Small UI pieces shared by the panels: a help marker, a line plot drawn with ImGui's draw
// lists (ImPlot is not packaged for Debian), and number formatting.
#pragma once

#include "core/format.h"

#include <imgui.h>

#include <string>
#include <vector>

namespace bpl::app {

class App;

// Remember where the last item was drawn (x, y, w, h in CSS pixels) under `name` in App::ui_rects,
// so a browser test can aim real mouse clicks at it.
// A rectangle cut by its panel's edge is also listed in App::ui_clipped.
void RecordRect(App& app, const std::string& name);

// Flowing layout: the next item continues this line when `width` still fits, else starts a new
// line (rows of buttons wrap on a phone instead of running off the window).
void Flow(float width);
float ButtonWidth(const char* label);  // a button's width for its label

// "(?)" that explains a concept on hover (as in imgui_demo.cpp)
void HelpMarker(const char* text);

struct Series {
  std::string label;
  std::vector<float> x, y;
  ImU32 color = 0;
  bool markers = false;  // draw a dot at every point (per-epoch values)
  float thickness = 2.0f;
};

struct PlotOptions {
  const char* x_label = "";
  const char* y_label = "";
  bool log_y = false;
  bool y_from_zero = false;
  float y_max_clamp = 0.0f;  // > 0: never show above this (accuracy ≤ 1)
  const char* value_format = "%.4f";
  float x_min = 0, x_max = 0;  // x_max > x_min: this x range (stacked plots line up), else the data's
};

// Axes with ticks and labels, the series as lines, a legend, and a hover read-out of the
// nearest x for every series. Returns true while hovered.
bool LinePlot(const char* id, const std::vector<Series>& series, ImVec2 size, const PlotOptions& opt);

using bpl::human_rate;
using bpl::with_commas;

}  // namespace bpl::app
