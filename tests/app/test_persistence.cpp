// Saving, loading, links and the platform calls, through the App with a recording platform.
#include "app_test_helpers.h"

#include "io/model_file.h"

#include <nlohmann/json.hpp>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

TEST_CASE("a saved model loads back with its weights, history and optimizer steps", "[app][persist]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = 2;
  app.start();
  train_until_stopped(app);
  REQUIRE(app.history().size() == 2);
  const uint64_t h = app.weights_hash();
  const long steps = app.trainer()->optimizer().steps();
  const std::vector<uint8_t> bytes = app.save_model_bytes();
  app.reset();
  REQUIRE(app.weights_hash() != h);
  REQUIRE(app.load_model_bytes(bytes.data(), bytes.size(), "run.bplm").empty());
  CHECK(app.weights_hash() == h);
  CHECK(app.history().size() == 2);
  CHECK(app.state() == RunState::Paused);
  CHECK(app.cfg.preset == "loaded");
  CHECK(app.layers_text == app.model().spec());
  CHECK(app.notice == "loaded run.bplm (2 epochs trained on MNIST)");
  // training goes on from there: epochs count on, the optimizer keeps its step count
  app.step_batch();
  CHECK(app.trainer()->optimizer().steps() == steps + 1);
  app.step_epoch();
  train_until_stopped(app);
  CHECK(app.history().back().stats.epoch == 3);
}

TEST_CASE("a bad model file leaves the model, settings and history untouched", "[app][persist]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.step_epoch();
  train_until_stopped(app);
  const uint64_t h = app.weights_hash(), v = app.weights_version();
  const std::string layers = app.layers_text;
  const std::vector<uint8_t> good = app.save_model_bytes();
  SECTION("garbage") {
    const std::vector<uint8_t> junk(100, 0x42);
    CHECK_FALSE(app.load_model_bytes(junk.data(), junk.size(), "junk.bplm").empty());
  }
  SECTION("truncated") {
    CHECK_FALSE(app.load_model_bytes(good.data(), good.size() / 2, "half.bplm").empty());
  }
  SECTION("a model for other inputs") {
    Model other = Model::from_text("dense(10)", Shape{1, 8, 8}, 1);
    const std::vector<uint8_t> bytes = serialize_model(other, app.normalizer(), nullptr);
    const std::string err = app.load_model_bytes(bytes.data(), bytes.size(), "small.bplm");
    CHECK(err.find("this app needs 1×28×28 → 10") != std::string::npos);
  }
  CHECK(app.notice.rfind("could not load ", 0) == 0);
  CHECK(app.weights_hash() == h);
  CHECK(app.weights_version() == v);
  CHECK(app.layers_text == layers);
  CHECK(app.history().size() == 1);
}

TEST_CASE("an untrained model loads idle, no model loads while training runs", "[app][persist]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  const std::vector<uint8_t> bytes = app.save_model_bytes();
  // a model without history loads idle (nothing trained yet)
  REQUIRE(app.load_model_bytes(bytes.data(), bytes.size(), "m.bplm").empty());
  CHECK(app.state() == RunState::Idle);
  app.start();
  CHECK(app.load_model_bytes(bytes.data(), bytes.size(), "m.bplm") == "pause training before loading a model");
}

TEST_CASE("the settings link round-trips every setting it carries", "[app][persist][link]") {
  App app;
  app.apply_preset("r2-cnn");
  app.cfg.train.optimizer.lr = 0.0123;
  app.cfg.train.batch = 48;
  app.cfg.train.seed = 99;
  app.cfg.init_seed = 5;
  app.val_percent = 20;
  app.layers_text = "conv(4, 3), relu, maxpool(2), flatten, dense(10)";
  const std::string q = app.settings_query();
  App other;
  REQUIRE(other.apply_settings_query(q).empty());
  CHECK(other.settings_query() == q);
  CHECK(other.layers_text == app.layers_text);
  CHECK(other.cfg.train.optimizer.lr == Approx(0.0123));
  CHECK(other.cfg.train.batch == 48);
  CHECK(other.cfg.init_seed == 5);
  CHECK(other.val_percent == 20);
  CHECK(other.notice == "settings from the link applied");
  // '#' or '?' in front is the page's address
  App third;
  REQUIRE(third.apply_settings_query("#" + q).empty());
  CHECK(third.settings_query() == q);
}

TEST_CASE("a bad link changes nothing: all or nothing", "[app][persist][link]") {
  App app;
  const std::string before = app.settings_query();
  CHECK_FALSE(app.apply_settings_query("training.learning_rate=0.5&nonsense.key=1").empty());
  CHECK(app.settings_query() == before);
  CHECK(app.notice.rfind("the link's settings were ignored: ", 0) == 0);
  CHECK_FALSE(app.apply_settings_query("model.layers=dense(7)").empty());
  CHECK(app.settings_query() == before);
  CHECK(app.apply_settings_query("").empty());  // no link: nothing to do
  // a link without a preset is "custom"
  REQUIRE(app.apply_settings_query("training.learning_rate=0.25").empty());
  CHECK(app.cfg.preset == "custom");
  CHECK(app.cfg.train.optimizer.lr == Approx(0.25));
}

TEST_CASE("the app asks its platform for files, links and storage", "[app][platform]") {
  FakePlatform fake;
  App app(&fake);
  give_synthetic_data(app);
  small_model(app);
  app.step_batch();
  SECTION("save the model: the platform gets a loadable file") {
    app.download_model();
    REQUIRE(fake.calls == std::vector<std::string>{"download backprop-lab-model.bplm"});
    LoadedModel l = deserialize_model(fake.downloaded.data(), fake.downloaded.size());
    CHECK(l.model.weights_hash() == app.weights_hash());
    CHECK(l.extras.has_optimizer);
  }
  SECTION("not while training") {
    app.start();
    app.download_model();
    app.pick_model_file();
    CHECK(fake.calls.empty());
  }
  SECTION("share the settings") {
    app.share_settings_link();
    CHECK(fake.shared_query == app.settings_query());
  }
  SECTION("a data set from the menu carries its name") {
    app.choose_dataset(App::data_choices()[2]);
    CHECK(fake.calls == std::vector<std::string>{"dataset fashion-train-10k"});
    CHECK(app.pending_dataset_name == "Fashion-MNIST");
    app.pick_data_files();
    CHECK(app.pending_dataset_name == "your files");
    CHECK(fake.calls.back() == "pick data");
  }
  SECTION("autosave when an epoch or a pause makes it due") {
    app.autosave_if_due();
    CHECK(fake.calls.empty());  // a step batch does not
    app.start();
    app.tick(1.0);
    app.pause();
    REQUIRE(app.autosave_due());
    app.autosave_if_due();
    REQUIRE(fake.calls == std::vector<std::string>{"autosave"});
    CHECK_FALSE(app.autosave_due());
    CHECK(fake.stored_query == app.settings_query());
    const std::string epochs = std::to_string(app.history().size()) + " epoch(s) trained · test accuracy ";
    CHECK(fake.stored_summary.rfind(app.layers_text + " · " + epochs, 0) == 0);
    CHECK(deserialize_model(fake.stored.data(), fake.stored.size()).model.spec() == app.model().spec());
  }
  SECTION("the restore offer and the learner's answer") {
    app.set_runs_json(R"J([{"id":"run-1","name":"older","saved":1000},{"id":"run-2","name":"newer","saved":2000}])J");
    app.offer_restore("dense(16) · 3 epoch(s)");
    CHECK(app.restore_offer() == "dense(16) · 3 epoch(s)");
    app.answer_restore(true);
    CHECK(app.restore_offer().empty());
    CHECK(fake.calls == std::vector<std::string>{"open run-2"});  // the newest run opens
  }
  SECTION("start fresh deletes nothing") {
    app.set_runs_json(R"J([{"id":"run-1","name":"saved","saved":1000}])J");
    app.offer_restore("dense(16) · 3 epoch(s)");
    app.answer_restore(false);
    CHECK(app.restore_offer().empty());
    CHECK(fake.calls.empty());
    CHECK(app.runs.all().size() == 1);
    CHECK(app.notice.find("stays in File → Runs") != std::string::npos);
  }
  SECTION("a platform without pickers, links or storage is not asked for them") {
    fake.pickers = fake.links = fake.storage = false;
    app.pick_model_file();
    app.pick_data_files();
    app.share_settings_link();
    app.autosave_now();
    CHECK(fake.calls.empty());
  }
}

TEST_CASE("the state JSON keeps the keys the browser tests read", "[app][json]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  REQUIRE(app.stepper_capture(0, 1));
  const std::string j = app.state_json();
  for (const char* key : {"state",
                          "data_ready",
                          "data_status",
                          "dataset",
                          "train_size",
                          "test_size",
                          "preset",
                          "layers",
                          "params",
                          "validation",
                          "message",
                          "batches",
                          "images_seen",
                          "epoch",
                          "train_seconds",
                          "test_accuracy",
                          "val_accuracy",
                          "train_loss",
                          "fps",
                          "frame_p50_ms",
                          "frame_p95_ms",
                          "train_budget_ms",
                          "ui_ms",
                          "images_per_sec",
                          "draw_vertices",
                          "draw_commands",
                          "theme",
                          "lr",
                          "batch_size",
                          "optimizer",
                          "history_epochs",
                          "notice",
                          "restore_offer",
                          "weights_hash",
                          "ui_scale",
                          "view",
                          "pad",
                          "report",
                          "experiments",
                          "stepper",
                          "op",
                          "ops",
                          "kind",
                          "layer",
                          "layer_type",
                          "title",
                          "equation",
                          "loss_before",
                          "loss_after",
                          "sample",
                          "batch",
                          "label",
                          "drawn",
                          "predicted",
                          "edits",
                          "applied",
                          "playing",
                          "checks",
                          "weights_version"})
    CHECK(j.find(std::string("\"") + key + "\":") != std::string::npos);
  CHECK(j.find("\"state\":\"idle\"") != std::string::npos);
}

TEST_CASE("a link with invalid UTF-8 is refused and the state stays readable JSON", "[app][persist]") {
  App app;
  // %FF and %C3%28 are not UTF-8; the refusal quotes the bad key or value back
  const std::string why = app.apply_settings_query("model.preset=%FF%FE&%C3%28=1");
  CHECK_FALSE(why.empty());
  std::string s;
  REQUIRE_NOTHROW(s = app.state_json());
  CHECK_NOTHROW(nlohmann::json::parse(s));
  app.set_notice("bad bytes: \xff\xfe");
  REQUIRE_NOTHROW(s = app.state_json());
  const nlohmann::json j = nlohmann::json::parse(s);  // throws on invalid UTF-8 too
  // invalid bytes become U+FFFD (the replacement character), the rest is kept
  CHECK(j["notice"].get<std::string>() == "bad bytes: \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("a link that names only a preset opens as that preset, with its validation share", "[app][persist]") {
  App app;
  give_synthetic_data(app);
  REQUIRE(app.apply_settings_query("#model.preset=r0-lenet5").empty());
  CHECK(app.cfg.preset == "r0-lenet5");
  CHECK(app.val_percent == 20);  // R0 validates on 20%
  REQUIRE(app.apply_settings_query("model.preset=r2-mlp").empty());
  CHECK(app.cfg.preset == "r2-mlp");
}
