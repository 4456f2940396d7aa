#include "core/error.h"
#include "io/model_file.h"
#include "io/settings.h"
#include "loss/softmax_cross_entropy.h"
#include "model/presets.h"
#include "test_helpers.h"
#include "train/step.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace bpl;
using namespace bpl::test;

namespace {

void set_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void fix_crc(std::vector<uint8_t>& b) {
  uint32_t plen = b[8] | (b[9] << 8) | (b[10] << 16) | (uint32_t(b[11]) << 24);
  set_u32(b, 12 + plen, crc32(b.data() + 12, plen));
}

}  // namespace

TEST_CASE("CRC-32 of a known string", "[model-file]") {
  const char* s = "123456789";
  CHECK(crc32(reinterpret_cast<const uint8_t*>(s), 9) == 0xCBF43926u);  // the standard check value
}

TEST_CASE("Save → load gives identical weights and identical outputs", "[model-file]") {
  for (const char* preset : {"r0-lenet5", "r2-mlp", "r3-cnn"}) {
    Model m = Model::from_text(find_preset(preset).layers, Shape{1, 28, 28}, 5);
    Normalizer norm;
    norm.kind = NormKind::Standard;
    norm.mean = 0.13f;
    norm.std = 0.31f;
    std::string path = temp_path(std::string("roundtrip-") + preset + ".bplm");
    save_model(path, m, norm);
    LoadedModel l = load_model(path);
    CHECK(l.model.spec() == m.spec());
    CHECK(l.norm.kind == NormKind::Standard);
    CHECK(l.norm.mean == 0.13f);
    auto a = m.snapshot().value, b = l.model.snapshot().value;
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
    Rng rng(1);
    Matrix x(784, 4);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform());
    Matrix ya = m.forward(x, Mode::Eval), yb = l.model.forward(x, Mode::Eval);
    CHECK(ya == yb);
  }
}

TEST_CASE("Malformed model files are refused with a clear message", "[model-file]") {
  Model m = Model::from_text("conv(2, 3), relu, flatten, dense(10)", Shape{1, 28, 28}, 5);
  const std::vector<uint8_t> good = serialize_model(m, Normalizer{});
  REQUIRE_NOTHROW(deserialize_model(good.data(), good.size()));
  auto refuse = [](std::vector<uint8_t> b, const char* msg) {
    INFO(msg);
    CHECK_THROWS_WITH(deserialize_model(b.data(), b.size()), Catch::Contains(msg));
  };
  std::vector<uint8_t> b;
  b = good;
  b[0] = 'X';
  refuse(b, "not a Backprop Lab model");
  b = good;
  set_u32(b, 4, 99);
  refuse(b, "version 99 is newer");
  b = good;
  b.resize(b.size() / 2);
  refuse(b, "truncated");
  b = good;
  b[40] ^= 1;
  refuse(b, "checksum mismatch");
  b = good;
  set_u32(b, 8, 0xFFFFFFF0u);
  refuse(b, "truncated or has extra bytes");
  refuse({'B', 'P', 'L'}, "too short");
  // a layer list the registry does not know, with a valid checksum
  b = good;
  const char* spec = "conv(2, 3)";
  auto it = std::search(b.begin(), b.end(), spec, spec + std::strlen(spec));
  REQUIRE(it != b.end());
  std::memcpy(&*it, "cone(2, 3)", 10);
  fix_crc(b);
  refuse(b, "unknown layer \"cone\"");
  // weights of the wrong shape: claim 3 filters
  b = good;
  it = std::search(b.begin(), b.end(), spec, spec + std::strlen(spec));
  std::memcpy(&*it, "conv(3, 3)", 10);
  fix_crc(b);
  refuse(b, "parameter 0 is 2×9, the layer list needs 3×9");
  // a layer list that does not chain (the pooled size is not whole), with a valid checksum
  b = good;
  const char* tail = "flatten, dense(10)";
  it = std::search(b.begin(), b.end(), tail, tail + std::strlen(tail));
  REQUIRE(it != b.end());
  std::memcpy(&*it, "maxpool(5), dense(", 18);  // "maxpool(5), dense(10)": 26×26 does not pool by 5
  fix_crc(b);
  refuse(b, "does not build");
  // NaN weights
  b = good;
  uint32_t plen = b[8] | (b[9] << 8) | (b[10] << 16) | (uint32_t(b[11]) << 24);
  set_u32(b, 12 + plen - 24, 0x7FC00000u);  // the last weight, before 12 bytes of empty extras, 4 of buffers, 4 of run
  fix_crc(b);
  refuse(b, "NaN");
  CHECK_THROWS_WITH(load_model(temp_path("no-such-model.bplm")), Catch::Contains("cannot open"));
}

TEST_CASE("Optimizer state, history and dataset survive the file: training resumes bit for bit", "[model-file]") {
  const Dataset& train = mnist_train();
  Split s = make_split(train, 640, 0.1, 0.0, 3, nullptr, 0);
  TrainConfig c;
  c.optimizer.kind = OptimizerKind::Adam;
  c.optimizer.lr = 0.002;
  c.batch = 32;
  c.epochs = 2;
  Model a = Model::from_text("conv(4, 5), relu, maxpool(2), flatten, dense(10)", train.shape(), 9);
  Trainer ta(a, train, s, Normalizer{}, c);
  while (!ta.finished()) ta.step();
  ModelExtras x;
  x.dataset = "MNIST";
  x.has_optimizer = true;
  x.optimizer = ta.optimizer().config();
  x.steps = ta.optimizer().steps();
  x.history = ta.history();
  auto bytes = serialize_model(a, Normalizer{}, &x);
  LoadedModel l = deserialize_model(bytes.data(), bytes.size());
  CHECK(l.version == kModelFormatVersion);
  CHECK(l.extras.dataset == "MNIST");
  CHECK(l.extras.steps == x.steps);
  CHECK(l.extras.optimizer.kind == OptimizerKind::Adam);
  REQUIRE(l.extras.history.size() == 2);
  CHECK(l.extras.history[1].val_acc == ta.history()[1].val_acc);
  auto pa = a.params(), pb = l.model.params();
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    CHECK(pa[i]->m == pb[i]->m);
    CHECK(pa[i]->v == pb[i]->v);
  }
  // one more identical step on both: same batch, same state → the same weights, bit for bit
  auto one_step = [&](Model& m, long steps) {
    auto opt = make_optimizer(c.optimizer);
    opt->set_steps(steps);
    Matrix xb, dz;
    std::vector<int> yb;
    gather_batch(train, s.train, 0, 32, Normalizer{}, xb, yb);
    SoftmaxCrossEntropy ce;
    train_step(m, ce, *opt, xb, yb, dz);
  };
  one_step(a, x.steps);
  one_step(l.model, l.extras.steps);
  auto wa = a.snapshot().value, wb = l.model.snapshot().value;
  REQUIRE(wa.size() == wb.size());
  for (size_t i = 0; i < wa.size(); ++i) CHECK(wa[i] == wb[i]);
}

TEST_CASE("Version 1 files (no extras) still load", "[model-file]") {
  Model m = Model::from_text("dense(8), relu, dense(10)", Shape{1, 28, 28}, 4);
  std::vector<uint8_t> b = serialize_model(m, Normalizer{});
  // v4 without extras ends with: dataset "" (4 bytes), no optimizer (4), no history (4), no buffers (4), no run
  // (4), CRC (4)
  b.erase(b.end() - 24, b.end() - 4);
  set_u32(b, 4, 1);
  set_u32(b, 8, static_cast<uint32_t>(b.size() - 16));
  fix_crc(b);
  LoadedModel l = deserialize_model(b.data(), b.size());
  CHECK(l.version == 1);
  auto wl = l.model.snapshot().value, wm = m.snapshot().value;
  REQUIRE(wl.size() == wm.size());
  for (size_t i = 0; i < wl.size(); ++i) CHECK(wl[i] == wm[i]);  // every tensor, not only the first
}

TEST_CASE("Version 2 files (extras, no buffers) still load; a batchnorm model then keeps its initial statistics",
          "[model-file]") {
  Model m = Model::from_text("dense(8), batchnorm, relu, dense(10)", Shape{1, 28, 28}, 4);
  Matrix x = Matrix::Constant(784, 3, 0.5f);
  x(0, 1) = 1.0f;
  m.forward(x, Mode::Train);  // the running statistics move
  ModelExtras ex;
  ex.dataset = "MNIST";
  std::vector<uint8_t> b = serialize_model(m, Normalizer{}, &ex);
  // v4 ends with: buffer count (4 bytes) + 2 × (rows, cols, 8 floats) = 4 + 2 × 40 bytes, no run (4), the CRC (4)
  const size_t buffers = 4 + 2 * (8 + 8 * 4) + 4;
  b.erase(b.end() - 4 - buffers, b.end() - 4);
  set_u32(b, 4, 2);
  set_u32(b, 8, static_cast<uint32_t>(b.size() - 16));
  fix_crc(b);
  LoadedModel l = deserialize_model(b.data(), b.size());
  CHECK(l.version == 2);
  CHECK(l.extras.dataset == "MNIST");
  auto wl = l.model.snapshot().value, wm = m.snapshot().value;
  REQUIRE(wl.size() == wm.size());
  for (size_t i = 0; i < wl.size(); ++i) CHECK(wl[i] == wm[i]);
  CHECK(*l.model.buffers()[0] == Matrix::Zero(8, 1));  // not in a v2 file: as a new layer starts
  CHECK(*l.model.buffers()[1] == Matrix::Ones(8, 1));
  CHECK(*m.buffers()[0] != Matrix::Zero(8, 1));
}

TEST_CASE("Version 3 files (no run) still load, without a run to resume", "[model-file]") {
  Model m = Model::from_text("dense(8), dropout(0.5), dense(10)", Shape{1, 28, 28}, 4);
  ModelExtras ex;
  ex.dataset = "MNIST";
  std::vector<uint8_t> b = serialize_model(m, Normalizer{}, &ex);
  b.erase(b.end() - 8, b.end() - 4);  // v4's "no run" flag
  set_u32(b, 4, 3);
  set_u32(b, 8, static_cast<uint32_t>(b.size() - 16));
  fix_crc(b);
  LoadedModel l = deserialize_model(b.data(), b.size());
  CHECK(l.version == 3);
  CHECK_FALSE(l.extras.has_run);
  CHECK(l.model.weights_hash() == m.weights_hash());
}

namespace {

// The end of a run: everything a training step changes, and what the run recorded.
struct RunEnd {
  ModelSnapshot snap;
  std::vector<EpochStats> history;
  long steps = 0;
  double lr = 0;
};

Split split_of(const RunConfig& rc) {
  return make_split(mnist_train(), rc.subset, rc.val_frac, rc.test_frac, rc.train.seed, nullptr, 0);
}

RunEnd end_of(Model& m, Trainer& t) {
  return {m.snapshot(), t.history(), t.optimizer().steps(), t.optimizer().lr()};
}

// rc's run without a break
RunEnd one_run(const RunConfig& rc) {
  Model m = rc.build_model();
  const Split s = split_of(rc);
  Trainer t(m, mnist_train(), s, Normalizer::make(rc.norm, mnist_train(), s.train), rc.train);
  while (!t.finished()) t.step();
  return end_of(m, t);
}

// rc's run stopped after `epochs` epochs and `batches` more batches, saved to bytes, loaded into
// a new model and trainer from the file alone (its settings too), and trained to the end
RunEnd broken_run(const RunConfig& rc, int epochs, int batches) {
  std::vector<uint8_t> bytes;
  {
    Model m = rc.build_model();
    const Split s = split_of(rc);
    const Normalizer norm = Normalizer::make(rc.norm, mnist_train(), s.train);
    Trainer t(m, mnist_train(), s, norm, rc.train);
    t.run_for_ms(1e9, epochs);
    for (int b = 0; b < batches; ++b) t.step();
    ModelExtras x;
    x.has_optimizer = true;
    x.optimizer = t.optimizer().config();
    x.steps = t.optimizer().steps();
    x.history = t.history();
    x.has_run = true;
    x.run = rc;
    x.progress = t.progress();
    bytes = serialize_model(m, norm, &x);
  }
  LoadedModel l = deserialize_model(bytes.data(), bytes.size());
  REQUIRE(l.extras.has_run);
  const RunConfig& run = l.extras.run;
  const Split s = split_of(run);
  Trainer t(l.model, mnist_train(), s, l.norm, run.train);
  t.resume(l.extras.progress, l.extras.history);
  while (!t.finished()) t.step();
  return end_of(l.model, t);
}

void check_identical(const RunEnd& a, const RunEnd& b) {
  REQUIRE(a.snap.value.size() == b.snap.value.size());
  for (size_t i = 0; i < a.snap.value.size(); ++i) {
    INFO("parameter " << i);
    REQUIRE(a.snap.m[i].size() == b.snap.m[i].size());
    REQUIRE(a.snap.v[i].size() == b.snap.v[i].size());
    CHECK(a.snap.value[i] == b.snap.value[i]);  // bit for bit
    CHECK(a.snap.m[i] == b.snap.m[i]);
    CHECK(a.snap.v[i] == b.snap.v[i]);
  }
  CHECK(a.steps == b.steps);
  CHECK(a.lr == b.lr);
  REQUIRE(a.history.size() == b.history.size());
  for (size_t e = 0; e < a.history.size(); ++e) {
    INFO("epoch " << e + 1);
    CHECK(a.history[e].epoch == b.history[e].epoch);
    CHECK(a.history[e].train_loss == b.history[e].train_loss);
    CHECK(a.history[e].val_loss == b.history[e].val_loss);
    CHECK(a.history[e].lr == b.history[e].lr);
  }
}

}  // namespace

TEST_CASE("Exact resume: N epochs in one run == k epochs + save + load + N − k, with dropout (momentum, Adam)",
          "[model-file][resume]") {
  RunConfig rc = RunConfig::from_preset(find_preset(kDefaultPreset));
  rc.layers = "dense(32), relu, dropout(0.3), dense(16), relu, dropout(0.2), dense(10)";
  rc.subset = 600;
  rc.val_frac = 0.1;  // 540 training images: 17 batches of 32, the last one of 28
  rc.train.batch = 32;
  rc.train.epochs = 4;
  rc.train.seed = 5;
  rc.init_seed = 6;
  rc.norm = NormKind::Standard;
  rc.train.schedule.kind = ScheduleKind::Step;  // the learning rate now is part of the run
  rc.train.schedule.step_epochs = 2;
  rc.train.schedule.gamma = 0.5;
  const OptimizerKind kind = GENERATE(OptimizerKind::Momentum, OptimizerKind::Adam);
  rc.train.optimizer.kind = kind;
  rc.train.optimizer.lr = kind == OptimizerKind::Adam ? 0.002 : 0.05;
  INFO(kind_name(kind));
  const RunEnd whole = one_run(rc);
  REQUIRE(whole.history.size() == 4);
  SECTION("broken after epoch 1") {
    check_identical(whole, broken_run(rc, 1, 0));
  }
  SECTION("broken after epoch 2 (after the schedule's decay)") {
    check_identical(whole, broken_run(rc, 2, 0));
  }
  SECTION("broken inside epoch 3") {
    check_identical(whole, broken_run(rc, 2, 7));
  }
}

TEST_CASE("Exact resume: the file stores the run's settings and progress, a trainer of another model refuses it",
          "[model-file][resume]") {
  RunConfig rc = RunConfig::from_preset(find_preset("r1-cnn-k5"));  // sum reduction, He init
  rc.subset = 300;
  rc.train.epochs = 3;
  Model m = rc.build_model();
  const Split s = split_of(rc);
  Trainer t(m, mnist_train(), s, Normalizer{}, rc.train);
  t.run_for_ms(1e9, 1);
  ModelExtras x;
  x.has_optimizer = true;
  x.optimizer = t.optimizer().config();
  x.history = t.history();
  x.has_run = true;
  x.run = rc;
  x.progress = t.progress();
  const auto bytes = serialize_model(m, Normalizer{}, &x);
  const LoadedModel l = deserialize_model(bytes.data(), bytes.size());
  CHECK(l.version == 4);
  CHECK(settings_query(l.extras.run) == settings_query(rc));
  CHECK(l.extras.run.train.optimizer.reduction == Reduction::Sum);
  CHECK(l.extras.optimizer.reduction == Reduction::Sum);
  CHECK(l.extras.progress.epoch == 1);
  CHECK(l.extras.progress.steps == t.optimizer().steps());
  CHECK(l.extras.progress.shuffle.state == t.progress().shuffle.state);
  // a trainer of a model with another number of dropout layers cannot take this progress
  Model other = Model::from_text("dense(16), dropout(0.5), dense(10)", Shape{1, 28, 28}, 1);
  Trainer u(other, mnist_train(), s, Normalizer{}, rc.train);
  CHECK_THROWS_WITH(u.resume(l.extras.progress, l.extras.history), Catch::Contains("dropout"));
  // a damaged run section is refused by the checksum, a bad settings text by its key
  std::vector<uint8_t> bad = bytes;
  bad[bad.size() - 30] ^= 0x40;
  CHECK_THROWS_AS(deserialize_model(bad.data(), bad.size()), FormatError);
}
