// The backprop stepper through the App: capture a step, move through it, apply it.
#include "app_test_helpers.h"

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {

// the trace's tensor of kind "grad" for parameter p (its ∂L/∂θ)
const TraceTensor* grad_of(const Trace& tr, int p) {
  for (const TraceTensor& t : tr.tensors())
    if (t.param == p && t.name.rfind("∂L/∂", 0) == 0) return &t;
  return nullptr;
}

}  // namespace

TEST_CASE("the stepper traces one step on a test image without touching the model", "[app][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  const uint64_t h0 = app.weights_hash();
  REQUIRE(app.stepper_capture(5, 1));
  const StepperState& st = app.stepper;
  CHECK(st.sample == 5);
  CHECK(st.batch == 1);
  CHECK(st.trace.labels()[0] == app.test_data().labels[5]);
  CHECK(st.predicted.size() == 1);
  CHECK(st.op == 0);
  CHECK_FALSE(st.stale(app.session()));
  CHECK(app.weights_hash() == h0);
  // batches are clamped to 1…8 and to the test set
  REQUIRE(app.stepper_capture(app.test_data().size() - 1, 20));
  CHECK(st.batch == 8);
  CHECK(st.sample == app.test_data().size() - 8);
}

TEST_CASE("the stepper's cursor, playback and selection", "[app][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  REQUIRE(app.stepper_capture(0, 2));
  StepperState& st = app.stepper;
  const int n = static_cast<int>(st.trace.ops().size());
  REQUIRE(n > 4);
  app.stepper_set_op(n + 10);
  CHECK(st.op == n - 1);
  app.stepper_set_op(-3);
  CHECK(st.op == 0);
  // playing at 4 operations per second: one second moves 4 operations on
  st.set_speed(4.0f);
  st.toggle_play();
  CHECK(st.playing);
  app.stepper_tick(1000.0);
  CHECK(st.op == 4);
  app.stepper_tick(1e6);  // stops at the last operation
  CHECK(st.op == n - 1);
  CHECK_FALSE(st.playing);
  st.toggle_play();  // from the end, playing starts over
  CHECK(st.op == 0);
  CHECK(st.playing);
  // select a value, edit it (what-if), undo the edit
  const int input = st.trace.input_tensor();
  st.select(input, 1, 300);
  CHECK(st.edit_value == st.trace.tensor(input).at(1, 300));
  const double loss = st.trace.loss_before();
  const uint64_t version = st.version;
  st.set_edit_value(st.edit_value + 5.0f);
  st.edit_selected();
  CHECK(st.trace.edit_count() == 1);
  CHECK(st.version > version);
  CHECK(st.trace.loss_before() != loss);
  st.undo_edits();
  CHECK(st.trace.edit_count() == 0);
  CHECK(st.trace.loss_before() == loss);
  st.check_selected();
  REQUIRE(st.checks.size() == 1);
  CHECK(st.checks[0].agrees);
}

TEST_CASE("applying the stepper's update changes the model by exactly the traced step", "[app][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);  // plain SGD: θ ← θ − η ∂L/∂θ
  app.step_batch();
  REQUIRE(app.stepper_capture(3, 4));
  const Trace& tr = app.stepper.trace;
  const std::vector<Matrix> before = weights_of(app);
  const double lr = app.cfg.train.optimizer.lr;
  std::vector<Matrix> expected;
  for (size_t p = 0; p < before.size(); ++p) {
    const TraceTensor* g = grad_of(tr, static_cast<int>(p));
    REQUIRE(g != nullptr);
    expected.push_back(before[p] - static_cast<float>(lr) * g->data);
  }
  const long steps = app.trainer()->optimizer().steps();
  const uint64_t version = app.weights_version();
  app.stepper_apply();
  const std::vector<Matrix> after = weights_of(app);
  REQUIRE(after.size() == expected.size());
  for (size_t p = 0; p < after.size(); ++p) CHECK((after[p] - expected[p]).cwiseAbs().maxCoeff() < 1e-6f);
  CHECK(app.trainer()->optimizer().steps() == steps + 1);
  CHECK(app.weights_version() > version);
  CHECK(app.stepper.applied == 1);
  CHECK(app.stepper.message.rfind("applied: ", 0) == 0);
  // the stepper traced again, on the new weights
  CHECK_FALSE(app.stepper.stale(app.session()));
  CHECK(app.stepper.sample == 3);
  CHECK(app.autosave_due());
}

TEST_CASE("the stepper goes stale when the weights move, and refreshes", "[app][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  REQUIRE(app.stepper_capture(0, 1));
  const double loss = app.stepper.trace.loss_before();
  app.step_batch();
  CHECK(app.stepper.stale(app.session()));
  REQUIRE(app.stepper_refresh());
  CHECK_FALSE(app.stepper.stale(app.session()));
  CHECK(app.stepper.trace.loss_before() != loss);
}

TEST_CASE("the stepper refuses while training runs, and without data", "[app][stepper]") {
  App none;
  CHECK_FALSE(none.stepper_capture(0, 1));
  CHECK(none.stepper.message == "the data are still loading");
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.start();
  CHECK_FALSE(app.stepper_capture(0, 1));
  CHECK(app.stepper.message.rfind("pause training", 0) == 0);
}

TEST_CASE("the stepper finds the next misclassified test image", "[app][stepper]") {
  App app;
  give_synthetic_data(app);
  small_model(app);  // untrained: most images are wrong
  REQUIRE(app.stepper_capture(0, 1));
  REQUIRE(app.stepper_next_misclassified());
  const int s = app.stepper.sample;
  CHECK(s > 0);
  CHECK(app.stepper.predicted[0] != app.test_data().labels[s]);
  app.stepper_random();
  CHECK_FALSE(app.stepper.trace.empty());
}
