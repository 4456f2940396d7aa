#include "core/error.h"
#include "data/preprocess.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace bpl;

namespace {

std::vector<float> canvas_with(int w, int h, int x0, int y0, int x1, int y1, float v = 1.0f) {
  std::vector<float> c(static_cast<size_t>(w) * h, 0.0f);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) c[static_cast<size_t>(y) * w + x] = v;
  return c;
}

void centre_of_mass(const std::vector<uint8_t>& p, double& cx, double& cy) {
  double m = 0;
  cx = cy = 0;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) m += p[y * 28 + x], cx += p[y * 28 + x] * (x + 0.5), cy += p[y * 28 + x] * (y + 0.5);
  cx /= m;
  cy /= m;
}

}  // namespace

TEST_CASE("Preprocessing: a known stroke becomes the expected centred 28×28 image", "[preprocess]") {
  // a vertical bar, 10 wide and 60 tall, at (40, 20) on a 100×100 canvas
  Preprocessed p = mnist_preprocess(canvas_with(100, 100, 40, 20, 50, 80), 100, 100);
  REQUIRE_FALSE(p.empty);
  CHECK(p.crop_x == 40);
  CHECK(p.crop_y == 20);
  CHECK(p.crop_w == 10);
  CHECK(p.crop_h == 60);
  // 60 → 20 rows, 10 → round(3.33) = 3 columns, all ink; centre of mass (1.5, 10) → shifted by
  // round(14 − 1.5) = 13 columns and 14 − 10 = 4 rows
  std::vector<uint8_t> expected(28 * 28, 0);
  for (int y = 4; y < 24; ++y)
    for (int x = 13; x < 16; ++x) expected[y * 28 + x] = 255;
  CHECK(p.pixels == expected);
}

TEST_CASE("Preprocessing: an off-centre digit is scaled into 20×20 and centred by its mass", "[preprocess]") {
  // an L shape in the top-left corner of a 300×200 canvas
  std::vector<float> c = canvas_with(300, 200, 10, 10, 30, 150);
  for (int y = 130; y < 150; ++y)
    for (int x = 30; x < 110; ++x) c[static_cast<size_t>(y) * 300 + x] = 1.0f;
  Preprocessed p = mnist_preprocess(c, 300, 200);
  int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x)
      if (p.pixels[y * 28 + x]) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  CHECK(std::max(x1 - x0 + 1, y1 - y0 + 1) == 20);  // the longer side fills the 20-pixel box
  double cx, cy;
  centre_of_mass(p.pixels, cx, cy);
  CHECK(std::abs(cx - 14.0) <= 0.5);
  CHECK(std::abs(cy - 14.0) <= 0.5);
}

TEST_CASE("Preprocessing: thin strokes give anti-aliased grey levels, an empty canvas stays empty", "[preprocess]") {
  // a 2-pixel-wide diagonal on a 280×280 canvas: 14× smaller, so partial coverage everywhere
  std::vector<float> c(280 * 280, 0.0f);
  for (int i = 0; i < 280; ++i)
    for (int d = 0; d < 2; ++d) c[static_cast<size_t>(i) * 280 + std::min(279, i + d)] = 1.0f;
  Preprocessed p = mnist_preprocess(c, 280, 280);
  int grey = 0;
  for (uint8_t v : p.pixels) grey += v > 0 && v < 255;
  CHECK(grey >= 20);
  Preprocessed e = mnist_preprocess(std::vector<float>(50 * 40, 0.0f), 50, 40);
  CHECK(e.empty);
  CHECK(std::count(e.pixels.begin(), e.pixels.end(), 0) == 28 * 28);
  CHECK_THROWS_AS(mnist_preprocess(std::vector<float>(10, 0.0f), 5, 5), ConfigError);
  CHECK_THROWS_AS(mnist_preprocess({}, 0, 0), ConfigError);
}
