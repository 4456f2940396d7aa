#include "core/error.h"
#include "model/presets.h"
#include "test_helpers.h"
#include "train/trainer.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

namespace {

TrainConfig config(OptimizerKind opt, double lr, int batch, int epochs) {
  TrainConfig c;
  c.optimizer.kind = opt;
  c.optimizer.lr = lr;
  c.batch = batch;
  c.epochs = epochs;
  return c;
}

void run(Trainer& t) {
  while (!t.finished()) t.step();
}

}  // namespace

TEST_CASE("Learning: MLP 784-128-10 on 5,000 MNIST images reaches ≥ 92% on 1,000 test images", "[trainer][learning]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(128), relu, dense(10)", train.shape(), 42);
  Split s = make_split(train, 5000, 0.0, 0.0, 42, &mnist_test(), 1000);
  Trainer t(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 32, 15));
  run(t);
  REQUIRE(t.state() == TrainState::Done);
  REQUIRE(t.history().size() == 15);
  CHECK(t.history().back().train_loss < t.history().front().train_loss);
  EvalResult r = evaluate(m, mnist_test(), s.test, Normalizer{});
  INFO("test accuracy " << r.accuracy);
  CHECK(r.accuracy >= 0.92);
}

TEST_CASE("Learning: a small CNN on 3,000 MNIST images reaches ≥ 93% on 1,000 test images", "[trainer][learning]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("conv(8, 5), relu, maxpool(2), flatten, dense(10)", train.shape(), 7);
  Split s = make_split(train, 3000, 0.1, 0.0, 7, &mnist_test(), 1000);
  Trainer t(m, train, s, Normalizer{}, config(OptimizerKind::Adam, 0.003, 32, 5));
  run(t);
  EvalResult r = evaluate(m, mnist_test(), s.test, Normalizer{});
  INFO("test accuracy " << r.accuracy << ", last val accuracy " << t.history().back().val_acc);
  CHECK(r.accuracy >= 0.93);
  CHECK(t.history().back().val_acc >= 0.9);
}

TEST_CASE("A learning rate that makes the loss explode pauses training and rolls the weights back",
          "[trainer][divergence]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(64), relu, dense(10)", train.shape(), 1);
  Split s = make_split(train, 2000, 0.1, 0.0, 1, nullptr, 0);
  // one good epoch at a sane rate, then the same model at lr = 10
  Trainer good(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.05, 32, 1));
  run(good);
  auto after_good = m.snapshot().value;
  Trainer bad(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 10.0, 32, 5));
  run(bad);
  REQUIRE(bad.state() == TrainState::Diverged);
  CHECK_THAT(bad.message(), Catch::Contains("diverged at batch") && Catch::Contains("learning rate"));
  auto now = m.snapshot().value;
  for (size_t i = 0; i < now.size(); ++i) CHECK(now[i] == after_good[i]);
  // training can go on from the rolled-back weights with a sane rate
  Trainer again(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.05, 32, 1));
  run(again);
  CHECK(again.state() == TrainState::Done);
}

TEST_CASE("Early stopping stops on a validation plateau and restores the best weights", "[trainer][early-stop]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(256), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 300, 0.5, 0.0, 3, nullptr, 0);  // 150 images: it overfits fast
  TrainConfig c = config(OptimizerKind::Adam, 0.01, 16, 100);
  c.early_stop_patience = 3;
  c.early_stop_min_delta = 0.001;
  Trainer t(m, train, s, Normalizer{}, c);
  run(t);
  REQUIRE(t.state() == TrainState::EarlyStopped);
  CHECK(t.history().size() < 100);
  CHECK(t.history().size() == static_cast<size_t>(t.best_epoch() + 3));
  EvalResult v = evaluate(m, train, s.val, Normalizer{});
  CHECK(v.loss == Approx(t.history()[t.best_epoch() - 1].val_loss).epsilon(1e-5));
  bool warned = false;
  for (const EpochStats& e : t.history()) warned |= e.overfitting;
  CHECK(warned);  // 150 training images: train accuracy runs ahead of validation by > 10 points
}

TEST_CASE("Step decay halves the learning rate every N epochs", "[trainer][schedule]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(16), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 200, 0.0, 0.0, 3, nullptr, 0);
  TrainConfig c = config(OptimizerKind::Sgd, 0.1, 50, 5);
  c.schedule.kind = ScheduleKind::Step;
  c.schedule.step_epochs = 2;
  c.schedule.gamma = 0.5;
  Trainer t(m, train, s, Normalizer{}, c);
  run(t);
  REQUIRE(t.history().size() == 5);
  CHECK(t.history()[0].lr == Approx(0.1));
  CHECK(t.history()[1].lr == Approx(0.1));
  CHECK(t.history()[2].lr == Approx(0.05));
  CHECK(t.history()[4].lr == Approx(0.025));
}

TEST_CASE("Trainer steps one batch at a time and reports progress", "[trainer]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(16), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 100, 0.0, 0.0, 3, nullptr, 0);
  Trainer t(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 32, 2));
  CHECK(t.batches_per_epoch() == 4);
  auto r = t.step();
  CHECK(r.count == 32);
  CHECK(t.batch_in_epoch() == 1);
  t.step();
  t.step();
  r = t.step();
  CHECK(r.count == 4);  // the last, partial batch
  CHECK(r.epoch_end);
  CHECK(t.history().size() == 1);
  CHECK(t.images_seen() == 100);
  CHECK(t.run_for_ms(1000.0) >= 1);
  Trainer u(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 32, 3));
  CHECK(u.run_for_ms(60000.0, 1) == 4);  // stops at the end of epoch 1, however long the budget
  CHECK(u.epoch() == 1);
  CHECK_FALSE(u.finished());
}

TEST_CASE("Invalid training settings are refused before anything runs", "[trainer]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(16), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 100, 0.0, 0.0, 3, nullptr, 0);
  auto before = m.snapshot().value;
  CHECK_THROWS_WITH(Trainer(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 0, 1)),
                    Catch::Contains("batch size 0"));
  CHECK_THROWS_WITH(Trainer(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 500, 1)),
                    Catch::Contains("larger than the 100"));
  CHECK_THROWS_WITH(Trainer(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 10, -1)),
                    Catch::Contains("epochs -1"));
  CHECK_THROWS_WITH(Trainer(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, -0.1, 10, 1)),
                    Catch::Contains("learning rate"));
  Model wrong = Model::from_text("dense(5)", train.shape(), 3);
  CHECK_THROWS_WITH(Trainer(wrong, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 10, 1)),
                    Catch::Contains("5 outputs"));
  auto after = m.snapshot().value;
  for (size_t i = 0; i < after.size(); ++i) CHECK(after[i] == before[i]);
}

TEST_CASE("Reduce-on-plateau lowers the learning rate when the validation loss stops improving",
          "[trainer][schedule]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(256), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 300, 0.5, 0.0, 3, nullptr, 0);  // overfits fast: the val loss turns up
  TrainConfig c = config(OptimizerKind::Adam, 0.01, 16, 12);
  c.schedule.kind = ScheduleKind::Plateau;
  c.schedule.plateau_patience = 2;
  c.schedule.plateau_factor = 0.5;
  Trainer t(m, train, s, Normalizer{}, c);
  run(t);
  REQUIRE(t.history().size() == 12);
  const double first = t.history().front().lr, last = t.history().back().lr;
  INFO("lr first " << first << " last " << last);
  CHECK(first == Approx(0.01));
  CHECK(last < first);
  for (size_t i = 1; i < t.history().size(); ++i) CHECK(t.history()[i].lr <= t.history()[i - 1].lr);
}

TEST_CASE("Sliced validation (the app's) records the same epochs as validation at once", "[trainer][sliced]") {
  const Dataset& train = mnist_train();
  Split s = make_split(train, 2000, 0.3, 0.0, 3, nullptr, 0);  // 600 validation images: 3 chunks
  Model a = Model::from_text("dense(32), relu, dense(10)", train.shape(), 5);
  Model b = Model::from_text("dense(32), relu, dense(10)", train.shape(), 5);
  Trainer ta(a, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 32, 3));
  Trainer tb(b, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 32, 3));
  tb.set_sliced_validation(true);
  int steps_a = 0, steps_b = 0, validating_steps = 0;
  while (!ta.finished()) ta.step(), ++steps_a;
  while (!tb.finished()) {
    validating_steps += tb.validating();
    tb.step();
    ++steps_b;
  }
  REQUIRE(ta.history().size() == 3);
  REQUIRE(tb.history().size() == 3);
  CHECK(validating_steps == 3 * 3);   // after each epoch's last batch: three steps of 256, 256, 88 images
  CHECK(steps_b == steps_a + 3 * 3);  // three chunks per epoch instead of one pass
  for (size_t e = 0; e < 3; ++e) {
    CHECK(tb.history()[e].train_loss == ta.history()[e].train_loss);
    CHECK(tb.history()[e].val_acc == ta.history()[e].val_acc);
    CHECK(tb.history()[e].val_loss == Approx(ta.history()[e].val_loss).epsilon(1e-12));
  }
  CHECK(a.weights_hash() == b.weights_hash());
}

TEST_CASE("0 epochs: the trainer is done at once and trains nothing (bpl train --epochs 0 --save)", "[trainer]") {
  const Dataset& train = mnist_train();
  Model m = Model::from_text("dense(16), relu, dense(10)", train.shape(), 3);
  Split s = make_split(train, 100, 0.0, 0.0, 3, nullptr, 0);
  const auto before = m.snapshot().value;
  Trainer t(m, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 10, 0));
  CHECK(t.finished());
  CHECK(t.state() == TrainState::Done);
  t.step();
  CHECK(t.history().empty());
  CHECK(t.images_seen() == 0);
  CHECK(m.snapshot().value == before);
}

TEST_CASE("Each epoch's order is a shuffle of the split by the generator alone", "[trainer][resume]") {
  // two trainers whose generators are in the same state shuffle the same next epoch, whatever
  // order the previous epoch left behind
  const Dataset& train = mnist_train();
  Split s = make_split(train, 200, 0.0, 0.0, 3, nullptr, 0);
  Model a = Model::from_text("dense(10)", train.shape(), 1), b = Model::from_text("dense(10)", train.shape(), 1);
  Trainer ta(a, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 20, 3));
  ta.run_for_ms(1e9, 1);
  Trainer tb(b, train, s, Normalizer{}, config(OptimizerKind::Sgd, 0.1, 20, 3));
  tb.resume(ta.progress(), ta.history());
  b.restore(a.snapshot());
  ta.run_for_ms(1e9, 2);
  tb.run_for_ms(1e9, 2);
  CHECK(a.snapshot().value == b.snapshot().value);
  CHECK(tb.history().size() == 2);
  CHECK(tb.history().back().epoch == 2);
  CHECK(tb.history().back().train_loss == ta.history().back().train_loss);
}
