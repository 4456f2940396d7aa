// The seven shipped lessons (web/lessons/01…07): each parses, is tied to a seed report, has a
// predict-then-reveal question whose expected value is the engine's (a state path) or a number
// the lesson states, and every state path it reads (@until terms, @answer paths, {path} in its
// text) exists in the App's state JSON once the lesson's preset has trained, the stepper has
// traced a step, the report is ready, the pad has a drawing and the lesson's comparison has run.
// (That the values are there at the very step that needs them is the browser test's job:
// tests/browser/lessons-all.test.mjs plays every lesson through.)
#include "app_test_helpers.h"
#include "lessons.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {

const char* kSeven[] = {"01-first-network.md", "02-backprop-by-hand.md",         "03-convolution.md",
                        "04-lenet-vs-mlp.md",  "05-when-training-goes-wrong.md", "06-evaluate-like-r3.md",
                        "07-teach-it.md"};

bpl::app::Lesson load(const std::string& name) {
  std::ifstream in(std::filesystem::path(BPL_LESSONS_DIR) / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const LessonParse p = parse_lesson(ss.str(), name);
  INFO(name);
  REQUIRE(p.error == "");
  return p.lesson;
}

// the paths a text quotes: "{stepper.dz_true:%.4f}" → "stepper.dz_true"
std::vector<std::string> quoted_paths(const std::string& text) {
  static const std::regex re(R"(\{([A-Za-z_][A-Za-z0-9_.]*)(:[^}]*)?\})");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// The App after everything a lesson does: its preset and settings, three epochs, a traced
// step with gradient checks, the report with a cell selected, a drawing taught, and the
// comparison its steps pick, run for one epoch per preset.
nlohmann::json rich_state(const bpl::app::Lesson& l) {
  App app;
  give_synthetic_data(app, 600, 200);
  if (!l.preset.empty()) app.apply_preset(l.preset);
  if (!l.settings.empty()) REQUIRE(app.apply_settings_query(l.settings) == "");
  app.cfg.train.epochs = 3;
  app.cfg.train.early_stop_patience = 0;
  app.start();
  train_until_stopped(app);
  REQUIRE(app.history().size() == 3);
  REQUIRE(app.stepper_capture(0, 1));
  app.stepper.check_some();
  app.report_run();
  app.report.select_cell(4, 9);
  app.pad_stroke_begin();
  app.pad_paint(10, 5, 10, 22);
  app.pad_update();
  REQUIRE(app.pad_teach((app.pad.top + 1) % 10) == "");
  // the comparison the lesson's conditions name
  int which = -1;
  bool improved = false;
  for (const LessonStep& s : l.steps)
    for (const ConditionTerm& t : s.until.terms) {
      if (t.path == "experiments.comparison" && t.literal.is_string())
        for (size_t k = 0; k < comparison_names().size(); ++k)
          if (comparison_names()[k] == t.literal.get<std::string>()) which = static_cast<int>(k);
      if (t.path == "experiments.improved" && t.op.empty()) improved = true;
    }
  if (which >= 0) {
    app.exp.choose(which);
    app.exp.set_improved(improved);
    app.exp.set_max_epochs(1);
    app.experiments_start();
    for (int i = 0; i < 1000000 && app.exp.running; ++i) app.experiments_tick(50.0);
    REQUIRE(app.exp.message == "done");
  }
  return nlohmann::json::parse(app.state_json());
}

}  // namespace

TEST_CASE("the seven lessons: a seed report each, questions checked against the engine", "[lessons][lessonfiles]") {
  std::set<std::string> reports;
  for (const char* name : kSeven) {
    const bpl::app::Lesson l = load(name);
    INFO(name);
    CHECK(l.report.size() == 2);  // R0…R4
    reports.insert(l.report);
    CHECK_FALSE(l.preset.empty());
    CHECK(l.steps.size() >= 5);
    int predict = 0, until = 0;
    for (const LessonStep& s : l.steps) {
      if (!s.until.empty()) ++until;
      // a predict-then-reveal question whose expected value is the engine's or stated exactly
      if (s.has_question() && s.choices.empty()) ++predict;
      CHECK(s.blocks.size() >= 1);  // every step says something
      if (s.has_question()) CHECK_FALSE(s.explain.empty());
    }
    CHECK(predict >= 1);
    CHECK(until >= 1);
  }
  CHECK(reports == std::set<std::string>{"R0", "R1", "R2", "R3", "R4"});
}

TEST_CASE("every state path a lesson reads exists in the state JSON", "[lessons][lessonfiles]") {
  for (const char* name : kSeven) {
    const bpl::app::Lesson l = load(name);
    const nlohmann::json state = rich_state(l);
    for (const LessonStep& s : l.steps) {
      std::vector<std::string> paths;
      for (const ConditionTerm& t : s.until.terms) paths.push_back(t.path);
      for (const LessonBlock& b : s.blocks)
        for (const std::string& p : quoted_paths(b.text)) paths.push_back(p);
      for (const std::string& text : {s.ask, s.explain})
        for (const std::string& p : quoted_paths(text)) paths.push_back(p);
      for (const std::string& p : paths) {
        INFO(name << " step \"" << s.title << "\": " << p);
        CHECK(json_at(state, p) != nullptr);
      }
      if (!s.answer_path.empty()) {
        INFO(name << " step \"" << s.title << "\" @answer " << s.answer_path);
        const nlohmann::json* v = json_at(state, s.answer_path);
        REQUIRE(v != nullptr);
        CHECK(v->is_number());
      }
    }
  }
}
