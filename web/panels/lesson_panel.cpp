// The lesson player (issue 14): the Lessons menu, the panel beside the view (or below it on a
// phone) that shows the open lesson's step, and the outline and arrow to the step's @point
// control. What a lesson is and how a step completes: lessons.h; the App's side: app_lessons.cpp.
// Index: LessonsMenu, LessonFileMenuItem, LessonPanel (text, question, answer, Back/Next/Close),
// LessonPointer.
#include "panels/panels.h"
#include "widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace bpl::app {

namespace {

ImU32 u32(Rgb c) {
  return ImGui::ColorConvertFloat4ToU32(color(c));
}

// Text wrapped at spaces only (Dear ImGui 1.86 also breaks after '.', so "0.0401" could end a
// line as "0." with "0401" on the next); a '\n' starts a new line.
void Prose(const std::string& text) {
  const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4);
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string para = text.substr(start, nl - start);
    std::string line;
    for (size_t i = 0; i <= para.size();) {
      size_t sp = para.find(' ', i);
      if (sp == std::string::npos) sp = para.size();
      const std::string word = para.substr(i, sp - i);
      const std::string longer = line.empty() ? word : line + " " + word;
      if (!line.empty() && ImGui::CalcTextSize(longer.c_str()).x > width) {
        ImGui::TextUnformatted(line.c_str());
        line = word;
      } else {
        line = longer;
      }
      i = sp + 1;
    }
    ImGui::TextUnformatted(line.c_str());
    start = nl + 1;
  }
}

// the text as shown: interpolated, without Markdown's `code` and **bold** marks
std::string shown(const std::string& text, const nlohmann::json& st) {
  std::string out = interpolate(text, st), plain;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '`') continue;
    if (out[i] == '*' && i + 1 < out.size() && out[i + 1] == '*') {
      ++i;
      continue;
    }
    plain += out[i];
  }
  return plain;
}

// "Step 2 of 6" after a lesson's name in the menu, when the learner has been there
std::string progress_hint(const App& app, const Lesson& l) {
  const auto it = app.lessons.progress.find(l.id);
  if (it == app.lessons.progress.end()) return "";
  return "step " + std::to_string(it->second.step + 1) + " of " + std::to_string(l.steps.size());
}

}  // namespace

void LessonFileMenuItem(App& app) {
  if (!app.platform() || !app.platform()->can_pick_files()) return;
  if (ImGui::MenuItem("Open a lesson file…")) app.pick_lesson_file();
  RecordRect(app, "menu_lesson_file");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "A lesson as a text file (.md): see \"Writing a lesson\" in the README.\nIt is checked first: "
        "a broken file is refused with its line number.");
}

void LessonsMenu(App& app) {
  const bool open = ImGui::BeginMenu("Lessons");
  RecordRect(app, "menu_lessons");
  if (!open) return;
  int i = 0;
  for (const Lesson& l : app.lessons.shipped) {
    const std::string label = (l.number() >= 0 ? std::to_string(l.number()) + ". " : "") + l.title;
    const std::string hint = progress_hint(app, l);
    const bool current = app.lessons.is_open() && app.lessons.lesson().id == l.id;
    if (ImGui::MenuItem(label.c_str(), hint.empty() ? nullptr : hint.c_str(), current)) app.open_lesson(l.id);
    RecordRect(app, "menu_lesson_" + std::to_string(i++));
  }
  if (app.lessons.shipped.empty()) ImGui::TextDisabled("no lessons are shipped in this build");
  for (const std::string& e : app.lessons.shipped_errors) ImGui::TextDisabled("not shown: %s", e.c_str());
  ImGui::Separator();
  LessonFileMenuItem(app);
  if (app.lessons.is_open()) {
    if (ImGui::MenuItem("Close the lesson")) app.close_lesson();
    RecordRect(app, "menu_lesson_close");
  }
  ImGui::EndMenu();
}

void LessonPanel(App& app) {
  LessonState& ls = app.lessons;
  const LessonStep* s = ls.step();
  if (!s) return;
  const nlohmann::json& st = app.lesson_view_state();
  const Lesson& L = ls.lesson();
  const float fs = ImGui::GetFontSize();
  // the text scrolls; Back, Next and Close stay in view below it (a phone's short panel)
  const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2 + 1;
  ImGui::BeginChild("##lesson_body", ImVec2(0, -footer), false, ImGuiWindowFlags_NavFlattened);
  ImGui::PushTextWrapPos(0.0f);  // everything wraps at the panel's edge
  ImGui::PushStyleColor(ImGuiCol_Text, color(colors().heading));
  Prose(L.title);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("Step %d of %d", ls.step_index() + 1, static_cast<int>(L.steps.size()));
  ImGui::SetWindowFontScale(1.15f);
  Prose(shown(s->title, st));
  ImGui::SetWindowFontScale(1.0f);
  RecordRect(app, "lesson_step_title");
  ImGui::Separator();
  for (const LessonBlock& b : s->blocks) {
    const std::string text = shown(b.text, st);
    if (b.equation) {  // as the stepper shows its equations: large
      ImGui::SetWindowFontScale(1.3f);
      Prose(text);
      ImGui::SetWindowFontScale(1.0f);
    } else {
      Prose(text);
    }
    ImGui::Spacing();
  }
  // a task: what completes it
  if (!s->until.empty()) {
    const bool done = ls.step_done();
    if (done)
      ImGui::TextColored(color(colors().good), "Done: Next goes on.");
    else
      ImGui::TextColored(color(colors().muted), "Next lights up when this holds: %s", s->until_text.c_str());
  }
  // the question: predict, then the app reveals its own value
  if (s->has_question()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().heading));
    Prose(shown(s->ask, st));
    ImGui::PopStyleColor();
    const LessonAnswer* a = ls.answer();
    if (!a && !s->choices.empty()) {
      for (size_t i = 0; i < s->choices.size(); ++i) {
        const char* c = s->choices[i].c_str();
        if (i > 0) Flow(ButtonWidth(c));
        if (ImGui::Button(c)) app.lesson_answer_choice(static_cast<int>(i));
        RecordRect(app, "lesson_choice_" + std::to_string(i));
      }
    } else if (!a) {
      ImGui::SetNextItemWidth(std::min(fs * 9, ImGui::GetContentRegionAvail().x));
      const bool enter = ImGui::InputText("##lesson_answer", ls.input, sizeof ls.input,
                                          ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
      RecordRect(app, "lesson_answer");
      Flow(ButtonWidth("Check"));
      const bool check = ImGui::Button("Check");
      RecordRect(app, "lesson_check");
      if (enter || check) {
        app.lesson_answer_number(ls.input);
        if (enter && !ls.answer()) ImGui::SetKeyboardFocusHere(-1);
      }
      if (!ls.error.empty()) ImGui::TextColored(color(colors().warn), "%s", ls.error.c_str());
    }
    if ((a = ls.answer())) {
      ImGui::TextColored(color(a->correct ? colors().good : colors().error), "%s", a->correct ? "Right." : "Wrong.");
      RecordRect(app, "lesson_verdict");
      if (s->choices.empty())
        Prose("You said " + a->given + "; the app's value is " + a->expected + ".");
      else
        Prose("You chose \"" + a->given + "\"; the answer is \"" + a->expected + "\".");
      if (!s->explain.empty()) Prose(shown(s->explain, st));
    }
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  // Back, Next, Close
  ImGui::Separator();
  const bool last = ls.step_index() + 1 >= static_cast<int>(L.steps.size());
  ImGui::BeginDisabled(ls.step_index() == 0);
  if (ImGui::Button("Back")) app.lesson_go(ls.step_index() - 1);
  ImGui::EndDisabled();
  RecordRect(app, "lesson_back");
  const char* next = last ? "Finish" : "Next";
  Flow(ButtonWidth(next));
  const bool can_go = ls.step_done();
  ImGui::BeginDisabled(!can_go);
  if (can_go) {  // lit up only when the step is done
    ImGui::PushStyleColor(ImGuiCol_Button, color(colors().accent_button));
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().accent_text));
  }
  if (ImGui::Button(next)) {
    if (last) {
      ls.go(ls.step_index());  // a read-only last step counts as done
      app.close_lesson();
    } else {
      app.lesson_go(ls.step_index() + 1);
    }
  }
  if (can_go) ImGui::PopStyleColor(2);
  ImGui::EndDisabled();
  RecordRect(app, "lesson_next");
  Flow(ButtonWidth("Close"));
  if (ImGui::Button("Close")) app.close_lesson();
  RecordRect(app, "lesson_close");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Your progress is kept: the Lessons menu reopens it here.");
}

// The step's @point control outlined, with an arrow from the panel's step title to it; drawn on
// the foreground after everything else, from the rectangles this frame recorded.
void LessonPointer(App& app) {
  const LessonStep* s = app.lessons.step();
  if (!s || s->point.empty()) return;
  const auto target = app.ui_rects.find(s->point);
  const auto panel = app.ui_rects.find("lesson_panel");
  const auto title = app.ui_rects.find("lesson_step_title");
  if (target == app.ui_rects.end()) return;  // not on screen (another view, a closed menu)
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  const float k = app.effective_scale(), pad = 4 * k;
  const auto& r = target->second;
  const ImVec2 a(r[0] - pad, r[1] - pad), b(r[0] + r[2] + pad, r[1] + r[3] + pad);
  const ImU32 c = u32(colors().focus);
  dl->AddRect(a, b, c, 4 * k, 0, 3 * k);
  if (panel == app.ui_rects.end() || title == app.ui_rects.end()) return;
  const auto& p = panel->second;
  const auto& t = title->second;
  const bool inside = r[0] >= p[0] && r[1] >= p[1] && r[0] + r[2] <= p[0] + p[2] && r[1] + r[3] <= p[1] + p[3];
  if (inside) return;
  // from the panel's edge that faces the control, at the step title
  ImVec2 from;
  if (r[0] + r[2] <= p[0])
    from = ImVec2(p[0], t[1] + t[3] * 0.5f);  // the control is left of the panel (the side panel)
  else
    from = ImVec2(std::clamp(t[0] + t[2] * 0.5f, p[0], p[0] + p[2]), p[1]);  // above it (the bottom panel)
  // to the nearest point of the outline
  const ImVec2 to(std::clamp(from.x, a.x, b.x), std::clamp(from.y, a.y, b.y));
  const float dx = to.x - from.x, dy = to.y - from.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 8 * k) return;
  const float ux = dx / len, uy = dy / len, head = 12 * k;
  const ImVec2 base(to.x - ux * head, to.y - uy * head);
  dl->AddLine(from, base, c, 3 * k);
  dl->AddTriangleFilled(to, ImVec2(base.x - uy * head * 0.5f, base.y + ux * head * 0.5f),
                        ImVec2(base.x + uy * head * 0.5f, base.y - ux * head * 0.5f), c);
}

}  // namespace bpl::app
