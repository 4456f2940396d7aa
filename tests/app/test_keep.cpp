// Nothing a learner made is lost (issue 13, point 4): editing settings and switching data keep
// the trained model until a new run is confirmed; Reset can be undone; the Runs list keeps the
// last runs, evicting the oldest only after a newer one is safely stored.
#include "app_test_helpers.h"

#include "io/model_file.h"

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {

// an App with a small model trained for `epochs` epochs on synthetic data
void trained(App& app, int epochs = 2) {
  give_synthetic_data(app);
  small_model(app);
  app.cfg.train.epochs = epochs;
  app.start();
  train_until_stopped(app);
  REQUIRE(app.history().size() == static_cast<size_t>(epochs));
}

std::vector<uint8_t> idx_bytes(int count, uint64_t seed, bool labels) {
  std::vector<uint8_t> img, lab;
  synthetic_idx(count, seed, img, lab);
  return labels ? lab : img;
}

}  // namespace

TEST_CASE("typing in the Layers box keeps the trained model until a new run is confirmed", "[app][keep]") {
  App app;
  trained(app);
  const uint64_t h = app.weights_hash();
  const std::string preset = app.cfg.preset;
  SECTION("a space that keeps the same layers is not even a change") {
    app.set_layers_text(app.layers_text + " ");
    CHECK(app.cfg.preset == preset);
    CHECK(app.weights_hash() == h);
    CHECK(app.new_run_reason(App::NewRunAction::StepEpoch).empty());
    app.step_epoch();  // not a new run: training goes on
    CHECK_FALSE(app.new_run_asked());
    train_until_stopped(app);
    CHECK(app.history().size() == 3);
  }
  SECTION("other layers: the model stays, Start asks, Cancel keeps everything") {
    app.set_layers_text("dense(32), relu, dense(10)");
    CHECK(app.cfg.preset == "custom");
    CHECK(app.weights_hash() == h);
    CHECK(app.history().size() == 2);
    // the views still show the trained model
    REQUIRE(app.stepper_capture(0, 1));
    CHECK(app.weights_hash() == h);
    CHECK(app.model().spec() == "dense(16), relu, dense(10)");
    app.start();
    CHECK(app.new_run_question().title == "Discard 2 trained epochs?");
    CHECK(app.new_run_question().why.find("dense(32)") != std::string::npos);
    CHECK(app.state() != RunState::Running);
    CHECK(app.weights_hash() == h);
    app.answer_new_run(App::NewRunChoice::Cancel);
    CHECK_FALSE(app.new_run_asked());
    CHECK(app.weights_hash() == h);
    CHECK(app.history().size() == 2);
    // Step batch asks too
    app.step_batch();
    CHECK(app.new_run_asked());
    CHECK(app.weights_hash() == h);
    app.answer_new_run(App::NewRunChoice::Cancel);
    CHECK(app.weights_hash() == h);
  }
  SECTION("Discard starts the new run with the new layers") {
    app.set_layers_text("dense(32), relu, dense(10)");
    app.start();
    app.answer_new_run(App::NewRunChoice::Discard);
    CHECK(app.state() == RunState::Running);
    CHECK(app.model().spec() == "dense(32), relu, dense(10)");
    CHECK(app.history().empty());
  }
  SECTION("Save keeps the model in the Runs list, then starts") {
    FakePlatform fake;
    app.set_platform(&fake);
    app.set_layers_text("dense(32), relu, dense(10)");
    app.start();
    app.answer_new_run(App::NewRunChoice::Save);
    REQUIRE(fake.calls == std::vector<std::string>{"autosave"});
    const LoadedModel saved = deserialize_model(fake.stored.data(), fake.stored.size());
    CHECK(saved.model.spec() == "dense(16), relu, dense(10)");
    CHECK(saved.extras.history.size() == 2);
    CHECK(app.state() == RunState::Running);
    CHECK(app.model().spec() == "dense(32), relu, dense(10)");
    // the new run is another record: the saved one is not overwritten by the next autosave
    app.run_stored(fake.stored_id, true, "");
    const std::string first = fake.stored_id;
    app.tick(2.0);
    app.pause();
    app.autosave_now();
    CHECK(fake.stored_id != first);
  }
  SECTION("without browser storage, Save downloads the model") {
    FakePlatform fake;
    fake.storage = false;
    app.set_platform(&fake);
    app.set_layers_text("dense(32), relu, dense(10)");
    app.start();
    app.answer_new_run(App::NewRunChoice::Save);
    REQUIRE(fake.calls.size() == 1);
    CHECK(fake.calls[0].rfind("download ", 0) == 0);
    CHECK(deserialize_model(fake.downloaded.data(), fake.downloaded.size()).model.spec() ==
          "dense(16), relu, dense(10)");
  }
}

TEST_CASE("an untrained model follows the layers at once, no question asked", "[app][keep]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  app.set_layers_text("dense(8), tanh, dense(10)");
  CHECK(app.model().spec() == "dense(8), tanh, dense(10)");
  app.start();
  CHECK_FALSE(app.new_run_asked());
  CHECK(app.state() == RunState::Running);
}

TEST_CASE("settings that apply to the trained model just apply", "[app][keep]") {
  App app;
  trained(app);
  const uint64_t h = app.weights_hash();
  const long steps = app.trainer()->optimizer().steps();
  REQUIRE(app.apply_setting("training.learning_rate", "0.05"));
  REQUIRE(app.apply_setting("training.batch_size", "32"));
  REQUIRE(app.apply_setting("data.val_fraction", "0.2"));
  CHECK(app.weights_hash() == h);
  CHECK(app.history().size() == 2);
  app.step_batch();  // training goes on with the new settings, from the trained weights
  CHECK_FALSE(app.new_run_asked());
  CHECK(app.trainer()->config().optimizer.lr == 0.05);
  CHECK(app.trainer()->config().batch == 32);
  CHECK(app.trainer()->optimizer().steps() == steps + 1);
  CHECK(app.history().size() == 2);
  app.step_epoch();
  train_until_stopped(app);
  CHECK(app.history().back().stats.epoch == 3);  // the epochs count on
}

TEST_CASE("switching to data of the same shape keeps the model", "[app][keep]") {
  App app;
  FakePlatform fake;
  app.set_platform(&fake);
  trained(app);
  const uint64_t h = app.weights_hash();
  app.choose_dataset(App::data_choices()[2]);  // Fashion-MNIST: the platform fetches it …
  CHECK(app.weights_hash() == h);
  // … and hands over its four files
  for (int k = 0; k < 4; ++k) {
    const std::vector<uint8_t> b = idx_bytes(k < 2 ? 300 : 80, 20 + k / 2, k % 2 == 1);
    app.receive_idx(k, b.data(), b.size(), "f");
  }
  REQUIRE(app.dataset_name == "Fashion-MNIST");
  CHECK(app.dataset_loaded(App::data_choices()[2]));
  CHECK_FALSE(app.dataset_loaded(App::data_choices()[0]));
  CHECK(app.weights_hash() == h);
  CHECK(app.history().size() == 2);
  CHECK_FALSE(app.report.ready);  // the report was of the old test images
  CHECK(app.notice.find("the model is kept") != std::string::npos);
  // training goes on, on the new data, the epochs counting on
  app.step_epoch();
  CHECK_FALSE(app.new_run_asked());
  train_until_stopped(app);
  CHECK(app.history().back().stats.epoch == 3);
  CHECK(app.trainer()->split().train.size() + app.trainer()->split().val.size() == 300);
}

TEST_CASE("reset can be undone: the same weights, history and trainer", "[app][keep]") {
  App app;
  trained(app, 2);
  app.step_batch();  // mid-epoch: the trainer's position comes back too
  const uint64_t h = app.weights_hash();
  const long batches = app.batches_run(), steps = app.trainer()->optimizer().steps();
  const int in_epoch = app.trainer()->batch_in_epoch();
  const double acc = app.last_test_accuracy();
  app.reset();
  REQUIRE(app.can_undo_reset());
  CHECK(app.undo_epochs() == 2);
  CHECK(app.weights_hash() != h);
  CHECK(app.history().empty());
  app.undo_reset();
  CHECK_FALSE(app.can_undo_reset());
  CHECK(app.weights_hash() == h);
  REQUIRE(app.history().size() == 2);
  CHECK(app.last_test_accuracy() == acc);
  CHECK(app.batches_run() == batches);
  REQUIRE(app.trainer() != nullptr);
  CHECK(app.trainer()->optimizer().steps() == steps);
  CHECK(app.trainer()->batch_in_epoch() == in_epoch);
  CHECK(app.state() == RunState::Paused);
  // training goes on from there
  app.step_epoch();
  train_until_stopped(app);
  CHECK(app.history().back().stats.epoch == 3);
  SECTION("once the reset model trains, there is nothing to undo") {
    app.reset();
    REQUIRE(app.can_undo_reset());
    app.step_batch();
    CHECK_FALSE(app.can_undo_reset());
  }
  SECTION("a reset of an untrained model has nothing to undo") {
    app.reset();
    app.reset();
    CHECK(app.can_undo_reset());  // the first reset's undo stays
    app.undo_reset();
    CHECK(app.history().size() == 3);
  }
}

TEST_CASE("the Runs list: add, rename, delete, and evict the oldest over the cap", "[app][keep][runs]") {
  RunsList runs;
  runs.cap = 3;
  auto run = [](const std::string& id, double t) {
    RunInfo r;
    r.id = id;
    r.name = id;
    r.saved_ms = t;
    return r;
  };
  runs.upsert(run("a", 100));
  runs.upsert(run("b", 300));
  runs.upsert(run("c", 200));
  REQUIRE(runs.all().size() == 3);
  CHECK(runs.all()[0].id == "b");  // newest first
  CHECK(runs.all()[2].id == "a");
  CHECK(runs.over_cap("b").empty());
  runs.upsert(run("a", 400));  // a newer version of a: replaced, not added
  CHECK(runs.all().size() == 3);
  CHECK(runs.newest()->id == "a");
  runs.upsert(run("d", 500));
  runs.upsert(run("e", 600));
  // five runs, cap 3: the two oldest (c at 200, b at 300), oldest first
  CHECK(runs.over_cap("e") == std::vector<std::string>{"c", "b"});
  // the run just written is never evicted, even when it is the oldest
  runs.upsert(run("old", 1));
  CHECK(runs.over_cap("old") == std::vector<std::string>{"c", "b", "a"});
  CHECK(runs.rename("d", "my best"));
  CHECK(runs.find("d")->name == "my best");
  CHECK_FALSE(runs.rename("zz", "x"));
  CHECK(runs.remove("d"));
  CHECK_FALSE(runs.find("d"));
  CHECK_FALSE(runs.remove("d"));
  // from the browser's list: malformed entries are skipped, a record without a name shows its model
  runs.set_from_json(R"J([{"id":"x","model":"dense(10)","saved":5,"epochs":3,"test_acc":0.5},{"nope":1},7,)J"
                     R"J({"id":"last","saved":9,"test_acc":null}])J");
  REQUIRE(runs.all().size() == 2);
  CHECK(runs.all()[0].id == "last");
  CHECK(runs.all()[0].name == "last session");
  CHECK(std::isnan(runs.all()[0].test_acc));
  CHECK(runs.all()[1].name == "dense(10)");
  CHECK(runs.all()[1].epochs == 3);
  runs.set_from_json("not json");
  CHECK(runs.empty());
}

TEST_CASE("the App's Runs list: eviction after a successful write only, failures reported", "[app][keep][runs]") {
  App app;
  FakePlatform fake;
  app.set_platform(&fake);
  trained(app, 1);
  app.runs.cap = 2;
  app.set_runs_json(R"J([{"id":"r1","name":"first","saved":1},{"id":"r2","name":"second","saved":2}])J");
  app.autosave_now();
  REQUIRE(fake.calls == std::vector<std::string>{"autosave"});
  const std::string id = fake.stored_id;
  CHECK(app.current_run_id == id);
  SECTION("storage full: reported, nothing deleted") {
    app.run_stored(id, false, "QuotaExceededError");
    CHECK(fake.calls == std::vector<std::string>{"autosave"});
    CHECK(app.runs.all().size() == 2);
    CHECK(app.notice.find("could not save") != std::string::npos);
    CHECK(app.notice.find("QuotaExceededError") != std::string::npos);
    CHECK(app.notice.find("unchanged") != std::string::npos);
  }
  SECTION("written: the oldest goes, and the learner is told") {
    app.run_stored(id, true, "");
    CHECK(fake.calls == std::vector<std::string>{"autosave", "delete r1"});
    REQUIRE(app.runs.all().size() == 2);
    CHECK(app.runs.newest()->id == id);
    CHECK(app.runs.newest()->epochs == 1);
    CHECK(app.notice.find("“first”") != std::string::npos);
    // the next autosave of the same run is the same record (nothing more evicted)
    app.autosave_now();
    CHECK(fake.stored_id == id);
    app.run_stored(id, true, "");
    CHECK(fake.calls.size() == 3);
    CHECK(app.runs.all().size() == 2);
  }
  SECTION("rename, download and delete go to the platform") {
    app.rename_run("r2", "renamed");
    app.download_run("r2");
    app.delete_run("r1");
    app.delete_run("nope");
    CHECK(fake.calls ==
          std::vector<std::string>{"autosave", "rename r2 renamed", "download run r2 renamed.bplm", "delete r1"});
    CHECK(app.runs.find("r2")->name == "renamed");
    CHECK_FALSE(app.runs.find("r1"));
  }
  SECTION("opening a stored run keeps the model on screen in the list first") {
    // a stored run: another model, trained elsewhere
    App other;
    trained(other, 1);
    other.set_layers_text("dense(8), relu, dense(10)");
    other.start();
    other.answer_new_run(App::NewRunChoice::Discard);
    train_until_stopped(other);
    const std::vector<uint8_t> bytes = other.save_model_bytes();
    const uint64_t h_other = other.weights_hash(), h_mine = app.weights_hash();
    app.run_stored(id, true, "");
    fake.calls.clear();
    app.open_run("r2");
    CHECK(fake.calls == std::vector<std::string>{"open r2"});
    REQUIRE(app.open_run_data("r2", other.settings_query(), bytes.data(), bytes.size()).empty());
    CHECK(fake.calls.back() == "autosave");  // the model that was on screen, saved first
    CHECK(deserialize_model(fake.stored.data(), fake.stored.size()).model.weights_hash() == h_mine);
    CHECK(app.weights_hash() == h_other);
    CHECK(app.current_run_id == "r2");
    CHECK(app.layers_text == "dense(8), relu, dense(10)");
    // a broken record changes nothing
    const std::vector<uint8_t> junk(50, 1);
    CHECK_FALSE(app.open_run_data("r1", "training.learning_rate=0.3", junk.data(), junk.size()).empty());
    CHECK(app.weights_hash() == h_other);
    CHECK(app.cfg.train.optimizer.lr != 0.3);
    CHECK(app.current_run_id == "r2");
  }
}

TEST_CASE("a final softmax is accepted as the loss's, with a note", "[app][keep]") {
  App app;
  give_synthetic_data(app);
  app.set_layers_text("dense(16), relu, dense(10), softmax");
  CHECK(app.validation().empty());
  CHECK(app.layers_note().find("softmax and cross-entropy fused") != std::string::npos);
  CHECK(app.preview_model().spec() == "dense(16), relu, dense(10)");
  app.start();
  CHECK(app.state() == RunState::Running);
  CHECK(app.model().spec() == "dense(16), relu, dense(10)");
  app.set_layers_text("dense(16), relu, dense(10)");
  CHECK(app.layers_note().empty());
  // a softmax anywhere else is still an unknown layer, explained
  app.set_layers_text("dense(16), softmax, dense(10)");
  CHECK(app.validation().find("softmax") != std::string::npos);
  // a link with it is accepted too
  CHECK(app.apply_settings_query("model.layers=dense(12)%2C%20relu%2C%20dense(10)%2C%20softmax").empty());
  CHECK(app.layers_text == "dense(12), relu, dense(10), softmax");
}

TEST_CASE("a link with custom settings names the preset they came from, and opens as custom", "[app][keep][link]") {
  App app;
  app.apply_preset("r0-mlp");
  REQUIRE(app.apply_setting("training.learning_rate", "0.05"));
  REQUIRE(app.cfg.preset == "custom");
  const std::string q = app.settings_query();
  CHECK(q.find("model.preset=custom") == std::string::npos);
  CHECK(q.find("model.preset=r0-mlp") != std::string::npos);
  App other;  // starts as R2's MLP
  REQUIRE(other.apply_settings_query(q).empty());
  CHECK(other.cfg.preset == "custom");  // not labelled as a preset it is not
  CHECK(other.base_preset == "r0-mlp");
  CHECK(other.layers_text == app.layers_text);
  CHECK(other.cfg.train.optimizer.lr == Approx(0.05));
  CHECK(other.settings_query() == q);
  // a preset's own settings open labelled as that preset
  App plain;
  plain.apply_preset("r0-mlp");
  App third;
  REQUIRE(third.apply_settings_query(plain.settings_query()).empty());
  CHECK(third.cfg.preset == "r0-mlp");
}
