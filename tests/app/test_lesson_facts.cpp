// The facts the lessons ask about (web/lessons/*.md): the state JSON's values must be the
// engine's own (the Trace's tensors, the Model's summary, the Trainer, the report), so a
// learner's answer is checked against what the engine computed.
#include "app_test_helpers.h"

#include <cmath>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {

nlohmann::json state(App& app) {
  return nlohmann::json::parse(app.state_json());
}

}  // namespace

TEST_CASE("stepper.dz_true is ŷ_y − 1 of the trace's softmax, and the last bias's gradient equals it",
          "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  REQUIRE(app.stepper_capture(3, 1));
  const Trace& tr = app.stepper.trace;
  const int y = tr.labels()[0];
  const float p = tr.tensor(tr.probs_tensor()).at(0, y);  // ŷ_y as the loss op wrote it
  const nlohmann::json s = state(app)["stepper"];
  CHECK(s["true_prob"].get<double>() == Approx(p));
  CHECK(s["dz_true"].get<double>() == Approx(p - 1.0).margin(1e-6));  // (ŷ − y)/B with B = 1
  CHECK(s["dz_true"].get<double>() < 0);
  // z = W a + b: ∂L/∂b_y = ∂L/∂z_y
  CHECK(s["bias_grad"].get<double>() == Approx(s["dz_true"].get<double>()).margin(1e-6));
  CHECK(s["bias_grad_sign"] == "negative");
  CHECK(s["loss_change"].get<double>() == Approx(tr.loss_after() - tr.loss_before()));
  CHECK(s["checks_agree"] == false);  // no checks run yet
  app.stepper.check_some();
  CHECK(state(app)["stepper"]["checks_agree"] == true);
}

TEST_CASE("stepper.dz_true divides by the batch: (ŷ_y − 1)/B for sample 0 of a batch of 4", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  REQUIRE(app.stepper_capture(0, 4));
  const Trace& tr = app.stepper.trace;
  const float p = tr.tensor(tr.probs_tensor()).at(0, tr.labels()[0]);
  CHECK(state(app)["stepper"]["dz_true"].get<double>() == Approx((p - 1.0) / 4).margin(1e-6));
}

TEST_CASE("model.layers gives each layer's output shape and parameter count from the Model's summary",
          "[app][lessons]") {
  App app;
  app.apply_preset("r0-mlp");
  nlohmann::json m = state(app)["model"];
  CHECK(m["params"] == 101770);  // 784·128 + 128 + 128·10 + 10, R0's MLP
  REQUIRE(m["layers"].size() == 3);
  CHECK(m["layers"][0]["params"] == 100480);
  CHECK(m["layers"][2]["params"] == 1290);
  CHECK(m["layers"][2]["out_c"] == 10);
  app.apply_preset("r1-cnn-k7-improved");  // valid 7×7 convolution: 28 − 7 + 1 = 22
  m = state(app)["model"];
  CHECK(m["layers"][0]["out_w"] == 22);
  CHECK(m["layers"][0]["out_h"] == 22);
  CHECK(m["layers"][0]["output"] == "1×22×22");
  CHECK(m["layers"][0]["params"] == 50);
  CHECK(m["layers"][3]["params"] == 22 * 22 * 10 + 10);
  app.apply_preset("r0-lenet5");
  CHECK(state(app)["model"]["layers"][0]["params"] == 156);  // 6·5·5 + 6
}

TEST_CASE("model.same_layers: the trained model is the one the settings describe", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = 1;
  app.start();
  train_until_stopped(app);
  CHECK(state(app)["model"]["same_layers"] == true);
  app.set_layers_text("dense(8), relu, dense(10)");  // the trained model stays until a new run
  CHECK(state(app)["model"]["same_layers"] == false);
  CHECK(state(app)["epoch"] == 1);
  app.set_layers_text("dense(16), relu, dense(10)");
  CHECK(state(app)["model"]["same_layers"] == true);
}

TEST_CASE("history, split and trainer facts follow the training", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = 2;
  app.start();
  train_until_stopped(app);
  const nlohmann::json j = state(app);
  REQUIRE(j["history"].size() == 2);
  CHECK(j["history"][1]["epoch"] == 2);
  CHECK(j["history"][1]["val_acc"].get<double>() == Approx(app.history()[1].stats.val_acc));
  CHECK(j["history"][1]["train_loss"].get<double>() == Approx(app.history()[1].stats.train_loss));
  CHECK(j["split"]["train"] == 360);  // 400 − 10% validation
  CHECK(j["split"]["val"] == 40);
  CHECK(j["trainer"]["state"] == "done");
}

TEST_CASE("a preset's data.subset is the app's training set too (R4's 1,000 images)", "[app][lessons]") {
  App app;
  give_synthetic_data(app, 1200, 100);
  app.apply_preset("r4-lenet5");
  app.cfg.train.epochs = 1;
  app.start();
  const nlohmann::json j = state(app);
  CHECK(j["split"]["train"] == 900);  // 1,000 − 10% validation
  CHECK(j["split"]["val"] == 100);
}

TEST_CASE("a learning rate that diverges: trainer.state says so and the message explains", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.optimizer.lr = 10.0;
  app.start();
  train_until_stopped(app);
  const nlohmann::json t = state(app)["trainer"];
  CHECK(t["state"] == "diverged");
  CHECK(t["message"].get<std::string>().find("rolled back") != std::string::npos);
}

TEST_CASE("the report's per-class metrics and counts, and the selected cell's count", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.start();
  train_until_stopped(app);
  app.report_run();
  app.report.select_cell(4, 9);
  const nlohmann::json r = state(app)["report"];
  REQUIRE(r["ready"] == true);
  REQUIRE(r["recall"].size() == 10);
  long row4 = 0;
  for (int p = 0; p < 10; ++p) row4 += r["confusion"][4][p].get<long>();
  CHECK(r["support"][4] == row4);
  if (row4 > 0) CHECK(r["recall"][4].get<double>() == Approx(r["confusion"][4][4].get<double>() / row4));
  CHECK(r["precision"][9].get<double>() == Approx(app.report.rep.precision[9]));
  CHECK(r["sel_count"] == app.report.cm.at(4, 9));
}

TEST_CASE("experiments: the comparison's name, the improved variants and epochs per run", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  app.exp.choose(2);
  app.exp.set_improved(true);
  app.exp.set_max_epochs(1);
  nlohmann::json e = state(app)["experiments"];
  CHECK(e["comparison"] == "r1-cnn");
  CHECK(e["improved"] == true);
  CHECK(e["max_epochs"] == 1);
  app.experiments_start();
  REQUIRE(app.exp.queue.size() == 5);
  CHECK(app.exp.queue.back().preset == "r1-cnn-k3-improved");  // popped from the back: k = 3 runs first
  app.experiments_stop();
  app.exp.choose(5);
  CHECK(state(app)["experiments"]["comparison"] == "r4");
}

TEST_CASE("pad.disagrees: the teach label is not the network's guess", "[app][lessons]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  CHECK(state(app)["pad"]["disagrees"] == false);  // nothing drawn
  app.pad_stroke_begin();
  app.pad_paint(10, 5, 10, 22);
  app.pad_update();
  REQUIRE(app.pad.top >= 0);
  app.pad.set_teach_label(app.pad.top);
  CHECK(state(app)["pad"]["disagrees"] == false);
  app.pad.set_teach_label((app.pad.top + 1) % 10);
  CHECK(state(app)["pad"]["disagrees"] == true);
  CHECK(state(app)["pad"]["teach_label"] == (app.pad.top + 1) % 10);
}
