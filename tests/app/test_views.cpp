// The drawing pad, the inspector and the report through the App.
#include "app_test_helpers.h"

#include <numeric>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {

// a "3"-ish bar where the synthetic data put digit k's bar, as the learner would draw it
void draw_bar(App& app, int k) {
  app.pad_stroke_begin();
  // canvas pixels are 10 per MNIST pixel; the preprocessing recentres and rescales the ink
  const float y = (2.5f + 2 * k) * 10.0f;
  app.pad_paint(40, y, 240, y);
}

}  // namespace

TEST_CASE("the drawing pad predicts the drawing and teaches it", "[app][pad]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.pad_update();
  CHECK(app.pad.pre.empty);
  CHECK(app.pad.top == -1);
  CHECK(app.pad_teach(3) == "draw a digit first");
  draw_bar(app, 3);
  app.pad_update();
  REQUIRE_FALSE(app.pad.pre.empty);
  REQUIRE(app.pad.probs.size() == 10);
  CHECK(std::accumulate(app.pad.probs.begin(), app.pad.probs.end(), 0.0f) == Approx(1.0f).epsilon(1e-4));
  CHECK(app.pad.top >= 0);
  CHECK(app.pad.saliency.size() == 784);
  // the prediction follows training (the weights version), not only the canvas
  const uint64_t version = app.pad.version;
  app.pad_update();
  CHECK(app.pad.version == version);  // nothing changed: nothing recomputed
  app.step_batch();
  app.pad_update();
  CHECK(app.pad.version > version);
  // teaching adds the drawing to the training images (and to the trainer's epochs)
  const int n = app.train_data().size();
  CHECK(app.pad_teach(11) == "the label must be 0–9");
  CHECK(app.pad_teach(3).empty());
  CHECK(app.train_data().size() == n + 1);
  CHECK(app.train_data().labels.back() == 3);
  CHECK(app.pad.taught == 1);
  CHECK(app.split().train.back() == n);
  CHECK(app.data_status.find("(1 of them drawn here)") != std::string::npos);
  // undo and clear
  app.pad_clear();
  app.pad_update();
  CHECK(app.pad.pre.empty);
  app.pad_undo();
  app.pad_update();
  CHECK_FALSE(app.pad.pre.empty);
}

TEST_CASE("the pad's drawing goes to the stepper with the learner's label", "[app][pad][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  draw_bar(app, 6);
  app.pad_update();
  app.pad_to_stepper(6);
  CHECK(app.view_request == kViewStepper);
  CHECK(app.stepper.drawn == app.pad.pre.pixels);
  CHECK(app.stepper.trace.labels()[0] == 6);
}

TEST_CASE("the inspector shows every layer's output and follows the weights", "[app][inspect]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.inspect_update();
  REQUIRE(app.inspect.acts.size() == static_cast<size_t>(app.model().size()));
  CHECK(app.inspect.probs.size() == 10);
  const uint64_t version = app.inspect.version;
  app.inspect_update();
  CHECK(app.inspect.version == version);
  app.step_batch();
  app.inspect_update();
  CHECK(app.inspect.version == version + 1);
  app.inspect_test_image(7);
  CHECK(app.view_request == kViewInside);
  app.inspect_update();
  CHECK(app.inspect.version == version + 2);
  CHECK(app.inspect.index == 7);
  app.inspect.show_drawing();
  app.inspect_update();
  CHECK(app.inspect.acts.empty());  // nothing drawn yet
}

TEST_CASE("the report evaluates the test split on demand", "[app][report]") {
  App app;
  give_synthetic_data(app, 400, 100);
  small_model(app);
  app.report_run();
  const ReportState& r = app.report;
  REQUIRE(r.ready);
  CHECK(r.epoch == 0);
  CHECK(r.idx.size() == app.split().test.size());
  CHECK(r.at_weights == app.weights_version());
  long total = 0;
  for (int t = 0; t < r.cm.classes; ++t)
    for (int p = 0; p < r.cm.classes; ++p) total += r.cm.at(t, p);
  CHECK(total == static_cast<long>(r.idx.size()));
  for (size_t i = 1; i < r.mistakes.size(); ++i)
    CHECK(r.eval.confidence[r.mistakes[i - 1]] >= r.eval.confidence[r.mistakes[i]]);
  app.report.select_cell(2, 5);
  CHECK(r.sel_truth == 2);
  CHECK(r.sel_pred == 5);
}

TEST_CASE("experiments run a comparison's presets one after another", "[app][experiments]") {
  App app;
  give_synthetic_data(app, 300, 60);
  // R0: MLP and LeNet-5 (R1's MLPs take R1's summed-gradient steps, lr 1.28 on the mean, which the
  // synthetic bars-and-noise images here make diverge)
  app.exp.choose(0);
  app.exp.set_max_epochs(1);
  app.exp.set_max_epochs(1000);
  CHECK(app.exp.max_epochs == 100);
  app.exp.set_max_epochs(1);
  app.start();
  app.experiments_start();
  CHECK(app.state() == RunState::Paused);  // starting pauses the training
  REQUIRE(app.exp.running);
  const size_t presets = app.exp.queue.size();
  REQUIRE(presets > 1);
  for (int i = 0; i < 100000 && app.exp.running; ++i) app.experiments_tick(20.0);
  CHECK(app.exp.message == "done");
  REQUIRE(app.exp.runs.size() == presets);
  for (const ExperimentRun& run : app.exp.runs) CHECK(run.epochs == 1);
}

TEST_CASE("experiments over seeds: each preset runs N times with other seeds, rows give mean ± sd",
          "[app][experiments]") {
  App app;
  give_synthetic_data(app, 300, 60);
  app.exp.choose(0);  // R0: MLP and LeNet-5
  app.exp.set_max_epochs(1);
  app.exp.set_seeds(9);
  CHECK(app.exp.seeds == Experiments::kMaxSeeds);
  app.exp.set_seeds(2);
  app.experiments_start();
  REQUIRE(app.exp.running);
  const size_t queued = app.exp.queue.size();
  REQUIRE(queued == 2 * comparison_presets("r0").size());
  for (int i = 0; i < 100000 && app.exp.running; ++i) app.experiments_tick(20.0);
  CHECK(app.exp.message == "done");
  REQUIRE(app.exp.runs.size() == queued);
  // the same preset twice, seeds +0 and +1: different runs (initialisation and shuffle differ)
  CHECK(app.exp.runs[0].name == app.exp.runs[1].name);
  CHECK(app.exp.runs[0].seed == 0);
  CHECK(app.exp.runs[1].seed == 1);
  const std::vector<SeedRow> rows = app.exp.rows();
  REQUIRE(rows.size() == queued / 2);
  for (size_t k = 0; k < rows.size(); ++k) {
    const ExperimentRun &a = app.exp.runs[2 * k], &b = app.exp.runs[2 * k + 1];
    CHECK(rows[k].run.name == a.name);
    REQUIRE(rows[k].acc.n == 2);
    CHECK(rows[k].acc.mean == Approx((a.test_acc + b.test_acc) / 2));
    CHECK(rows[k].acc.std == Approx(std::abs(a.test_acc - b.test_acc) / std::sqrt(2.0)));
  }
  const nlohmann::json s = nlohmann::json::parse(app.state_json());
  CHECK(s["experiments"]["seeds"] == 2);
  CHECK(s["experiments"]["rows"].size() == rows.size());
  CHECK(s["experiments"]["rows"][0]["n"] == 2);
}
