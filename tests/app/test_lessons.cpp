// Lessons, format v1 (web/lessons.h): every rule of the format refused with its line, the
// conditions, interpolation, answer tolerances, LessonState's progress, and the shipped files.
#include "app_test_helpers.h"
#include "automation.h"
#include "lessons.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace bpl::app;
using namespace bpl::app::test;
using nlohmann::json;

namespace {

const char* kGood = R"(# A small lesson
report: R2
preset: r2-mlp
settings: training.epochs=3

## Look around
Plain text that is
one paragraph.

= ŷ − y = softmax(z) − onehot(y)
Epoch {epoch}, accuracy {test_accuracy:%.2f}.
@view train
@point tab_train

## Train it
@until epoch >= 1 and test_accuracy > 0.9

## Predict
@ask What is the loss?
@answer stepper.loss ± 0.01
@explain It is {stepper.loss:%.4f}.

## Choose
@ask Which sign?
@choices negative | zero | positive
@answer negative
)";

// the error of parsing `text` as "t.md" (must fail)
std::string error_of(const std::string& text) {
  const LessonParse p = parse_lesson(text, "t.md");
  REQUIRE_FALSE(p.ok());
  return p.error;
}

std::string step(const std::string& body) {
  return "# T\n\n## S\n" + body;  // the step's body starts on line 4
}

}  // namespace

TEST_CASE("a lesson file parses into its header, steps, text and directives", "[lessons]") {
  const LessonParse p = parse_lesson(kGood, "web/lessons/02-small.md");
  REQUIRE(p.ok());
  const Lesson& l = p.lesson;
  CHECK(l.id == "02-small");
  CHECK(l.number() == 2);
  CHECK(l.title == "A small lesson");
  CHECK(l.report == "R2");
  CHECK(l.preset == "r2-mlp");
  CHECK(l.settings == "training.epochs=3");
  REQUIRE(l.steps.size() == 4);
  const LessonStep& s0 = l.steps[0];
  CHECK(s0.title == "Look around");
  CHECK(s0.line == 6);
  REQUIRE(s0.blocks.size() == 3);
  CHECK(s0.blocks[0].text == "Plain text that is one paragraph.");
  CHECK(s0.blocks[1].equation);
  CHECK(s0.blocks[1].text == "ŷ − y = softmax(z) − onehot(y)");
  CHECK_FALSE(s0.blocks[2].equation);
  CHECK(s0.view == "train");
  CHECK(s0.point == "tab_train");
  CHECK(l.steps[1].until.terms.size() == 2);
  const LessonStep& s2 = l.steps[2];
  CHECK(s2.ask == "What is the loss?");
  CHECK(s2.answer_path == "stepper.loss");
  CHECK(s2.tolerance == Approx(0.01));
  CHECK_FALSE(s2.relative);
  CHECK(l.steps[3].choices == std::vector<std::string>{"negative", "zero", "positive"});
  CHECK(l.steps[3].answer == "negative");
}

TEST_CASE("every rule of the format is refused with the file's name and the line", "[lessons]") {
  CHECK(error_of("") == "t.md line 1: the first line must be \"# \" and the lesson's title");
  CHECK(error_of("Title\n## S\n") == "t.md line 1: the first line must be \"# \" and the lesson's title");
  CHECK(error_of("# T\n\nreport: R1\n") == "t.md line 3: a lesson needs at least one step (\"## title\")");
  CHECK(error_of("# T\nauthor: me\n## S\n") == "t.md line 2: unknown header \"author:\" (report, preset or settings)");
  CHECK(error_of("# T\npreset: a\npreset: b\n## S\n") == "t.md line 3: a second preset:");
  CHECK(error_of("# T\n\nSome intro text.\n## S\n").rfind("t.md line 3: text before the first step", 0) == 0);
  CHECK(error_of("# T\n@view train\n## S\n") == "t.md line 2: a directive before the first step (\"## title\")");
  CHECK(error_of("# T\n## S\n# Another title\n").rfind("t.md line 3: only line 1", 0) == 0);
  CHECK(error_of("# T\n## \n") == "t.md line 2: a step needs a title after \"## \"");
  CHECK(error_of(step("  @view train\n")) == "t.md line 4: a directive must start at the beginning of the line");
  CHECK(error_of(step("text\n@show train\n")).rfind("t.md line 5: unknown directive \"@show\"", 0) == 0);
  // a second @view/@point/@until/@ask in one step
  CHECK(error_of(step("@view train\n@view draw\n")) ==
        "t.md line 5: a second @view in this step (the first is on line 4)");
  CHECK(error_of(step("@point a\n\n@point b\n")).rfind("t.md line 6: a second @point", 0) == 0);
  CHECK(error_of(step("@until epoch >= 1\n@until epoch >= 2\n")).rfind("t.md line 5: a second @until", 0) == 0);
  CHECK(error_of(step("@ask a?\n@answer 1\n@ask b?\n")).rfind("t.md line 6: a second @ask", 0) == 0);
  // the same directive in the next step is fine
  CHECK(parse_lesson(step("@view train\n## S2\n@view draw\n"), "t.md").ok());
  // question rules
  CHECK(error_of(step("text\n@answer 3\n")) == "t.md line 5: @answer without @ask");
  CHECK(error_of(step("@ask How many?\ntext\n")) == "t.md line 4: @ask without @answer");
  CHECK(error_of(step("@ask How many?\n## Next\n")) == "t.md line 4: @ask without @answer");
  CHECK(error_of(step("@choices a | b\n")) == "t.md line 4: @choices without @ask");
  CHECK(error_of(step("@choices a | b\n@answer a\n")) == "t.md line 5: @answer without @ask");
  CHECK(error_of(step("@ask Which?\n@choices a | b\n@answer c\n")) ==
        "t.md line 6: @answer \"c\" is not one of the @choices");
  CHECK(error_of(step("@ask Which?\n@choices a\n@answer a\n")).rfind("t.md line 5: @choices needs at least two", 0) ==
        0);
  // tolerances and the expected value
  CHECK(error_of(step("@ask x?\n@answer 3 ± abc\n")).rfind("t.md line 5: bad tolerance \"abc\"", 0) == 0);
  CHECK(error_of(step("@ask x?\n@answer 3 ± -1\n")).rfind("t.md line 5: bad tolerance \"-1\"", 0) == 0);
  CHECK(error_of(step("@ask x?\n@answer 3 ±\n")).rfind("t.md line 5: a tolerance is missing", 0) == 0);
  CHECK(error_of(step("@ask x?\n@answer 3 apples\n")).rfind("t.md line 5: @answer needs a number or a state path", 0) ==
        0);
  // conditions and views
  CHECK(error_of(step("@until epoch >=\n")) == "t.md line 4: bad condition \"epoch >=\": a value is missing after >=");
  CHECK(error_of(step("@until epoch = 3\n")).rfind("t.md line 4: bad condition", 0) == 0);
  CHECK(error_of(step("@until\n")) == "t.md line 4: bad condition \"\": an empty condition");
  CHECK(error_of(step("@until epoch >= 1 or x\n")).rfind("t.md line 4: bad condition", 0) == 0);
  CHECK(error_of(step("@until view == \"stepper\n")).rfind("t.md line 4: bad condition", 0) == 0);
  CHECK(error_of(step("@view kitchen\n")) ==
        "t.md line 4: unknown view \"kitchen\" (train, stepper, inside, draw, report, experiments)");
  CHECK(error_of(step("@point\n")).rfind("t.md line 4: @point needs one control's name", 0) == 0);
  // a value's format must be one printf conversion
  CHECK(error_of(step("Loss {loss:%n}\n")).rfind("t.md line 4: {loss:%n} has a bad format", 0) == 0);
  CHECK(error_of(step("Loss {loss:%f %f}\n")).rfind("t.md line 4: {loss:%f %f} has a bad format", 0) == 0);
  // the file name in the message is the file's own name, without its folder
  CHECK(parse_lesson("nope", "/some/dir/05-x.md").error.rfind("05-x.md line 1:", 0) == 0);
  // Windows line ends count lines the same way
  CHECK(error_of("# T\r\n## S\r\n@view no\r\n").rfind("t.md line 3: unknown view", 0) == 0);
}

TEST_CASE("conditions: paths, numbers, strings, and; a missing path is false", "[lessons]") {
  const json state = json::parse(R"({"epoch": 2, "test_accuracy": 0.93, "view": "stepper", "running": true,
      "stepper": {"kind": "loss", "loss": 0.5}, "report": {"gallery_cell": [3, 7]}, "name": "", "zero": 0,
      "nothing": null})");
  auto holds = [&](const std::string& text) {
    Condition c;
    const std::string e = parse_condition(text, c);
    INFO(text << ": " << e);
    REQUIRE(e.empty());
    return eval_condition(c, state);
  };
  CHECK(holds("epoch >= 2"));
  CHECK_FALSE(holds("epoch > 2"));
  CHECK(holds("epoch == 2"));
  CHECK(holds("epoch != 3"));
  CHECK(holds("epoch < 2.5"));
  CHECK(holds("epoch <= 2"));
  CHECK(holds("test_accuracy > 0.9 and epoch >= 1"));
  CHECK_FALSE(holds("test_accuracy > 0.9 and epoch >= 3"));
  CHECK(holds("view == \"stepper\" and stepper.kind == \"loss\""));
  CHECK_FALSE(holds("view == \"train\""));
  CHECK(holds("view != \"train\""));
  CHECK(holds("view == \"a and b\"") == false);  // "and" inside a string is text
  CHECK(holds("report.gallery_cell.1 == 7"));
  CHECK_FALSE(holds("report.gallery_cell.2 == 7"));  // past the end: missing
  CHECK(holds("running"));
  CHECK(holds("running == true"));
  CHECK_FALSE(holds("running == false"));
  CHECK(holds("epoch"));
  CHECK_FALSE(holds("zero"));
  CHECK_FALSE(holds("name"));
  CHECK_FALSE(holds("nothing"));
  CHECK(holds("nothing == null"));
  CHECK(holds("epoch != null"));
  // a missing path is false whatever the operator
  CHECK_FALSE(holds("missing.path == 1"));
  CHECK_FALSE(holds("missing.path != 1"));
  CHECK_FALSE(holds("missing"));
  CHECK_FALSE(holds("stepper.kind.deeper == 1"));
  // a number never equals a string
  CHECK_FALSE(holds("view == 3"));
  CHECK_FALSE(holds("epoch == \"2\""));
  CHECK(holds("epoch >= -1e3"));
}

TEST_CASE("interpolation shows state values, formatted, and ? when missing", "[lessons]") {
  const json state = json::parse(R"({"epoch": 3, "acc": 0.912345, "view": "train", "cells": [4, 9],
      "s": {"x": -0.000123}, "on": false, "nothing": null})");
  CHECK(interpolate("Epoch {epoch}, accuracy {acc:%.2f}", state) == "Epoch 3, accuracy 0.91");
  CHECK(interpolate("{acc}", state) == "0.912345");
  CHECK(interpolate("{s.x:%.2e} {cells.1} {view} {on}", state) == "-1.23e-04 9 train false");
  CHECK(interpolate("{missing} and {s.y:%.4f} and {nothing}", state) == "? and ? and ?");
  CHECK(interpolate("{epoch:%d} of {epoch:%3d}%", state) == "3 of   3%");
  CHECK(interpolate("{acc:%.1f%%}", state) == "0.9%");
  CHECK(interpolate("a set {1, 2} and { } stay text", state) == "a set {1, 2} and { } stay text");
  CHECK(interpolate("unclosed {epoch", state) == "unclosed {epoch");
  CHECK(check_interpolation("{a:%.4f} {b} {c:%s}").empty());
  CHECK_FALSE(check_interpolation("{a:%p}").empty());
  CHECK_FALSE(check_interpolation("{a:%123f}").empty());
}

TEST_CASE("a number answer is right within its tolerance, inclusive at the edge", "[lessons]") {
  const json state = json::parse(R"({"stepper": {"dz": -0.25}, "big": 200})");
  auto right = [&](const std::string& answer_line, const std::string& given) {
    const LessonParse p = parse_lesson(step("@ask q?\n@answer " + answer_line + "\n"), "t.md");
    REQUIRE(p.ok());
    const AnswerCheck c = check_number_answer(p.lesson.steps[0], given, state);
    REQUIRE(c.ok);
    return c.correct;
  };
  // absolute: ± 0.01 around -0.25
  CHECK(right("stepper.dz ± 0.01", "-0.25"));
  CHECK(right("stepper.dz ± 0.01", "-0.26"));
  CHECK(right("stepper.dz ± 0.01", "-0.24"));
  CHECK_FALSE(right("stepper.dz ± 0.01", "-0.2601"));
  CHECK_FALSE(right("stepper.dz ± 0.01", "0.25"));
  CHECK(right("stepper.dz +- 0.01", "−0,255"));  // a typographic minus and a decimal comma
  // relative: ± 5% of 200 is ± 10
  CHECK(right("big ± 5%", "210"));
  CHECK(right("big ± 5%", "190"));
  CHECK_FALSE(right("big ± 5%", "210.5"));
  // the default is ± 1%
  CHECK(right("200", "202"));
  CHECK_FALSE(right("200", "202.5"));
  CHECK(right("big", "198"));
  CHECK_FALSE(right("big", "197.9"));
  // zero tolerance: exactly
  CHECK(right("3 ± 0", "3"));
  CHECK_FALSE(right("3 ± 0", "3.001"));
  // not a number, or no value yet: not checked at all
  const LessonParse p = parse_lesson(step("@ask q?\n@answer stepper.missing ± 0.1\n"), "t.md");
  REQUIRE(p.ok());
  CHECK_FALSE(check_number_answer(p.lesson.steps[0], "1", state).ok);
  CHECK(check_number_answer(p.lesson.steps[0], "1", state).error.find("stepper.missing") != std::string::npos);
  const LessonParse q = parse_lesson(step("@ask q?\n@answer 2\n"), "t.md");
  CHECK(check_number_answer(q.lesson.steps[0], "two", state).error == "type a number, e.g. 0.25");
  CHECK(check_number_answer(q.lesson.steps[0], "", state).error == "type a number, e.g. 0.25");
  CHECK(check_number_answer(q.lesson.steps[0], "2", state).expected == "2");
}

TEST_CASE("a choice answer is right only for the @answer option", "[lessons]") {
  const LessonParse p = parse_lesson(kGood, "t.md");
  REQUIRE(p.ok());
  const LessonStep& s = p.lesson.steps[3];
  CHECK(check_choice_answer(s, 0).correct);
  CHECK_FALSE(check_choice_answer(s, 2).correct);
  CHECK(check_choice_answer(s, 2).expected == "negative");
  CHECK_FALSE(check_choice_answer(s, 3).ok);
  CHECK_FALSE(check_choice_answer(s, -1).ok);
}

TEST_CASE("LessonState: steps complete by @until, answers or Next; progress round-trips", "[lessons]") {
  LessonState ls;
  ls.set_shipped({{"02-small.md", kGood}, {"03-bad.md", "no title"}});
  REQUIRE(ls.shipped.size() == 1);
  REQUIRE(ls.shipped_errors.size() == 1);
  CHECK(ls.shipped_errors[0] == "03-bad.md line 1: the first line must be \"# \" and the lesson's title");
  CHECK(ls.find("2") == &ls.shipped[0]);
  CHECK(ls.find("02-small") == &ls.shipped[0]);
  CHECK(ls.find("3") == nullptr);
  CHECK_FALSE(ls.is_open());

  ls.open(*ls.find("2"), 1);  // "Train it" (0-based 1)
  CHECK(ls.step_started());
  CHECK_FALSE(ls.step_started());
  CHECK(ls.state()["step"] == 2);
  CHECK(ls.state()["step_title"] == "Train it");
  CHECK_FALSE(ls.step_done());
  json st = {{"epoch", 1}, {"test_accuracy", 0.5}};
  CHECK_FALSE(ls.update(st));
  st["test_accuracy"] = 0.95;
  CHECK(ls.update(st));
  CHECK(ls.step_done());
  st["epoch"] = 0;  // done stays done
  CHECK(ls.step_done());
  CHECK(ls.next());
  // a number question: wrong, then it stays answered
  CHECK(ls.state()["question"] == "What is the loss?");
  json s2 = {{"stepper", {{"loss", 0.3}}}};
  CHECK_FALSE(ls.answer_number("abc", s2));
  CHECK(ls.error == "type a number, e.g. 0.25");
  CHECK_FALSE(ls.step_done());
  CHECK(ls.answer_number("0.5", s2));
  CHECK(ls.step_done());
  REQUIRE(ls.answer());
  CHECK_FALSE(ls.answer()->correct);
  CHECK(ls.answer()->expected == "0.3");
  CHECK(ls.answer()->given == "0.5");
  CHECK_FALSE(ls.answer_number("0.3", s2));  // one answer per question
  CHECK(ls.next());
  CHECK(ls.answer_choice(0));
  CHECK(ls.answer()->correct);
  CHECK(ls.answers_count() == 2);
  CHECK_FALSE(ls.next());  // the last step
  CHECK(ls.back());
  CHECK(ls.state()["step"] == 3);
  CHECK(ls.state()["answered"] == true);
  CHECK(ls.state()["correct"] == false);

  // saved and restored: the step, done steps and answers, and the open lesson
  const std::string saved = ls.to_json();
  LessonState again;
  again.set_shipped({{"02-small.md", kGood}});
  again.from_json(saved);
  REQUIRE(again.is_open());
  CHECK(again.step_index() == 2);
  CHECK(again.answers_count() == 2);
  CHECK(again.step_done());
  CHECK(again.to_json() == saved);
  // a damaged record restores nothing and throws nothing
  LessonState broken;
  broken.from_json("{not json");
  broken.from_json(R"({"lessons": {"x": {"done": ["a"]}}})");
  CHECK(broken.progress.empty());
  // a read-only step completes with Next
  ls.go(0);
  CHECK(ls.step_done());
  CHECK(ls.state()["completed"] == 3);  // steps 2, 3 and 4; step 1 once the learner goes on
  ls.go(1);
  CHECK(ls.state()["completed"] == 4);
  ls.close();
  CHECK(ls.state()["open"] == false);
}

TEST_CASE("every shipped lesson under web/lessons parses", "[lessons]") {
  namespace fs = std::filesystem;
  const fs::path dir = BPL_LESSONS_DIR;
  REQUIRE(fs::is_directory(dir));  // the app embeds this folder: it must exist
  int files = 0;
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const LessonParse p = parse_lesson(ss.str(), e.path().filename().string());
    INFO(e.path().string());
    CHECK(p.error == "");
    if (p.ok()) {
      CHECK(p.lesson.number() >= 0);  // NN-name.md: the number links use
      CHECK_FALSE(p.lesson.steps.empty());
    }
    all.push_back({e.path().filename().string(), ss.str()});
    ++files;
  }
  CHECK(files >= 1);  // at least the tour, 00-tour.md
  LessonState ls;
  ls.set_shipped(all);
  CHECK(ls.shipped_errors.empty());
  // numbers are unique, so that "#lesson=N" names one lesson
  std::set<int> numbers;
  for (const Lesson& l : ls.shipped) CHECK(numbers.insert(l.number()).second);
}

namespace {

// a platform that keeps the lessons' progress as the browser's storage would
class LessonPlatform : public FakePlatform {
 public:
  std::string kept;
  int cleared = 0, picked = 0;
  void save_lessons_progress(const std::string& j) override { kept = j; }
  std::string load_lessons_progress() override { return kept; }
  void clear_link() override { ++cleared; }
  void pick_lesson_file() override { ++picked; }
};

const char* kAppLesson = R"(# Train and predict
preset: r0-mlp
settings: training.learning_rate=0.05

## Read
Nothing to do.

## Train
@view inside
@point start
@until epoch >= 1

## Predict
@ask How many parameters?
@answer params
)";

}  // namespace

TEST_CASE("the App opens lessons by link and file, applies their settings, keeps progress", "[lessons][app]") {
  LessonPlatform plat;
  App app(&plat);
  app.lessons.set_shipped({{"03-train.md", kAppLesson}});
  // a link: lesson=3&step=2 opens it at step 2 and applies its preset and settings
  CHECK(app.apply_settings_query("#lesson=3&step=2") == "");
  REQUIRE(app.lessons.is_open());
  CHECK(app.lessons.step_index() == 1);
  CHECK(app.base_preset == "r0-mlp");
  CHECK(app.cfg.train.optimizer.lr == Approx(0.05));
  CHECK(plat.cleared == 1);
  json st = app.state_object();
  CHECK(st["lesson"]["step"] == 2);
  CHECK(st["lesson"]["steps"] == 3);
  CHECK(st["lesson"]["id"] == "03-train");
  CHECK(st["lesson"]["done"] == false);
  // the step's @view opens when the step starts
  app.lessons_frame();
  CHECK(app.view_request == kViewInside);
  CHECK_FALSE(plat.kept.empty());
  // the @until holds after an epoch of real training
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = 1;
  app.start();
  train_until_stopped(app);
  app.lessons_frame();
  CHECK(app.state_object()["lesson"]["done"] == true);
  app.lesson_go(2);
  // the question's expected value comes from the state: the model's parameter count
  CHECK(app.lesson_answer_number("12"));
  const json lj = app.state_object()["lesson"];
  CHECK(lj["answered"] == true);
  CHECK(lj["correct"] == false);
  CHECK(lj["expected"] == std::to_string(app.state_object()["params"].get<long>()));
  CHECK(lj["answers"] == 1);
  app.lessons_frame();
  // a new App (a reload) finds the lesson open at its step, with its answer
  App again(&plat);
  again.lessons.set_shipped({{"03-train.md", kAppLesson}});
  again.lessons.from_json(plat.load_lessons_progress());
  REQUIRE(again.lessons.is_open());
  CHECK(again.lessons.step_index() == 2);
  CHECK(again.lessons.answers_count() == 1);
}

TEST_CASE("a bad lesson link or file changes nothing the learner has", "[lessons][app]") {
  LessonPlatform plat;
  App app(&plat);
  app.lessons.set_shipped({{"03-train.md", kAppLesson}});
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = 1;
  app.start();
  train_until_stopped(app);
  const uint64_t h = app.weights_hash();
  const std::string settings = app.settings_query();
  CHECK(app.apply_settings_query("lesson=9&step=1") == "");  // the other keys would still apply
  CHECK_FALSE(app.lessons.is_open());
  CHECK(app.notice.find("there is no lesson \"9\" (the lessons: 03-train)") != std::string::npos);
  app.apply_settings_query("lesson=3&step=7");
  CHECK(app.notice.find("03-train has 3 steps, not 7") != std::string::npos);
  app.apply_settings_query("lesson=3&step=x");
  CHECK(app.notice.find("step=x is not a step number") != std::string::npos);
  app.apply_settings_query("step=2");
  CHECK(app.notice.find("step= needs a lesson=") != std::string::npos);
  CHECK_FALSE(app.lessons.is_open());
  // a malformed file: its line in the notice, nothing changed
  CHECK(app.open_lesson_text("# Broken\n## S\n@ask Why?\n", "broken.md") == "broken.md line 3: @ask without @answer");
  CHECK(app.notice == "the lesson file was refused: broken.md line 3: @ask without @answer");
  CHECK(app.state_object()["lesson"]["error"] == "broken.md line 3: @ask without @answer");
  // a lesson whose preset does not exist is refused before anything applies
  CHECK_FALSE(app.open_lesson_text("# P\npreset: nope\n## S\n", "p.md").empty());
  CHECK_FALSE(app.open_lesson_text("# P\nsettings: training.learning_rate=-1\n## S\n", "q.md").empty());
  CHECK_FALSE(app.lessons.is_open());
  CHECK(app.weights_hash() == h);
  CHECK(app.settings_query() == settings);
  CHECK(plat.cleared == 0);
  // a good file opens at its first step; its preset leaves the trained model in place
  CHECK(app.open_lesson_text(kAppLesson, "mine.md") == "");
  CHECK(app.lessons.lesson().id == "mine");
  CHECK(app.weights_hash() == h);
  CHECK(app.history().size() == 1);
}

TEST_CASE("the desktop opens a lesson file with --lesson", "[lessons][app]") {
  CHECK(parse_options({"--lesson", "my.md"}).lesson == "my.md");
  CHECK_THROWS_WITH(parse_options({"--lesson"}), "--lesson needs a value");
}

TEST_CASE("every shipped lesson's preset and settings apply in the App", "[lessons][app]") {
  App app;
  app.load_lessons(BPL_LESSONS_DIR);
  REQUIRE_FALSE(app.lessons.shipped.empty());
  for (const Lesson& l : app.lessons.shipped) {
    INFO(l.id);
    CHECK(app.open_lesson(l.id, 0) == "");
    CHECK(app.lessons.is_open());
    CHECK(app.validation() == "");
    app.close_lesson();
  }
}
