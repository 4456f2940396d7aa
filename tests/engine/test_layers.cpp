// Every registered layer, walked through the registry: a new layer cannot forget any part of
// the contract (layers/layer.h). For each one, on a small example (layer_example) fed a
// 2×6×6 input:
//   - finite-difference gradient checks of ∂L/∂x and every ∂L/∂θ (the engine's checker)
//   - the fast path agrees with the plain reference loops (forward and backward)
//   - save → load keeps weights, buffers and outputs
//   - equations for both directions, in the stepper's names
//   - explanations of outputs, input gradients and parameter gradients whose arithmetic adds up
#include "explain_check.h"
#include "gradient_check.h"
#include "io/model_file.h"
#include "model/model.h"
#include "test_helpers.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

namespace {

const Shape kInput{2, 6, 6};

Model example_model(const std::string& name, uint64_t seed = 3) {
  return Model::from_text(layer_example(name), kInput, seed);
}

double max_abs_diff(const Matrix& a, const Matrix& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("The registry knows every layer, each with an example that builds", "[layers][registry]") {
  const auto names = layer_names();
  CHECK(names.size() >= 9);
  for (const std::string& n : names) {
    INFO(n);
    Model m = example_model(n);
    CHECK(m.layer(0).type() == n);
    CHECK_FALSE(m.layer(0).kind().empty());
    CHECK_FALSE(m.layer(0).symbol().empty());
    CHECK(m.layer(0).param_roles().size() == m.layer(0).params().size());
  }
}

TEST_CASE("Every registered layer passes a finite-difference gradient check (input and parameters)",
          "[layers][registry]") {
  for (const std::string& n : layer_names()) {
    INFO(n << ": " << layer_example(n));
    Model m = example_model(n);
    Layer& l = m.layer(0);
    l.hold_randomness(true);  // the same dropout mask on every evaluation
    Rng rng(11);
    // values far from ReLU kinks and max-pool ties; a batch of 3
    const LayerCheck c = check_layer(l, distinct_matrix(kInput.size(), 3, rng, 0.02), rng, 30);
    // the engine's checker decides (relative error, or within the finite difference's own
    // uncertainty for tiny gradients); a 5%-off backward fails it (test_gradcheck.cpp)
    CHECK(c.dx.checked > 0);
    CHECK(c.dx.disagree == 0);
    CHECK(c.dx.max_rel < 5e-2);
    REQUIRE(c.params.size() == l.params().size());
    for (const GradError& p : c.params) {
      CHECK(p.disagree == 0);
      CHECK(p.max_rel < 5e-2);
    }
  }
}

TEST_CASE("Every registered layer's fast path agrees with its reference loops", "[layers][registry]") {
  for (const std::string& n : layer_names()) {
    INFO(n << ": " << layer_example(n));
    Model m = example_model(n);
    Layer& l = m.layer(0);
    l.hold_randomness(true);
    Rng rng(5);
    const Matrix x = random_matrix(kInput.size(), 4, rng);
    Matrix y, yr, dx, dxr;
    l.forward_reference(x, yr, Mode::Train);
    const Eigen::MatrixXi winners_ref = l.winners() ? *l.winners() : Eigen::MatrixXi();
    l.forward(x, y, Mode::Train);
    CHECK(max_abs_diff(y, yr) < 1e-4);
    if (l.winners()) CHECK(*l.winners() == winners_ref);  // max pooling: the same input wins each window
    const Matrix dy = random_matrix(y.rows(), y.cols(), rng);
    l.backward(x, y, dy, &dx);
    std::vector<Matrix> grads;
    for (Param* p : l.params()) grads.push_back(p->grad);
    l.backward_reference(x, y, dy, &dxr);
    CHECK(max_abs_diff(dx, dxr) < 1e-4);
    for (size_t i = 0; i < grads.size(); ++i) CHECK(max_abs_diff(grads[i], l.params()[i]->grad) < 1e-4);
    // after an evaluation forward (saliency of a trained model) too
    l.forward(x, y, Mode::Eval);
    l.backward(x, y, dy, &dx);
    l.forward_reference(x, yr, Mode::Eval);
    l.backward_reference(x, yr, dy, &dxr);
    CHECK(max_abs_diff(y, yr) < 1e-4);
    CHECK(max_abs_diff(dx, dxr) < 1e-4);
    // the evaluation-only pass (large batches), and its ReLU-fused form where the layer has one
    Matrix yi;
    l.infer(x, yi);
    CHECK(max_abs_diff(yi, yr) < 1e-4);
    if (l.infer_relu(x, yi)) CHECK(max_abs_diff(yi, yr.cwiseMax(0.0f)) < 1e-4);
  }
}

TEST_CASE("Every registered layer survives save → load (weights, buffers, outputs)", "[layers][registry][model-file]") {
  for (const std::string& n : layer_names()) {
    INFO(n << ": " << layer_example(n));
    Model m = example_model(n);
    Rng rng(8);
    const Matrix x = random_matrix(kInput.size(), 5, rng);
    m.forward(x, Mode::Train);  // moves running statistics away from their initial values
    for (Param* p : m.params()) p->value.array() += 0.25f;
    const std::vector<uint8_t> bytes = serialize_model(m, Normalizer{});
    LoadedModel l = deserialize_model(bytes.data(), bytes.size());
    CHECK(l.model.spec() == m.spec());
    const ModelSnapshot a = m.snapshot(), b = l.model.snapshot();
    REQUIRE(a.value.size() == b.value.size());
    for (size_t i = 0; i < a.value.size(); ++i) CHECK(a.value[i] == b.value[i]);
    REQUIRE(a.buffers.size() == b.buffers.size());
    for (size_t i = 0; i < a.buffers.size(); ++i) CHECK(a.buffers[i] == b.buffers[i]);
    const Matrix ya = m.forward(x, Mode::Eval), yb = l.model.forward(x, Mode::Eval);
    CHECK(ya == yb);
  }
}

TEST_CASE("Every registered layer states its equations and explains what it writes, adding up", "[layers][registry]") {
  for (const std::string& n : layer_names()) {
    INFO(n << ": " << layer_example(n));
    Model m = example_model(n);
    Layer& l = m.layer(0);
    l.hold_randomness(true);
    const TensorNames names{"a¹", "z²", "²"};
    const Lesson lesson = l.lesson(names);
    CHECK(lesson.forward.find("z²") != std::string::npos);
    CHECK(lesson.forward.find("a¹") != std::string::npos);
    CHECK(lesson.backward.find("∂L/∂") != std::string::npos);
    CHECK_FALSE(lesson.forward_note.empty());
    CHECK_FALSE(lesson.backward_note.empty());

    Rng rng(21);
    const int B = 2;
    const Matrix x = random_matrix(kInput.size(), B, rng);
    Matrix y, dx;
    l.forward(x, y, Mode::Train);
    const Matrix dy = random_matrix(y.rows(), y.cols(), rng);
    l.backward(x, y, dy, &dx);
    StepValues v{x, y, dy, dx, {}, {}, names, {}, B, l.input_shape(), l.output_shape()};
    const auto roles = l.param_roles();
    for (size_t i = 0; i < l.params().size(); ++i) {
      v.w.push_back(&l.params()[i]->value);
      v.dw.push_back(&l.params()[i]->grad);
      v.param_names.push_back(roles[i].name + "²");
    }
    for (int probe = 0; probe < 12; ++probe) {
      const int s = static_cast<int>(rng.below(B));
      const long ky = static_cast<long>(rng.below(static_cast<uint32_t>(y.rows())));
      const Explanation f = l.explain_forward(v, s, ky);
      CHECK(f.text().find(v.y_at(ky)) != std::string::npos);
      check_adds_up(f, y(ky, s));
      const long kx = static_cast<long>(rng.below(static_cast<uint32_t>(x.rows())));
      const Explanation b = l.explain_backward(v, -1, s, kx);
      CHECK(b.text().find(v.dx_at(kx)) != std::string::npos);
      if (b.arithmetic().empty())
        CHECK(dx(kx, s) == 0.0f);
      else
        check_adds_up(b, dx(kx, s));
      for (size_t i = 0; i < l.params().size(); ++i) {
        const Matrix& g = l.params()[i]->grad;
        const long kp = static_cast<long>(rng.below(static_cast<uint32_t>(g.size())));
        const Explanation p = l.explain_backward(v, static_cast<int>(i), s, kp);
        check_adds_up(p, g.data()[kp]);
      }
    }
  }
}
