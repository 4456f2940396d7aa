// The App on the MNIST subset the app loads by default (assets/data, made by scripts/setup.sh).
#include "app_test_helpers.h"

#include <fstream>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

TEST_CASE("the default MNIST subset loads, trains an epoch and is evaluated", "[app][mnist]") {
  const std::string dir = std::string(BPL_ASSETS_DIR) + "/data";
  if (!std::ifstream(dir + "/mnist-train-10k-images.idx.gz")) {
    WARN("no MNIST subset in " << dir << " (scripts/setup.sh makes it)");
    return;
  }
  FakePlatform fake;
  App app(&fake);
  REQUIRE(app.load_idx_files(dir, "mnist-train-10k", "mnist-test-2k"));
  CHECK(app.train_data().size() == 10000);
  CHECK(app.test_data().size() == 2000);
  CHECK(app.dataset_name == "MNIST");
  CHECK(app.cfg.preset == "r2-mlp");
  app.cfg.train.epochs = 1;
  app.start();
  train_until_stopped(app);
  CHECK(app.state() == RunState::Done);
  REQUIRE(app.history().size() == 1);
  CHECK(app.last_test_accuracy() > 0.85);  // R2's MLP after one epoch on 9,000 images
  CHECK(app.report.ready);
  CHECK(app.report.epoch == 1);
  // the stepper on test image 0, with the trained weights
  REQUIRE(app.stepper_capture(0, 1));
  CHECK(app.stepper.trace.labels()[0] == app.test_data().labels[0]);
  // a missing file is said, and the data stay
  CHECK_FALSE(app.load_idx_files(dir, "no-such-set", "mnist-test-2k"));
  CHECK(app.train_data().size() == 10000);
}
