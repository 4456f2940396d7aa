#include "core/error.h"
#include "explain_check.h"
#include "gradient_check.h"
#include "model/presets.h"
#include "test_helpers.h"
#include "trace/trace.h"
#include "train/trainer.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

namespace {

const char* kMlp = "dense(32), relu, dense(16), sigmoid, dense(10)";

TrainConfig one_step(const std::string& opt, double lr, int batch) {
  TrainConfig c;
  c.optimizer.kind = parse_optimizer_kind(opt);
  c.optimizer.lr = lr;
  c.optimizer.weight_decay = opt == "momentum" ? 1e-3 : 0.0;
  c.batch = batch;
  c.epochs = 1;
  return c;
}

// the trace of the first `count` test images (a fixed batch), on the given model
Trace capture(Model& m, const OptimizerConfig& opt, int first, int count) {
  std::vector<int> idx;
  for (int i = 0; i < count; ++i) idx.push_back(first + i);
  Matrix x;
  std::vector<int> y;
  gather_batch(mnist_test(), idx, 0, count, Normalizer{}, x, y);
  Trace t;
  t.capture(m, opt, 0, x, y);
  return t;
}

int find_tensor(const Trace& t, const std::string& name) {
  for (size_t i = 0; i < t.tensors().size(); ++i)
    if (t.tensors()[i].name == name) return static_cast<int>(i);
  FAIL("no tensor " << name);
  return -1;
}

}  // namespace

TEST_CASE("The trace lists every operation of a training step in order, with what each reads and writes", "[trace]") {
  Model m = Model::from_text(find_preset("r0-lenet5").layers, {1, 28, 28}, 3);
  OptimizerConfig sgd;
  Trace t = capture(m, sgd, 0, 1);
  const int L = m.size();  // 12 layers, 5 with parameters
  REQUIRE(L == 12);
  REQUIRE(static_cast<int>(t.ops().size()) == L + 2 + L + 5);
  for (int i = 0; i < L; ++i) {
    CHECK(t.ops()[i].kind == OpKind::Forward);
    CHECK(t.ops()[i].layer == i);
  }
  CHECK(t.ops()[L].kind == OpKind::Loss);
  CHECK(t.ops()[L + 1].kind == OpKind::LossBackward);
  for (int i = 0; i < L; ++i) CHECK(t.ops()[L + 2 + i].layer == L - 1 - i);
  CHECK(t.first_op(OpKind::Update) == 2 * L + 2);
  CHECK(t.ops()[0].equation == "z¹[c,i,j] = b¹[c] + Σ_{c′,u,v} W¹[c,c′,u,v] · x[c′, i+u, j+v]");
  CHECK(t.ops()[1].equation == "a² = max(0, z¹)");
  CHECK(t.ops()[L + 1].equation == "∂L/∂z¹² = (ŷ − y) / B");
  // shapes follow the model: conv output 6×24×24, pooled 6×12×12
  CHECK(t.tensor(t.ops()[0].writes[0]).shape == Shape{6, 24, 24});
  CHECK(t.tensor(t.ops()[2].writes[0]).shape == Shape{6, 12, 12});
  // every op reads and writes tensors that exist and hold data
  for (const TraceOp& op : t.ops()) {
    CHECK_FALSE(op.writes.empty());
    for (int id : op.reads) CHECK(t.tensor(id).data.allFinite());
    for (int id : op.writes) CHECK(t.tensor(id).data.allFinite());
  }
  // the loss of the traced step is −log ŷ of the true class, and ŷ is the softmax of the logits
  const TraceTensor& probs = t.tensor(t.probs_tensor());
  CHECK(t.loss_before() == Approx(-std::log(probs.at(0, t.labels()[0]))).epsilon(1e-5));
  CHECK(probs.data.col(0).sum() == Approx(1.0).epsilon(1e-5));
}

TEST_CASE("The trace's gradients and update equal the trainer's for the same weights and sample", "[trace]") {
  const Dataset& data = mnist_test();
  const std::string opt = GENERATE(std::string("sgd"), std::string("momentum"), std::string("adam"));
  const std::string layers = GENERATE(std::string(kMlp), std::string(find_preset("r0-lenet5").layers));
  const int sample = 7;
  INFO(opt << " on " << layers);
  Model m = Model::from_text(layers, data.shape(), 11);
  TrainConfig cfg = one_step(opt, opt == "adam" ? 0.001 : 0.05, 1);
  const uint64_t before = m.weights_hash();
  Trace t = capture(m, cfg.optimizer, sample, 1);
  // the trace ran on a copy: the model is untouched
  REQUIRE(m.weights_hash() == before);

  Split s;
  s.train = {sample};
  Trainer trainer(m, data, s, Normalizer{}, cfg);
  trainer.step();
  REQUIRE(m.weights_hash() != before);
  auto ps = m.params();
  int pi = 0, compared = 0;
  for (const TraceTensor& tt : t.tensors()) {
    if (tt.param < 0 || !tt.editable) continue;  // one "before" tensor per parameter
    pi = tt.param;
    CHECK(pi == compared++);
    const TraceTensor& g = t.tensor(find_tensor(t, "∂L/∂" + tt.name));
    const TraceTensor& after = t.tensor(find_tensor(t, tt.name + " new"));
    INFO("parameter " << tt.name);
    CHECK(g.data == ps[pi]->grad);  // bit for bit: the same code ran on the same numbers
    CHECK(after.data == ps[pi]->value);
  }
  CHECK(compared == static_cast<int>(ps.size()));  // every parameter compared, in order
  // the loss before the update is the trainer's batch loss
  CHECK(t.loss_before() == Approx(trainer.batch_losses().back()).epsilon(1e-6));
  // applying the trace's update to another copy gives the trainer's weights
  Model fresh = Model::from_text(layers, data.shape(), 11);
  CHECK(t.apply_to(fresh) == 1);
  CHECK(fresh.weights_hash() == m.weights_hash());
}

TEST_CASE("A small batch: the trace's gradients equal the trainer's (up to summation order)", "[trace]") {
  const Dataset& data = mnist_test();
  Model m = Model::from_text(kMlp, data.shape(), 5);
  TrainConfig cfg = one_step("sgd", 0.1, 4);
  Trace t = capture(m, cfg.optimizer, 20, 4);
  REQUIRE(t.batch() == 4);
  Split s;
  s.train = {20, 21, 22, 23};
  Trainer trainer(m, data, s, Normalizer{}, cfg);  // shuffles the four: sums in another order
  trainer.step();
  auto ps = m.params();
  for (size_t k = 0; k < ps.size(); ++k) {
    const TraceTensor& g = t.tensor(find_tensor(t, "∂L/∂" + std::string(k % 2 ? "b" : "W") +
                                                       (k / 2 == 0   ? "¹"
                                                        : k / 2 == 1 ? "³"
                                                                     : "⁵")));
    CHECK((g.data - ps[k]->grad).cwiseAbs().maxCoeff() <= 1e-6f * std::max(1.0f, ps[k]->grad.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("Finite differences through the trace agree with its gradients (MLP and LeNet-5)", "[trace][gradcheck]") {
  const std::string layers = GENERATE(std::string(kMlp), std::string(find_preset("r0-lenet5-improved").layers));
  INFO(layers);
  Model m = Model::from_text(layers, {1, 28, 28}, 21);
  // biases start at exactly 0, and MNIST's background pixels are exactly 0, so a fresh CNN has
  // thousands of ReLU inputs sitting on the kink at 0, where the loss has no derivative; give
  // the biases small values, as training does, and the corners move away from θ
  Rng rng(4);
  for (Param* p : m.params())
    if (p->name == "b") p->value = random_matrix(p->value.rows(), 1, rng, 0.05);
  OptimizerConfig sgd;
  Trace t = capture(m, sgd, 3, 2);
  const auto checks = t.check_some();
  REQUIRE(checks.size() == m.params().size() + 1);
  for (const GradCheckResult& c : checks) {
    INFO(c.label << ": analytic " << c.analytic << ", numeric " << c.numeric << ", relative error " << c.rel_error);
    CHECK(std::abs(c.analytic) > 1e-6);  // the largest gradient of each tensor is not zero
    CHECK_FALSE(c.kink);
    CHECK(c.rel_error < 2e-2);
    CHECK(c.agrees);
  }
  // spread-out weights of the first layer too, skipping those with no gradient at all and
  // those on a corner of the loss: MNIST's constant background makes exact max-pool ties
  // (four equal values), where the loss has different slopes left and right
  const int w1 = find_tensor(t, "W¹");
  const Matrix& g1 = t.tensor(find_tensor(t, "∂L/∂W¹")).data;
  int checked = 0;
  for (int i = 0; i < g1.size() && checked < 12; i += 3) {
    if (std::abs(g1.data()[i]) < 1e-3) continue;
    GradCheckResult c = t.check_gradient(w1, i);
    INFO(c.label << ": analytic " << c.analytic << ", numeric " << c.numeric);
    if (c.kink) continue;
    CHECK(c.rel_error < 5e-2);
    ++checked;
  }
  CHECK(checked >= 5);
  // the uncertainty cannot excuse a wrong gradient: a smooth loss gives two close estimates
  // (an input pixel can have a ReLU kink within 2h, which makes its own estimate uncertain)
  int settled = 0;
  for (const GradCheckResult& c : checks) settled += c.uncertainty < 0.05 * std::max(std::abs(c.numeric), 1e-3);
  CHECK(settled >= static_cast<int>(checks.size()) - 1);
  // a broken gradient would be caught: the check compares against the real loss
  CHECK_THROWS_AS(t.check_gradient(find_tensor(t, "∂L/∂W¹"), 0), ConfigError);
}

TEST_CASE("A finite difference on a corner of the loss is reported as a kink, not as a wrong gradient",
          "[trace][gradcheck]") {
  // fresh LeNet-5: b¹ = 0 and the background pixels are 0, so z¹ = 0 exactly on the background
  Model m = Model::from_text(find_preset("r0-lenet5").layers, {1, 28, 28}, 21);
  Trace t = capture(m, OptimizerConfig{}, 3, 1);
  GradCheckResult c = t.check_gradient(find_tensor(t, "b¹"), 2);
  INFO("left " << c.slope_left << ", right " << c.slope_right << ", analytic " << c.analytic);
  CHECK(c.kink);
  // the engine uses ReLU′(0) = 0, the left slope here
  CHECK(c.analytic == Approx(c.slope_left).epsilon(0.05).margin(1e-3));
}

TEST_CASE("What-if: editing a weight re-runs the step on the copy, shows what changed, and resets", "[trace][whatif]") {
  Model m = Model::from_text(kMlp, {1, 28, 28}, 8);
  const uint64_t hash = m.weights_hash();
  OptimizerConfig sgd;
  Trace t = capture(m, sgd, 0, 1);
  const double loss = t.loss_before();
  const int w3 = find_tensor(t, "W³"), z3 = find_tensor(t, "z³"), z1 = find_tensor(t, "z¹"), z5 = find_tensor(t, "z⁵");
  CHECK(t.changed_count(z3) == 0);
  // W³ is 16×32: raise W³[2, 5] by a lot; only z³[2] (and everything after it) changes
  const TraceTensor& a2 = t.tensor(find_tensor(t, "a²"));
  int j = 0;
  while (a2.at(0, j) <= 0) ++j;  // an input of layer 3 that ReLU let through
  const int idx = j * 16 + 2;
  t.set_value(w3, 0, idx, t.tensor(w3).data(2, j) + 3.0f);
  CHECK(t.edited(w3, 0, idx));
  CHECK(t.edited_indices(w3, 0) == std::vector<int>{idx});
  CHECK(t.edit_count() == 1);
  CHECK(t.changed_count(z1) == 0);  // upstream: unchanged
  CHECK(t.changed_count(z3) == 1);
  CHECK(t.changed(z3, 0, 2));
  CHECK(t.changed_count(z5) == 10);
  CHECK(t.loss_before() != loss);
  CHECK(m.weights_hash() == hash);  // the trained model is not touched
  // an input pixel edit
  t.set_value(t.input_tensor(), 0, 14 * 28 + 14, 3.0f);
  CHECK(t.edit_count() == 2);
  CHECK(t.edited_indices(t.input_tensor(), 0) == std::vector<int>{14 * 28 + 14});
  CHECK_THROWS_AS(t.set_value(z3, 0, 0, 1.0f), ConfigError);       // not editable
  CHECK_THROWS_AS(t.set_value(w3, 0, 100000, 1.0f), ConfigError);  // no such value
  CHECK_THROWS_AS(t.set_value(w3, 0, 0, std::numeric_limits<float>::quiet_NaN()), ConfigError);
  t.reset_edits();
  CHECK(t.loss_before() == loss);
  CHECK(t.changed_count(z5) == 0);
}

TEST_CASE("The update helps: the loss on the traced sample falls after one step", "[trace]") {
  Model m = Model::from_text(kMlp, {1, 28, 28}, 9);
  OptimizerConfig sgd;
  sgd.lr = 0.05;
  Trace t = capture(m, sgd, 4, 1);
  INFO("before " << t.loss_before() << ", after " << t.loss_after());
  CHECK(t.loss_after() < t.loss_before());
}

TEST_CASE("Explanations give the chain-rule product with the traced numbers", "[trace][explain]") {
  Model m = Model::from_text(find_preset("r0-lenet5").layers, {1, 28, 28}, 3);
  OptimizerConfig sgd;
  Trace t = capture(m, sgd, 0, 1);
  const int L = m.size();
  // ReLU backward (layer 2): ∂L/∂z¹[k] = ∂L/∂a²[k] · 1[z¹[k] > 0]
  const int relu_bwd = 2 * L + 1 - 1;  // ops: L forwards, 2 loss ops, then layer j's backward at 2L + 1 − j
  const TraceOp& op = t.ops()[relu_bwd];
  REQUIRE(op.layer == 1);
  const int dz1 = op.writes.back();
  const TraceTensor& z1 = t.tensor(t.ops()[0].writes[0]);
  int pos = -1, neg = -1;
  for (int k = 0; k < z1.size_per_sample() && (pos < 0 || neg < 0); ++k) (z1.at(0, k) > 0 ? pos : neg) = k;
  REQUIRE(pos >= 0);
  REQUIRE(neg >= 0);
  CHECK(t.explain(relu_bwd, dz1, 0, pos).find("· 1 = ") != std::string::npos);
  CHECK(t.explain(relu_bwd, dz1, 0, neg).find("· 0 = ") != std::string::npos);
  // the loss gradient names ŷ − y with the numbers
  const int lb = t.first_op(OpKind::LossBackward);
  const std::string e = t.explain(lb, t.ops()[lb].writes[0], 0, t.labels()[0]);
  CHECK(e.find("− 1) / 1") != std::string::npos);
  // max-pool backward: a non-zero gradient came from a window this value won
  const int pool_bwd = 2 * L + 1 - 2;  // layer 3 (index 2)
  REQUIRE(t.ops()[pool_bwd].layer == 2);
  const TraceTensor& da = t.tensor(t.ops()[pool_bwd].writes.back());
  int won = -1, lost = -1;
  for (int k = 0; k < da.size_per_sample(); ++k) {
    if (da.at(0, k) != 0 && won < 0) won = k;
    if (da.at(0, k) == 0 && lost < 0) lost = k;
  }
  REQUIRE(won >= 0);
  REQUIRE(lost >= 0);
  CHECK(t.explain(pool_bwd, t.ops()[pool_bwd].writes.back(), 0, won).find("it won its window") != std::string::npos);
  CHECK(t.explain(pool_bwd, t.ops()[pool_bwd].writes.back(), 0, lost).find(" = 0: this value did not win its window") !=
        std::string::npos);
  // the update: W ← W − η·g with the numbers
  const int up = t.first_op(OpKind::Update);
  const std::string u = t.explain(up, t.ops()[up].writes[0], 0, 0);
  CHECK(u.find("← ") != std::string::npos);
  CHECK(u.find(" − 0.01 · ") != std::string::npos);
  CHECK(t.index_label(t.ops()[up].writes[0], 0) == "W¹ new[0, 0, 0, 0]");
}

TEST_CASE("Bad trace requests are refused with a message", "[trace]") {
  Model m = Model::from_text(kMlp, {1, 28, 28}, 8);
  Trace t;
  Matrix x = Matrix::Zero(784, 2);
  CHECK_THROWS_AS(t.capture(m, OptimizerConfig{}, 0, x, {1}), ConfigError);  // labels ≠ samples
  CHECK_THROWS_AS(t.capture(m, OptimizerConfig{}, 0, Matrix::Zero(10, 1), {1}), ConfigError);
  OptimizerConfig bad;
  bad.lr = -1;
  CHECK_THROWS_AS(t.capture(m, bad, 0, Matrix::Zero(784, 1), {1}), ConfigError);
  CHECK(t.empty());
}

TEST_CASE("The trace works for every preset the app offers (MLPs, LeNet-5, CNNs with dropout)", "[trace][presets]") {
  for (const Preset& p : presets()) {
    INFO(p.name << ": " << p.layers);
    Model m = Model::from_text(p.layers, {1, 28, 28}, 1);
    int with_params = 0;
    for (int i = 0; i < m.size(); ++i) with_params += !m.layer(i).params().empty();
    Trace t = capture(m, p.train.optimizer, 12, 1);
    CHECK(static_cast<int>(t.ops().size()) == 2 * m.size() + 2 + with_params);
    CHECK(std::isfinite(t.loss_before()));
    CHECK(std::isfinite(t.loss_after()));
    // every written value of every operation is explained with arithmetic that adds up and
    // prints the written value (probed at a few indices of every tensor written)
    for (size_t o = 0; o < t.ops().size(); ++o)
      for (int id : t.ops()[o].writes) {
        const TraceTensor& tt = t.tensor(id);
        for (int k : {0, tt.size_per_sample() / 3, tt.size_per_sample() - 1}) {
          const Explanation e = t.explanation(static_cast<int>(o), id, 0, k);
          if (t.ops()[o].kind != OpKind::Update) CHECK(e.text().find(t.index_label(id, k)) != std::string::npos);
          if (e.arithmetic().empty())
            CHECK(tt.at(0, k) == 0.0f);  // only "= 0: no gradient reaches it" has no sum
          else
            test::check_adds_up(e, tt.at(0, k));
        }
      }
    Model copy = Model::from_text(p.layers, {1, 28, 28}, 1);
    t.apply_to(copy);
    CHECK(copy.weights_hash() != m.weights_hash());
  }
}
