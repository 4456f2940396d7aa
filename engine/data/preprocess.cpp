#include "data/preprocess.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace bpl {

Preprocessed mnist_preprocess(const std::vector<float>& canvas, int w, int h, float threshold) {
  if (w < 1 || h < 1 || w > 4096 || h > 4096 || canvas.size() != static_cast<size_t>(w) * h)
    throw ConfigError("the drawing must be a canvas of 1…4096 × 1…4096 values");
  Preprocessed out;
  out.pixels.assign(28 * 28, 0);
  // 1. the ink's bounding box
  int x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (canvas[static_cast<size_t>(y) * w + x] > threshold) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (x1 < 0) return out;
  out.empty = false;
  out.crop_x = x0, out.crop_y = y0, out.crop_w = x1 - x0 + 1, out.crop_h = y1 - y0 + 1;
  // 2. scale the longer side to 20 pixels; each target pixel averages the canvas area it covers
  const double scale = 20.0 / std::max(out.crop_w, out.crop_h);
  const int tw = std::max(1, static_cast<int>(std::lround(out.crop_w * scale)));
  const int th = std::max(1, static_cast<int>(std::lround(out.crop_h * scale)));
  std::vector<double> box(static_cast<size_t>(tw) * th, 0.0);
  for (int ty = 0; ty < th; ++ty)
    for (int tx = 0; tx < tw; ++tx) {
      // the source rectangle [sx0, sx1) × [sy0, sy1) in canvas coordinates
      const double sx0 = x0 + tx / scale, sx1 = x0 + (tx + 1) / scale;
      const double sy0 = y0 + ty / scale, sy1 = y0 + (ty + 1) / scale;
      double sum = 0, area = 0;
      for (int y = static_cast<int>(std::floor(sy0)); y < static_cast<int>(std::ceil(sy1)); ++y) {
        const double oy = std::min<double>(y + 1, sy1) - std::max<double>(y, sy0);
        if (oy <= 0 || y < 0 || y >= h) continue;
        for (int x = static_cast<int>(std::floor(sx0)); x < static_cast<int>(std::ceil(sx1)); ++x) {
          const double ox = std::min<double>(x + 1, sx1) - std::max<double>(x, sx0);
          if (ox <= 0 || x < 0 || x >= w) continue;
          sum += ox * oy * std::clamp(canvas[static_cast<size_t>(y) * w + x], 0.0f, 1.0f);
          area += ox * oy;
        }
      }
      box[static_cast<size_t>(ty) * tw + tx] = area > 0 ? sum / area : 0.0;
    }
  // 3. centre of mass of the 20×20 box → the image centre
  double m = 0, cx = 0, cy = 0;
  for (int y = 0; y < th; ++y)
    for (int x = 0; x < tw; ++x) {
      const double v = box[static_cast<size_t>(y) * tw + x];
      m += v, cx += v * (x + 0.5), cy += v * (y + 0.5);
    }
  cx = m > 0 ? cx / m : tw / 2.0;
  cy = m > 0 ? cy / m : th / 2.0;
  out.com_x = cx, out.com_y = cy;
  const int ox = static_cast<int>(std::lround(14.0 - cx)), oy = static_cast<int>(std::lround(14.0 - cy));
  for (int y = 0; y < th; ++y)
    for (int x = 0; x < tw; ++x) {
      const int X = x + ox, Y = y + oy;
      if (X < 0 || Y < 0 || X >= 28 || Y >= 28) continue;
      out.pixels[Y * 28 + X] =
          static_cast<uint8_t>(std::lround(255.0 * std::clamp(box[static_cast<size_t>(y) * tw + x], 0.0, 1.0)));
    }
  return out;
}

}  // namespace bpl
