// Lessons as plain text files (format v1, README "Writing a lesson"): the parser, the @until
// conditions over the state JSON, "{path:%.4f}" interpolation, answer checking, and LessonState,
// the App's part that knows the open lesson, its step and every lesson's progress.
// No ImGui here (bpl_app_core); the player panel is web/panels/lesson_panel.cpp.
//
//   # Title                 line 1
//   preset: r2-mlp          header lines (report, preset, settings) before the first step
//   ## Step title           a step; paragraphs, "= equation" lines, {path} values
//   @view @point @until @ask @answer @choices @explain   at most one of each per step
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bpl::app {

// ---- conditions: `term (and term)*`, term = `path op literal` or `path`
struct ConditionTerm {
  std::string path;
  std::string op;  // "" = the value is truthy; else == != >= <= > <
  nlohmann::json literal;
};
struct Condition {
  std::vector<ConditionTerm> terms;
  bool empty() const { return terms.empty(); }
};
// "" and the condition in `out`, or why the text is not a condition
std::string parse_condition(const std::string& text, Condition& out);
// all terms hold; a missing path makes its term false
bool eval_condition(const Condition& c, const nlohmann::json& state);
// the value at a dotted path ("stepper.loss", "report.gallery_cell.0"), or nullptr when missing
const nlohmann::json* json_at(const nlohmann::json& state, const std::string& path);
bool valid_path(const std::string& path);

// ---- text: "{path}" and "{path:%.4f}"; a missing path shows as "?"
std::string interpolate(const std::string& text, const nlohmann::json& state);
// "" or why a text's {…} cannot be shown (a printf format other than one number or string)
std::string check_interpolation(const std::string& text);

// ---- a lesson
struct LessonBlock {
  bool equation = false;  // a "= …" line, drawn in the equation style
  std::string text;       // a paragraph (its lines joined by spaces) or one equation
};
struct LessonStep {
  int line = 0;  // of its "## title"
  std::string title;
  std::vector<LessonBlock> blocks;
  std::string view;   // one of kViews, or ""
  std::string point;  // a ui rectangle's key, or ""
  std::string until_text;
  Condition until;
  std::string ask;                   // the question, or ""
  std::vector<std::string> choices;  // multiple choice; empty = a number
  std::string answer;                // the choice's text, or the number/path as written
  std::string answer_path;           // a number's expected value from the state …
  double answer_value = 0.0;         // … or written in the file
  double tolerance = 0.01;           // ± this …
  bool relative = true;              // … times |expected| (a "%" tolerance and the default ± 1%)
  std::string explain;
  bool has_question() const { return !ask.empty(); }
};
struct Lesson {
  std::string id;  // the file's stem, "01-first-network"
  std::string file_name;
  std::string title, report, preset, settings;
  std::vector<LessonStep> steps;
  int number() const;  // the leading digits of the id, or -1
};
struct LessonParse {
  Lesson lesson;
  std::string error;  // "" or "NAME line N: reason"
  bool ok() const { return error.empty(); }
};
LessonParse parse_lesson(const std::string& text, const std::string& file_name);
// every *.md file in a folder, as (file name, text) pairs; none when the folder is missing
std::vector<std::pair<std::string, std::string>> read_lesson_dir(const std::string& dir);
// "01-first-network.md" → "01-first-network" (without any folder)
std::string lesson_id_from_file(const std::string& file_name);

// ---- answers
struct AnswerCheck {
  bool ok = false;       // the answer could be checked
  bool correct = false;  // … and it is right
  std::string expected;  // the engine's value (formatted) or the right choice
  std::string error;     // why it could not be checked ("type a number", "the value is not there yet")
};
// the learner's text against a number step (its expected value read from the state)
AnswerCheck check_number_answer(const LessonStep& step, const std::string& given, const nlohmann::json& state);
AnswerCheck check_choice_answer(const LessonStep& step, int choice);
std::string format_number(double v);  // how an expected value is shown: up to 6 significant digits

// ---- the App's part: the open lesson and every lesson's progress
struct LessonAnswer {
  int step = 0;  // 0-based
  std::string question, given, expected;
  bool correct = false;
};
struct LessonProgress {
  int step = 0;                         // 0-based, the step the learner is on
  std::set<int> done;                   // steps completed (an @until that held, a question answered, Next)
  std::map<int, LessonAnswer> answers;  // by step
};

class LessonState {
 public:
  std::vector<Lesson> shipped;                     // web/lessons/*.md, by file name
  std::vector<std::string> shipped_errors;         // shipped files that did not parse (shown in the menu)
  std::map<std::string, LessonProgress> progress;  // by lesson id

  // the open lesson (a copy: a file's lesson lives here only)
  bool is_open() const { return open_; }
  const Lesson& lesson() const { return lesson_; }
  int step_index() const { return open_ ? progress_of().step : 0; }
  const LessonStep* step() const;
  LessonProgress& progress_of() { return progress[lesson_.id]; }
  const LessonProgress& progress_of() const;
  bool step_done() const;              // the current step is completed (Next may go on)
  const LessonAnswer* answer() const;  // the current step's answer, or null
  std::string error;                   // the last refusal (a bad file or link), or why an answer was not checked
  char input[64] = {};                 // the player's answer field (cleared at each step)

  // parse and keep the shipped files' texts (name → text); a bad one is skipped and named
  void set_shipped(const std::vector<std::pair<std::string, std::string>>& files);
  // a shipped lesson by its number ("2") or id ("02-backprop"), or null
  const Lesson* find(const std::string& key) const;
  // open: at `step` (0-based, clamped), or at the saved step when step < 0; true if the step changed
  void open(const Lesson& l, int step = -1);
  void close();
  bool go(int step);  // to another step of the open lesson (0-based); false if out of range
  bool next() { return go(step_index() + 1); }
  bool back() { return go(step_index() - 1); }
  // evaluate the current step's @until against the state; true when it became done now
  bool update(const nlohmann::json& state);
  // the learner answered the current step's question; false (and error) if it could not be checked
  bool answer_number(const std::string& given, const nlohmann::json& state);
  bool answer_choice(int choice);
  int answers_count() const;
  bool step_started() { return take(started_); }  // once per step start: the App opens @view
  bool changed() { return take(changed_); }       // progress to save

  // every lesson's progress and the open one, for browser storage
  std::string to_json() const;
  // restore what to_json wrote; the open lesson (a shipped one) reopens at its step
  void from_json(const std::string& json);
  nlohmann::json state() const;  // the state JSON's "lesson" object

 private:
  static bool take(bool& flag) {
    const bool was = flag;
    flag = false;
    return was;
  }
  bool open_ = false;
  Lesson lesson_;
  bool started_ = false, changed_ = false;
};

}  // namespace bpl::app
