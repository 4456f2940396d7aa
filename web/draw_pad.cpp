#include "draw_pad.h"

#include "model/saliency.h"

#include <algorithm>
#include <cmath>

namespace bpl::app {

void DrawPad::clear() {
  undo_stack.push_back(canvas);
  std::fill(canvas.begin(), canvas.end(), 0.0f);
  dirty = true;
}

void DrawPad::undo() {
  if (undo_stack.empty()) return;
  canvas = std::move(undo_stack.back());
  undo_stack.pop_back();
  dirty = true;
}

void DrawPad::stroke_begin() {
  undo_stack.push_back(canvas);
  if (undo_stack.size() > 50) undo_stack.erase(undo_stack.begin());
}

void DrawPad::paint(float x0, float y0, float x1, float y1) {
  if (!std::isfinite(x0 + y0 + x1 + y1)) return;
  // strokes that leave the canvas are clipped to just outside it
  x0 = std::clamp(x0, -50.0f, kSize + 50.0f), x1 = std::clamp(x1, -50.0f, kSize + 50.0f);
  y0 = std::clamp(y0, -50.0f, kSize + 50.0f), y1 = std::clamp(y1, -50.0f, kSize + 50.0f);
  // a round brush with a soft edge, stamped along the segment every quarter radius
  const int N = kSize;
  const float r = std::max(1.0f, brush * 0.5f);
  const float len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(len / (r * 0.25f)));
  for (int s = 0; s <= steps; ++s) {
    const float cx = x0 + (x1 - x0) * s / steps, cy = y0 + (y1 - y0) * s / steps;
    for (int y = std::max(0, static_cast<int>(cy - r - 1)); y <= std::min(N - 1, static_cast<int>(cy + r + 1)); ++y)
      for (int x = std::max(0, static_cast<int>(cx - r - 1)); x <= std::min(N - 1, static_cast<int>(cx + r + 1)); ++x) {
        const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
        const float ink = std::clamp(r + 0.5f - d, 0.0f, 1.0f);  // 1 inside, a one-pixel ramp at the edge
        float& c = canvas[static_cast<size_t>(y) * N + x];
        c = std::max(c, ink);
      }
  }
  dirty = true;
}

void DrawPad::update(TrainingSession& s, const std::function<bool()>& model_ready) {
  if (!dirty && predicted_once && at_weights == s.weights_version()) return;
  if (dirty) pre = mnist_preprocess(canvas, kSize, kSize);  // only a new drawing
  dirty = false;
  at_weights = s.weights_version();
  predicted_once = true;
  ++version;
  probs.clear();
  saliency.clear();
  top = -1;
  if (pre.empty || !model_ready()) return;
  at_weights = s.weights_version();  // building the model may have made fresh weights
  Matrix x(784, 1);
  for (int i = 0; i < 784; ++i) x(i, 0) = s.normalizer().apply(pre.pixels[i]);
  Matrix p;
  softmax(s.model().forward(x, Mode::Eval), p);
  probs.assign(p.data(), p.data() + p.size());
  top = static_cast<int>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  const Matrix sal = bpl::saliency(s.model(), x, top);  // ∂z_top/∂x from the engine's backward pass
  saliency.assign(sal.data(), sal.data() + sal.size());
}

std::string DrawPad::teach(TrainingSession& s, int label) {
  if (pre.empty) return "draw a digit first";
  if (label < 0 || label > 9) return "the label must be 0–9";
  // the drawing joins the training images (this session only) and the next epochs train on it
  s.add_train_image(pre.pixels, label);
  ++taught;
  return "";
}

}  // namespace bpl::app
