// The training session through the App, as the Training panel drives it: start, pause, step,
// reset; the run state derived from the engine Trainer's; the weights version.
#include "app_test_helpers.h"

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

TEST_CASE("a fresh app has no data and is idle, data arrive as four IDX files", "[app][session]") {
  App app;
  CHECK_FALSE(app.data_ready());
  CHECK(app.state() == RunState::Idle);
  std::vector<uint8_t> img, lab;
  synthetic_idx(50, 1, img, lab);
  app.receive_idx(0, img.data(), img.size(), "a");
  app.receive_idx(1, lab.data(), lab.size(), "b");
  app.receive_idx(2, img.data(), img.size(), "c");
  CHECK_FALSE(app.data_ready());  // three of four
  app.receive_idx(3, lab.data(), lab.size(), "d");
  REQUIRE(app.data_ready());
  CHECK(app.train_data().size() == 50);
  CHECK(app.data_status == "50 training and 50 test images");
}

TEST_CASE("a bad IDX file is refused and the current data stay", "[app][session]") {
  App app;
  give_synthetic_data(app, 120, 40);
  const std::vector<uint8_t> junk = {1, 2, 3, 4, 5};
  app.receive_idx(0, junk.data(), junk.size(), "junk");
  CHECK(app.data_status.rfind("refused: ", 0) == 0);
  CHECK(app.train_data().size() == 120);
  CHECK(app.test_data().size() == 40);
}

TEST_CASE("start trains epochs, records each with its test evaluation, and ends done", "[app][session]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.start();
  REQUIRE(app.state() == RunState::Running);
  CHECK(app.trainer() != nullptr);
  train_until_stopped(app);
  CHECK(app.state() == RunState::Done);
  REQUIRE(app.history().size() == 3);
  for (size_t e = 0; e < app.history().size(); ++e) {
    CHECK(app.history()[e].stats.epoch == static_cast<int>(e) + 1);
    CHECK(std::isfinite(app.history()[e].test_acc));  // the sliced test evaluation filled it in
  }
  CHECK(app.last_test_accuracy() > 0.9);  // the bars are easy to tell apart
  // the report is the last epoch's evaluation
  CHECK(app.report.ready);
  CHECK(app.report.epoch == 3);
  CHECK(app.report.eval.accuracy == Approx(app.last_test_accuracy()));
  CHECK(app.autosave_due());
  // Start after a finished run would begin a fresh one: it asks first (test_keep.cpp has the rest)
  app.start();
  CHECK(app.new_run_question().title == "Discard 3 trained epochs?");
  CHECK(app.history().size() == 3);
  CHECK(app.state() == RunState::Done);
  app.answer_new_run(App::NewRunChoice::Discard);
  CHECK(app.history().empty());
  CHECK(app.state() == RunState::Running);
}

TEST_CASE("pause stops training where it is, start resumes it", "[app][session]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.start();
  app.tick(1.0);
  app.pause();
  CHECK(app.state() == RunState::Paused);
  const long batches = app.batches_run();
  CHECK(batches > 0);
  app.tick(5.0);  // a paused session does not train
  CHECK(app.batches_run() == batches);
  app.start();
  CHECK(app.state() == RunState::Running);
  for (int i = 0; i < 10 && app.batches_run() == batches; ++i) app.tick(1.0);  // past an epoch's evaluation
  CHECK(app.batches_run() > batches);
}

TEST_CASE("step batch runs one mini-batch, step epoch runs to the end of the epoch", "[app][session]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  const uint64_t v0 = app.weights_version();
  const uint64_t h0 = app.weights_hash();
  app.step_batch();
  CHECK(app.batches_run() == 1);
  CHECK(app.state() == RunState::Paused);
  CHECK(app.weights_version() > v0);
  CHECK(app.weights_hash() != h0);
  app.step_epoch();
  CHECK(app.state() == RunState::Running);
  train_until_stopped(app);
  CHECK(app.state() == RunState::Paused);
  REQUIRE(app.history().size() == 1);
  CHECK(app.trainer()->epoch() == 1);
}

TEST_CASE("reset brings back the initial weights and clears the history", "[app][session]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  const uint64_t h0 = app.weights_hash();
  app.step_epoch();
  train_until_stopped(app);
  REQUIRE(app.weights_hash() != h0);
  const uint64_t v = app.weights_version();
  app.reset();
  CHECK(app.state() == RunState::Idle);
  CHECK(app.history().empty());
  CHECK(app.batches_run() == 0);
  CHECK(app.weights_hash() == h0);  // the same init seed
  CHECK(app.weights_version() > v);
}

TEST_CASE("a diverging run stops, paused, with the trainer's message", "[app][session]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.optimizer.lr = 10.0;  // the largest allowed: explodes within the first batches
  app.revalidate();
  REQUIRE(app.validation().empty());
  app.start();
  train_until_stopped(app);
  CHECK(app.trainer()->state() == TrainState::Diverged);
  CHECK(app.state() == RunState::Paused);  // not Done: it can resume from the last good epoch
  CHECK_FALSE(app.message().empty());
}

TEST_CASE("invalid settings keep the app from training and say why", "[app][session]") {
  App app;
  give_synthetic_data(app);
  app.layers_text = "dense(16), relu, dense(7)";
  app.revalidate();
  CHECK_FALSE(app.validation().empty());
  app.start();
  CHECK(app.state() == RunState::Idle);
  CHECK(app.message().rfind("cannot train: ", 0) == 0);
  App empty;
  empty.start();
  CHECK(empty.message() == "the data are still loading");
}

TEST_CASE("the weights version moves with every change of the weights, and only then", "[app][session][version]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  uint64_t v = app.weights_version();
  auto bumped = [&]() {
    const bool b = app.weights_version() != v;
    v = app.weights_version();
    return b;
  };
  // things that do not change the weights
  app.revalidate();
  (void)app.settings_query();
  app.report_run();  // builds the trainer for the current model: same weights
  CHECK_FALSE(bumped());
  app.inspect_update();
  app.pad_paint(100, 60, 120, 220);
  app.pad_update();
  CHECK(app.pad_teach(4).empty());
  CHECK_FALSE(bumped());
  // a training step
  app.step_batch();
  CHECK(bumped());
  // training for a frame
  app.start();
  app.tick(2.0);
  CHECK(bumped());
  app.pause();
  CHECK_FALSE(bumped());
  // a stepper update applied
  REQUIRE(app.stepper_capture(0, 1));
  CHECK_FALSE(bumped());
  app.stepper_apply();
  CHECK(bumped());
  // reset, and a new layer list
  app.reset();
  CHECK(bumped());
  app.layers_text = "dense(8), tanh, dense(10)";
  app.revalidate();
  app.step_batch();
  CHECK(bumped());
  CHECK(app.model().spec() == app.preview_model().spec());
  // loading a model
  const std::vector<uint8_t> bytes = app.save_model_bytes();
  CHECK_FALSE(bumped());
  REQUIRE(app.load_model_bytes(bytes.data(), bytes.size(), "m.bplm").empty());
  CHECK(bumped());
}

// Issue 15: a file saved in the middle of a run (inside an epoch) and loaded into another app
// continues that run exactly: the same weights, bit for bit, as the run that never stopped.
TEST_CASE("a model file saved mid-epoch continues the run exactly in another app", "[app][session][resume]") {
  for (const OptimizerKind kind : {OptimizerKind::Momentum, OptimizerKind::Adam}) {
    auto setup = [&](App& app) {
      give_synthetic_data(app);
      small_model(app, "dense(24), relu, dropout(0.3), dense(10)");
      app.cfg.train.optimizer.kind = kind;
      app.cfg.train.optimizer.lr = kind == OptimizerKind::Adam ? 0.003 : 0.05;
      app.cfg.train.optimizer.momentum = 0.9;
      app.cfg.train.seed = 11;
      app.revalidate();
      app.reset();
    };
    // the run that never stops
    App whole;
    setup(whole);
    whole.start();
    train_until_stopped(whole);
    REQUIRE(whole.state() == RunState::Done);
    REQUIRE(whole.history().size() == 3);

    // the same run, saved after one epoch and a few batches, loaded into a new app, continued
    App first;
    setup(first);
    first.step_epoch();
    train_until_stopped(first);
    for (int i = 0; i < 5; ++i) first.step_batch();
    while (first.state() == RunState::Running) first.tick(5.0);
    REQUIRE(first.history().size() == 1);
    REQUIRE(first.batches_run() > 0);
    const std::vector<uint8_t> file = first.save_model_bytes();

    App second;
    give_synthetic_data(second);
    REQUIRE(second.load_model_bytes(file.data(), file.size(), "mid-run.bplm").empty());
    CHECK(second.cfg.train.optimizer.kind == kind);
    CHECK(second.cfg.train.seed == 11);
    second.start();
    train_until_stopped(second);
    INFO(second.message());
    CHECK(second.message().find("could not continue") == std::string::npos);
    REQUIRE(second.history().size() == 3);
    CHECK(second.history().back().stats.epoch == 3);
    const std::vector<Matrix> a = weights_of(whole), b = weights_of(second);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
    CHECK(second.history().back().stats.train_loss == whole.history().back().stats.train_loss);
  }
}

TEST_CASE("a run saved mid-epoch and loaded over other data says it cannot continue the epoch, and trains",
          "[app][session][resume]") {
  App first;
  give_synthetic_data(first);
  small_model(first);
  for (int i = 0; i < 3; ++i) first.step_batch();
  while (first.state() == RunState::Running) first.tick(5.0);
  const std::vector<uint8_t> file = first.save_model_bytes();
  App other;
  give_synthetic_data(other, 200, 50);  // another training set: the saved epoch order does not fit
  REQUIRE(other.load_model_bytes(file.data(), file.size(), "mid-run.bplm").empty());
  const uint64_t h = other.weights_hash();
  other.step_batch();
  while (other.state() == RunState::Running) other.tick(5.0);
  CHECK(other.message().find("could not continue") != std::string::npos);
  CHECK(other.weights_hash() != h);  // it trained all the same
}
