#include "gradient_check.h"
#include "loss/softmax_cross_entropy.h"
#include "model/model.h"
#include "model/presets.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace bpl;
using namespace bpl::test;

namespace {

// The piecewise-linear "region" the network is in: every ReLU's input signs and every
// max-pool's winners. A finite difference across a kink measures a different function than
// the gradient describes, so probes whose ± steps change the region are discarded.
std::vector<int> region(Model& m, const Matrix& x) {
  std::vector<int> r;
  for (int i = 0; i < m.size(); ++i) {
    const Matrix& in = i == 0 ? x : m.activation(i - 1);
    if (m.layer(i).type() == "relu")
      for (Eigen::Index k = 0; k < in.size(); ++k) r.push_back(in.data()[k] > 0);
    if (const Eigen::MatrixXi* am = m.layer(i).winners()) r.insert(r.end(), am->data(), am->data() + am->size());
  }
  return r;
}

// Whole network + loss: L = CE(model(x), y), checked on ∂L/∂x and on every ∂L/∂θ, entry by
// entry (the largest entries and random ones), only where the ± step stays in one region.
void check_network(const std::string& layers, uint64_t seed, double tol) {
  Model m = Model::from_text(layers, Shape{1, 28, 28}, seed);
  Rng rng(seed + 100);
  Matrix x = random_matrix(784, 3, rng, 0.5);
  std::vector<int> y = {3, 7, 1};
  SoftmaxCrossEntropy ce;
  ce.forward(m.forward(x, Mode::Train), y);
  const std::vector<int> base = region(m, x);
  Matrix dz;
  ce.backward(dz);
  m.backward(dz, true);
  Matrix dx = m.input_grad();
  std::vector<int> reg;
  auto f = [&]() {
    SoftmaxCrossEntropy c;
    double l = c.forward(m.forward(x, Mode::Train), y);
    reg = region(m, x);
    return l;
  };
  auto check = [&](Matrix& wrt, const Matrix& g, const std::string& what) {
    const int n = static_cast<int>(g.size());
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    const int top = std::min(n, 12);
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](int a, int b) { return std::abs(g.data()[a]) > std::abs(g.data()[b]); });
    std::vector<int> probe(order.begin(), order.begin() + top);
    for (int k = 0; k < 12; ++k) probe.push_back(static_cast<int>(rng.below(n)));
    // The engine computes in float, so f carries rounding of ~1e-7·L: the step must be large
    // (the largest of 3e-2 … 3e-4 that stays in one linear region) and entries far
    // below the tensor's largest gradient are judged against a quarter of that largest one.
    const double floor = 0.25 * std::abs(g.data()[order[0]]) + 1e-9;
    int valid = 0;
    double worst = 0;
    for (int i : probe) {
      for (float h : {3e-2f, 1e-2f, 3e-3f, 1e-3f, 3e-4f}) {
        // a kink inside the ± step: try a smaller one (the checker evaluates θ, θ+h, θ−h, θ±2h in
        // that order; the central difference uses θ ± h)
        bool crossed = false;
        int call = 0;
        auto f_in_region = [&] {
          const double v = f();
          if (++call == 2 || call == 3) crossed |= reg != base;
          return v;
        };
        const GradCheckResult r = bpl::check_gradient(f_in_region, &wrt.data()[i], g.data()[i], h, floor);
        if (crossed) continue;
        ++valid;
        const double numeric = r.numeric, err = r.rel_error;
        if (err > worst) worst = err;
        INFO(what << "[" << i << "] step " << h << " analytic " << g.data()[i] << " numeric " << numeric);
        CHECK(err < tol);
        break;
      }
    }
    INFO(what << ": " << valid << " of " << probe.size() << " probes stayed in one region; worst error " << worst);
    CHECK(valid >= std::min<int>(4, static_cast<int>(probe.size())));
  };
  check(x, dx, "dL/dx");
  int li = 0;
  for (int i = 0; i < m.size(); ++i)
    for (Param* p : m.layer(i).params()) {
      Matrix g = p->grad;
      check(p->value, g, "layer " + std::to_string(i + 1) + " " + p->name);
      ++li;
    }
  CHECK(li == static_cast<int>(m.params().size()));
}

}  // namespace

TEST_CASE("Whole-network gradient check: MLP", "[model][gradcheck]") {
  check_network("dense(32), relu, dense(16), tanh, dense(10)", 1, 2e-2);
  check_network("dense(24), sigmoid, dense(10, init=he)", 2, 2e-2);
}

TEST_CASE("Whole-network gradient check: LeNet-5, input gradient and parameters", "[model][gradcheck]") {
  // LeNet-5 with He-initialised first layers: their larger pre-activations leave room for
  // finite-difference steps that cross no ReLU kink (the architecture is the preset's)
  check_network(
      "conv(6, 5, init=he), relu, maxpool(2), conv(16, 5, init=he), relu, maxpool(2), flatten, "
      "dense(120), relu, dense(84), relu, dense(10)",
      3, 2e-2);
}

TEST_CASE("Whole-network gradient check: same-padded CNN with average pooling", "[model][gradcheck]") {
  check_network("conv(4, 3, pad=same), tanh, avgpool(2), conv(6, 3, stride=2, pad=1), relu, flatten, dense(10)", 4,
                2e-2);
}

TEST_CASE("Parameter counts match the seed reports", "[model]") {
  auto count = [](const std::string& preset) {
    return Model::from_text(find_preset(preset).layers, Shape{1, 28, 28}, 1).param_count();
  };
  CHECK(count("r0-mlp") == 101770);  // 784·128+128+128·10+10 (R0's stated 101,058 is wrong)
  CHECK(count("r3-mlp") == 101770);
  CHECK(count("r3-cnn") == 421642);  // R3's figure
  CHECK(count("r0-lenet5") == 44426);
  CHECK(count("r2-mlp") == 109386);
}

TEST_CASE("Every preset builds and its spec text round-trips", "[model]") {
  for (const Preset& p : presets()) {
    INFO(p.name);
    Model m = Model::from_text(p.layers, Shape{1, 28, 28}, 1);
    CHECK(m.output_shape().size() == 10);
    Model again = Model::from_text(m.spec(), Shape{1, 28, 28}, 1);
    CHECK(again.spec() == m.spec());
    CHECK(again.param_count() == m.param_count());
  }
}

TEST_CASE("Model errors name the layer and the problem, at build time", "[model]") {
  CHECK_THROWS_WITH(
      Model::from_text("conv(6, 5), maxpool(2), conv(16, 5), maxpool(2), conv(8, 5)", Shape{1, 28, 28}, 1),
      Catch::Contains("layer 5") && Catch::Contains("kernel 5×5 is larger than its 4×4 input"));
  CHECK_THROWS_WITH(Model::from_text("conv(6, 5), maxpool(5)", Shape{1, 28, 28}, 1), Catch::Contains("not whole"));
  CHECK_THROWS_WITH(Model::from_text("dense(10), blah", Shape{1, 28, 28}, 1),
                    Catch::Contains("unknown layer \"blah\""));
  CHECK_THROWS_WITH(Model::from_text("dense(10", Shape{1, 28, 28}, 1), Catch::Contains("parenthes"));
  CHECK_THROWS_WITH(Model::from_text("dense(20000), dense(2000)", Shape{1, 28, 28}, 1),
                    Catch::Contains("layer 2") && Catch::Contains("20 million"));
  CHECK_THROWS_WITH(Model::from_text("dense(15000), relu, dense(1000)", Shape{1, 28, 28}, 1),
                    Catch::Contains("layer 3") && Catch::Contains("more than 20000000 parameters"));
  CHECK_THROWS_WITH(Model::from_text("conv(1024, 3, pad=same), conv(1024, 11, pad=same)", Shape{1, 28, 28}, 1),
                    Catch::Contains("larger than this lab allows"));
  CHECK_THROWS_WITH(Model::from_text("conv(64, 1)", Shape{3, 300, 300}, 1), Catch::Contains("this lab allows"));
  Model m = Model::from_text("dense(10)", Shape{1, 28, 28}, 1);
  Matrix wrong(100, 2);
  CHECK_THROWS_WITH(m.forward(wrong, Mode::Eval), Catch::Contains("expects 784"));
}

TEST_CASE("The same seed gives bit-identical initial weights, another seed does not", "[model][determinism]") {
  const std::string l = find_preset("r0-lenet5").layers;
  Model a = Model::from_text(l, Shape{1, 28, 28}, 42), b = Model::from_text(l, Shape{1, 28, 28}, 42),
        c = Model::from_text(l, Shape{1, 28, 28}, 43);
  auto wa = a.snapshot().value, wb = b.snapshot().value, wc = c.snapshot().value;
  bool all_same = true, any_diff = false;
  for (size_t i = 0; i < wa.size(); ++i) {
    all_same &= (wa[i] == wb[i]);
    any_diff |= (wa[i] != wc[i]);
  }
  CHECK(all_same);
  CHECK(any_diff);
}

// The logits of a batch evaluated at once (in chunks) against each image evaluated alone; returns
// the batch's logits.
static Matrix eval_equals_image_by_image(Model& m, const Matrix& x) {
  const Matrix batched = m.forward(x, Mode::Eval);
  REQUIRE(batched.cols() == x.cols());
  for (int n = 0; n < x.cols(); ++n) {
    const Matrix one = m.forward(x.col(n), Mode::Eval);
    INFO("image " << n);
    CHECK((batched.col(n) - one).cwiseAbs().maxCoeff() < 1e-5f);
  }
  return batched;
}

TEST_CASE("A large evaluation batch runs in chunks and gives the logits of image-by-image evaluation", "[model]") {
  Model m = Model::from_text(find_preset("r0-lenet5").layers, Shape{1, 28, 28}, 3);
  Rng rng(4);
  const int B = 2 * Model::kEvalChunk + 5;  // two whole chunks and a partial one
  const Matrix x = random_matrix(784, B, rng, 0.5);
  const Matrix batched = eval_equals_image_by_image(m, x);
  // training-mode batches are never chunked: backward needs every layer's whole output
  const Matrix& z = m.forward(x, Mode::Train);
  CHECK(m.activation(m.size() - 1).cols() == B);
  CHECK((z - batched).cwiseAbs().maxCoeff() < 1e-5f);
}

TEST_CASE("Evaluation in chunks equals image-by-image evaluation where layers fuse and where they cannot", "[model]") {
  // conv → ReLU → max pooling fused (padded, 5 channels), ReLU only (before an average pooling),
  // a strided convolution (no direct kernel), pooling before ReLU; dense layers with and without
  // ReLU after them; a batch of whole chunks and a remainder of 1
  const char* models[] = {
      "conv(5, 3, pad=same), relu, maxpool(2), conv(8, 3), relu, avgpool(2), flatten, dense(12), relu, dense(10)",
      "conv(4, 3, stride=2, pad=1), relu, maxpool(2), flatten, dense(10)",
      "conv(3, 5), maxpool(2), relu, flatten, dense(16), tanh, dense(10)",
  };
  for (const char* layers : models) {
    INFO(layers);
    Model m = Model::from_text(layers, Shape{1, 28, 28}, 5);
    Rng rng(6);
    const Matrix x = random_matrix(784, 2 * Model::kEvalChunk + 1, rng, 0.5);
    eval_equals_image_by_image(m, x);
  }
}
