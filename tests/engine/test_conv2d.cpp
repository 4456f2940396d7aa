#include "gradient_check.h"
#include "layers/conv2d.h"
#include "layers/pool2d.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

namespace {

struct Case {
  Shape in;
  int filters;
  const char* kernel;
  int stride;
  const char* pad;
};

const Case kCases[] = {
    {{1, 8, 8}, 3, "3", 1, "valid"},
    {{2, 7, 9}, 4, "3", 2, "1"},
    {{3, 6, 6}, 2, "5", 1, "same"},
    {{2, 9, 7}, 3, "3x5", 1, "same"},
    {{1, 10, 10}, 2, "4", 3, "2"},
    {{4, 5, 5}, 5, "1", 1, "valid"},
    {{1, 11, 11}, 2, "11", 1, "valid"},
    {{2, 6, 8}, 3, "2", 2, "same"},
    // stride 1 runs the direct kernels: LeNet-5's two layers (output rows of whole vectors,
    // written in place), rows of 14 and 20 (a partial vector), output channels that are not a
    // whole channel block (10, 7, 1) and more of them than one block (32)
    {{1, 28, 28}, 6, "5", 1, "valid"},
    {{6, 12, 12}, 16, "5", 1, "valid"},
    {{16, 14, 14}, 32, "3", 1, "same"},
    {{3, 9, 20}, 10, "3", 1, "1"},
    {{5, 13, 11}, 7, "2x4", 1, "2"},
    {{2, 4, 30}, 1, "3", 1, "valid"},
};

std::unique_ptr<Layer> make(const Case& c) {
  return make_layer(parse_layer_spec("conv(" + std::to_string(c.filters) + ", " + c.kernel +
                                     ", stride=" + std::to_string(c.stride) + ", pad=" + c.pad + ")"));
}

}  // namespace

TEST_CASE("Conv2D's fast paths (direct kernels at stride 1, im2col + GEMM otherwise) equal its reference loops",
          "[conv2d]") {
  Rng rng(11);
  for (const Case& c : kCases) {
    auto layer = make(c);
    auto& conv = static_cast<Conv2D&>(*layer);
    conv.setup(c.in, rng);
    conv.bias().value = random_matrix(c.filters, 1, rng);
    Matrix x = random_matrix(c.in.size(), 3, rng), y, want;
    conv.forward(x, y, Mode::Train);
    conv.forward_reference(x, want, Mode::Train);
    INFO(conv.spec() << " on " << c.in.str());
    REQUIRE(y.rows() == want.rows());
    CHECK((y - want).cwiseAbs().maxCoeff() < 1e-4);
    // evaluation of a large batch: the same outputs, and with ReLU applied as they are written
    Matrix yi;
    conv.infer(x, yi);
    CHECK((yi - want).cwiseAbs().maxCoeff() < 1e-4);
    CHECK(conv.infer_relu(x, yi) == (c.stride == 1));
    if (c.stride == 1) CHECK((yi - want.cwiseMax(0.0f)).cwiseAbs().maxCoeff() < 1e-4);
    conv.forward(x, y, Mode::Train);  // backward below reads this forward's batch
    Matrix dy = random_matrix(y.rows(), y.cols(), rng), dx, dx_ref;
    conv.backward(x, y, dy, &dx);
    const Matrix dW = conv.weights().grad, db = conv.bias().grad;
    conv.backward_reference(x, y, dy, &dx_ref);
    CHECK((dx - dx_ref).cwiseAbs().maxCoeff() < 1e-4);
    CHECK((dW - conv.weights().grad).cwiseAbs().maxCoeff() < 1e-4);
    CHECK((db - conv.bias().grad).cwiseAbs().maxCoeff() < 1e-3);
    // the bias gradient by a third route: ∂L/∂b[c] sums ∂L/∂y over positions and samples
    CHECK((db.col(0) - dy.reshaped(conv.geometry().patches(), c.filters * dy.cols())
                           .colwise()
                           .sum()
                           .reshaped(c.filters, dy.cols())
                           .rowwise()
                           .sum())
              .cwiseAbs()
              .maxCoeff() < 1e-3);
  }
}

TEST_CASE("Conv2D's evaluation pass with ReLU and 2×2 max pooling fused equals the reference loops", "[conv2d]") {
  // every stride-1 case whose output has even rows and columns: rows of whole vectors (written
  // in place) and not (14, 12, 28 columns; 6 pooled), channel counts that are not a block (7, 1),
  // more than one block (32), padding; odd batch sizes
  Rng rng(13);
  int fused = 0;
  for (const Case& c : kCases)
    for (int images : {1, 3, 5}) {
      auto layer = make(c);
      auto& conv = static_cast<Conv2D&>(*layer);
      const Shape out = conv.setup(c.in, rng);
      conv.bias().value = random_matrix(c.filters, 1, rng);
      const Matrix x = random_matrix(c.in.size(), images, rng);
      Matrix want, pooled, y;
      conv.forward_reference(x, want, Mode::Eval);
      const bool even = out.h % 2 == 0 && out.w % 2 == 0;
      INFO(conv.spec() << " on " << c.in.str() << ", " << images << " images");
      CHECK(conv.infer_relu_pool(x, 2, y) == (c.stride == 1 && even));
      CHECK_FALSE(conv.infer_relu_pool(x, 3, y));  // only 2×2 windows
      if (c.stride != 1 || !even) continue;
      ++fused;
      Pool2D pool(true, 2, 2);
      pool.setup(out, rng);
      pool.forward_reference(want.cwiseMax(0.0f), pooled, Mode::Eval);  // max pooling of max(0, z)
      REQUIRE(y.rows() == pooled.rows());
      REQUIRE(y.cols() == images);
      CHECK((y - pooled).cwiseAbs().maxCoeff() < 1e-4);
      // and exactly what the unfused evaluation gives: the same sums, a maximum is a maximum
      Matrix yr, yp;
      conv.infer_relu(x, yr);
      pool.infer(yr, yp);
      CHECK(y == yp);
    }
  CHECK(fused == 7 * 3);
}

TEST_CASE("Conv2D backward matches finite differences (stride, padding, channels)", "[conv2d][gradcheck]") {
  Rng rng(12);
  for (const Case& c : kCases) {
    auto layer = make(c);
    layer->setup(c.in, rng);
    // convolution is linear in x and in W: the central difference is exact up to rounding, so a
    // larger step keeps the rounding small
    LayerCheck r = check_layer(*layer, random_matrix(c.in.size(), 2, rng), rng, 40, 1e-2);
    INFO(layer->spec() << " on " << c.in.str() << ": dx " << r.dx.max_rel << " dW " << r.params[0].max_rel << " db "
                       << r.params[1].max_rel);
    CHECK(r.worst() < 1e-2);
  }
}

TEST_CASE("Conv2D output shapes and configuration errors", "[conv2d]") {
  Rng rng(1);
  auto l = make_layer(parse_layer_spec("conv(16, 3, pad=same)"));
  CHECK(l->setup(Shape{1, 28, 28}, rng) == Shape{16, 28, 28});
  auto l2 = make_layer(parse_layer_spec("conv(6, 5)"));
  CHECK(l2->setup(Shape{1, 28, 28}, rng) == Shape{6, 24, 24});
  CHECK(l2->param_count() == 6 * 25 + 6);
  auto l3 = make_layer(parse_layer_spec("conv(4, 3, stride=2, pad=1)"));
  CHECK(l3->setup(Shape{3, 28, 28}, rng) == Shape{4, 14, 14});
  auto big = make_layer(parse_layer_spec("conv(4, 7)"));
  CHECK_THROWS_WITH(big->setup(Shape{1, 5, 5}, rng), Catch::Contains("kernel 7×7 is larger than its 5×5 input"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("conv(4, 12)")), Catch::Contains("1 to 11"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("conv(4, 3, stride=0)")), Catch::Contains("stride"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("conv(4, 3, pad=full)")), Catch::Contains("pad must be"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("conv(4)")), Catch::Contains("kernel size is missing"));
}
