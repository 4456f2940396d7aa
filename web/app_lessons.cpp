// The App's lessons (issue 14): shipped lessons loaded at start, a lesson opened from the menu, a
// link or a file (its preset and settings applied through the settings machinery), the current
// step's @until evaluated each frame, progress kept by the platform. The format and LessonState
// are lessons.h; the player panel is panels/lesson_panel.cpp.
#include "app.h"

#include "io/settings.h"
#include "model/presets.h"

#include <algorithm>

namespace bpl::app {

void App::load_lessons(const std::string& dir) {
  lessons.set_shipped(read_lesson_dir(dir));
  if (platform_) lessons.from_json(platform_->load_lessons_progress());
  lessons.changed();  // restored, not changed
}

// All or nothing: the preset and the settings are checked before either applies.
std::string App::apply_lesson_settings(const Lesson& l) {
  try {
    RunConfig rc = l.preset.empty() ? cfg : RunConfig::from_preset(find_preset(l.preset));
    if (!l.settings.empty()) bpl::apply_settings_query(rc, l.settings);
  } catch (const std::exception& e) {
    return l.file_name + ": the lesson's " + (l.settings.empty() ? "preset" : "preset or settings") +
           " cannot apply: " + e.what();
  }
  if (!l.preset.empty()) apply_preset(l.preset);
  if (!l.settings.empty()) {
    const std::string err = apply_settings_query(l.settings);
    if (!err.empty()) return err;
    notice = "the lesson's settings applied: " + l.settings;  // not "the link's"
  }
  return "";
}

std::string App::open_lesson(const std::string& key, int step, bool from_link) {
  const Lesson* l = lessons.find(key);
  std::string why;
  if (!l) {
    std::string names;
    for (const Lesson& s : lessons.shipped) names += (names.empty() ? "" : ", ") + s.id;
    why = "there is no lesson \"" + key.substr(0, 40) + "\" (the lessons: " + (names.empty() ? "none" : names) + ")";
  } else if (step >= static_cast<int>(l->steps.size())) {
    why = l->id + " has " + std::to_string(l->steps.size()) + " steps, not " + std::to_string(step + 1);
  }
  if (!why.empty()) {
    lessons.error = why;
    notice = "the lesson was not opened: " + why;
    return why;
  }
  // afresh (no saved progress) or by a link: the lesson's starting point applies
  auto saved = lessons.progress.find(l->id);
  const bool resuming = !from_link && saved != lessons.progress.end() && (step < 0 ? saved->second.step > 0 : true);
  if (!resuming) {
    const std::string err = apply_lesson_settings(*l);
    if (!err.empty()) {
      lessons.error = err;
      notice = "the lesson was not opened: " + err;
      return err;
    }
  }
  lessons.open(*l, step);  // the panel shows it: no notice
  return "";
}

std::string App::open_lesson_text(const std::string& text, const std::string& name) {
  LessonParse p = parse_lesson(text, name);
  if (!p.ok()) {
    lessons.error = p.error;
    notice = "the lesson file was refused: " + p.error;
    return p.error;
  }
  const std::string err = apply_lesson_settings(p.lesson);
  if (!err.empty()) {
    lessons.error = err;
    notice = "the lesson file was refused: " + err;
    return err;
  }
  lessons.open(p.lesson, 0);
  notice = "lesson: " + p.lesson.title + " (from " + name + ")";
  return "";
}

void App::pick_lesson_file() {
  if (platform_) platform_->pick_lesson_file();
}

void App::lesson_go(int step) {
  lessons.go(step);
}

void App::close_lesson() {
  lessons.close();
}

bool App::lesson_answer_number(const std::string& given) {
  return lessons.answer_number(given, lessons.is_open() ? state_object(true) : nlohmann::json());
}

bool App::lesson_answer_choice(int choice) {
  return lessons.answer_choice(choice);
}

void App::lessons_frame() {
  if (lessons.is_open()) {
    lesson_json_ = state_object(true);
    lessons.update(lesson_json_);
    if (lessons.step_started()) {
      const LessonStep* s = lessons.step();
      if (s && !s->view.empty())
        for (int v = 0; v < kViewCount; ++v)
          if (s->view == kViews[v]) open_view(v);
      if (s) announce("Lesson step " + std::to_string(lessons.step_index() + 1) + ": " + s->title);
    }
  }
  if (lessons.changed() && platform_) platform_->save_lessons_progress(lessons.to_json());
}

}  // namespace bpl::app
