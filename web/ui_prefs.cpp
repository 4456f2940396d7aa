// The UI preferences: kept across visits and settable by a link (ui.scale, ui.theme, ui.view,
// ui.present). A link's lesson=N&step=K (1-based) opens a shipped lesson at a step (lessons.h). They are not run
// settings (io/settings.h holds those): a link made for a lecture's slide can open the stepper in present mode without
// touching anyone's model.
#include "app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace bpl::app {

void App::set_dark_theme(bool dark) {
  dark_theme = dark;
  theme_dirty = true;
  save_ui_prefs();
}

void App::set_ui_scale(float s) {
  if (!std::isfinite(s)) return;
  s = std::clamp(s, kMinUiScale, kMaxUiScale);
  if (s == ui_scale) return;
  ui_scale = s;
  refresh_fonts();
  save_ui_prefs();
}

void App::set_present(bool on) {
  if (on == present) return;
  present = on;
  refresh_fonts();
  save_ui_prefs();
}

void App::shown_view(int v) {
  view_request = -1;
  if (v == view) return;
  view = v;
  save_ui_prefs();
}

std::string App::ui_query() const {
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", ui_scale);
  return std::string("ui.scale=") + scale + "&ui.theme=" + (dark_theme ? "dark" : "light") +
         "&ui.view=" + kViews[view] + "&ui.present=" + (present ? "true" : "false");
}

void App::save_ui_prefs() {
  if (platform_) platform_->save_ui_prefs(ui_query());
}

std::string App::take_ui_settings(const std::string& query) {
  std::string rest, bad;
  std::istringstream in(query);
  std::string pair;
  bool changed = false;
  std::string lesson, step;
  bool has_lesson = false, has_step = false;
  while (std::getline(in, pair, '&')) {
    if (pair.rfind("lesson=", 0) == 0 || pair == "lesson") {
      has_lesson = true;
      lesson = pair.substr(std::min(pair.size(), sizeof "lesson=" - 1));
      continue;
    }
    if (pair.rfind("step=", 0) == 0 || pair == "step") {
      has_step = true;
      step = pair.substr(std::min(pair.size(), sizeof "step=" - 1));
      continue;
    }
    if (pair.rfind("ui.", 0) != 0) {
      rest += (rest.empty() ? "" : "&") + pair;
      continue;
    }
    const size_t eq = pair.find('=');
    const std::string key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    bool ok = true;
    if (key == "ui.scale") {
      char* end = nullptr;
      const double s = std::strtod(value.c_str(), &end);
      ok = !value.empty() && *end == '\0' && std::isfinite(s) && s >= kMinUiScale && s <= kMaxUiScale;
      if (ok) ui_scale = static_cast<float>(s);
    } else if (key == "ui.theme") {
      ok = value == "dark" || value == "light";
      if (ok) dark_theme = value == "dark";
    } else if (key == "ui.present") {
      ok = value == "true" || value == "false";
      if (ok) present = value == "true";
    } else if (key == "ui.view") {
      const auto* v = std::find_if(std::begin(kViews), std::end(kViews), [&](const char* n) { return value == n; });
      ok = v != std::end(kViews);
      if (ok) view_request = static_cast<int>(v - std::begin(kViews));
    } else {
      ok = false;
    }
    if (!ok) {
      // the key and value as text, never raw bytes: the notice goes into JSON and on screen
      std::string shown;
      for (unsigned char c : pair.substr(0, 40)) shown += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
      bad += (bad.empty() ? "" : ", ") + shown;
    }
    changed = changed || ok;
  }
  if (changed) refresh_fonts();
  if (!bad.empty())
    notice = "ignored from the link: " + bad +
             " (ui.scale 0.75–3, ui.theme dark|light, ui.view train|stepper|inside|draw|report|experiments, "
             "ui.present true|false)";
  if (has_lesson || has_step) {
    // the lesson's own preset and settings apply first; the link's other settings after them
    const std::string keep = bad.empty() ? "" : notice;
    char* end = nullptr;
    const long k = step.empty() ? 1 : std::strtol(step.c_str(), &end, 10);
    if (!has_lesson) {
      lessons.error = "step= needs a lesson= (e.g. #lesson=2&step=3)";
      notice = "the lesson was not opened: " + lessons.error;
    } else if (k < 1 || k > 1000 || (end && *end != '\0')) {
      lessons.error = "step=" + step.substr(0, 12) + " is not a step number (1, 2, …)";
      notice = "the lesson was not opened: " + lessons.error;
    } else {
      open_lesson(lesson, static_cast<int>(k) - 1, true);
      if (lessons.is_open() && platform_) platform_->clear_link();
    }
    if (!keep.empty()) notice = keep + " · " + notice;
  }
  return rest;
}

void App::announce(const std::string& text) {
  if (text == announced_) return;
  announced_ = text;
  if (platform_) platform_->announce(text);
}

}  // namespace bpl::app
