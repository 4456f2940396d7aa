#include "layers/pool2d.h"

#include "core/error.h"

#include <algorithm>

namespace bpl {

std::unique_ptr<Layer> Pool2D::from_spec(const LayerSpec& s, bool max) {
  spec_check(s, 2, {"kernel", "stride"});
  int k = spec_int(s, 0, "kernel", 2, 1, 11);
  int stride = spec_int(s, 1, "stride", k, 1, 11);
  return std::make_unique<Pool2D>(max, k, stride);
}

std::string Pool2D::spec() const {
  return type() + "(" + std::to_string(k_) + (s_ != k_ ? ", stride=" + std::to_string(s_) : "") + ")";
}

std::string Pool2D::describe() const {
  return std::string(max_ ? "MaxPool " : "AvgPool ") + std::to_string(k_) + "×" + std::to_string(k_) +
         (s_ != k_ ? " stride " + std::to_string(s_) : "");
}

Shape Pool2D::setup(const Shape& in, Rng&) {
  in_ = in;
  if (in.h < k_ || in.w < k_)
    throw ConfigError(type() + " window " + std::to_string(k_) + "×" + std::to_string(k_) + " is larger than its " +
                      in.str() + " input");
  if ((in.h - k_) % s_ != 0 || (in.w - k_) % s_ != 0)
    throw ConfigError(type() + "(" + std::to_string(k_) + ") on a " + std::to_string(in.h) + "×" +
                      std::to_string(in.w) + " input: the pooled size (" + std::to_string(in.h) + " − " +
                      std::to_string(k_) + ") / " + std::to_string(s_) +
                      " + 1 is not whole; change the kernel, "
                      "stride or the padding of the layer before");
  out_ = Shape{in.c, (in.h - k_) / s_ + 1, (in.w - k_) / s_ + 1};
  return out_;
}

void Pool2D::forward(const Matrix& x, Matrix& y, Mode mode) {
  if (!(max_ && k_ == 2 && s_ == 2)) return forward_reference(x, y, mode);
  const int B = static_cast<int>(x.cols());
  const int C = in_.c, H = in_.h, W = in_.w, Ho = out_.h, Wo = out_.w;
  y.resize(out_.size(), B);
  argmax_.resize(out_.size(), B);
  // the common case (every preset), unrolled: y = max of the 2×2 window, first maximum wins
  for (int n = 0; n < B; ++n) {
    const float* xs = x.col(n).data();
    float* ys = y.col(n).data();
    int* am = argmax_.col(n).data();
    for (int c = 0; c < C; ++c)
      for (int oh = 0; oh < Ho; ++oh) {
        const int r0 = (c * H + 2 * oh) * W, o0 = (c * Ho + oh) * Wo;
        for (int ow = 0; ow < Wo; ++ow) {
          const int i0 = r0 + 2 * ow, i1 = i0 + 1, i2 = i0 + W, i3 = i2 + 1;
          int best = i0;
          float bv = xs[i0];
          if (xs[i1] > bv) {
            bv = xs[i1];
            best = i1;
          }
          if (xs[i2] > bv) {
            bv = xs[i2];
            best = i2;
          }
          if (xs[i3] > bv) {
            bv = xs[i3];
            best = i3;
          }
          ys[o0 + ow] = bv;
          am[o0 + ow] = best;
        }
      }
  }
}

// Evaluation only: 2×2 max pooling without recording the winners, in two loops the compiler
// vectorises: max(max(x00, x10), max(x01, x11)). The value is forward's (a maximum is a maximum;
// std::max keeps its first argument on ties, ±0 included, as forward's first maximum does).
void Pool2D::infer(const Matrix& x, Matrix& y) {
  if (!(max_ && k_ == 2 && s_ == 2)) return forward(x, y, Mode::Eval);
  const int B = static_cast<int>(x.cols());
  const int C = in_.c, H = in_.h, W = in_.w, Ho = out_.h, Wo = out_.w;
  y.resize(out_.size(), B);
  rows_.resize(2 * Wo);
  for (int n = 0; n < B; ++n)
    for (int c = 0; c < C; ++c)
      for (int oh = 0; oh < Ho; ++oh) {
        const float* r0 = x.col(n).data() + static_cast<long>(c * H + 2 * oh) * W;
        const float* r1 = r0 + W;
        float* o = y.col(n).data() + static_cast<long>(c * Ho + oh) * Wo;
        float* rows = rows_.data();
        for (int j = 0; j < 2 * Wo; ++j) rows[j] = std::max(r0[j], r1[j]);                 // down the window
        for (int ow = 0; ow < Wo; ++ow) o[ow] = std::max(rows[2 * ow], rows[2 * ow + 1]);  // across it
      }
}

// The definition, window by window, for every kernel and stride (the unrolled 2×2 path above is
// tested against it).
void Pool2D::forward_reference(const Matrix& x, Matrix& y, Mode) {
  const int B = static_cast<int>(x.cols());
  const int C = in_.c, H = in_.h, W = in_.w, Ho = out_.h, Wo = out_.w;
  y.resize(out_.size(), B);
  if (max_) argmax_.resize(out_.size(), B);
  const float inv = 1.0f / static_cast<float>(k_ * k_);
  for (int n = 0; n < B; ++n) {
    const float* xs = x.col(n).data();
    float* ys = y.col(n).data();
    int* am = max_ ? argmax_.col(n).data() : nullptr;
    for (int c = 0; c < C; ++c)
      for (int oh = 0; oh < Ho; ++oh)
        for (int ow = 0; ow < Wo; ++ow) {
          const int o = (c * Ho + oh) * Wo + ow;
          const int base = (c * H + oh * s_) * W + ow * s_;
          if (max_) {
            int best = base;
            float bv = xs[base];
            for (int i = 0; i < k_; ++i)
              for (int j = 0; j < k_; ++j) {
                int idx = base + i * W + j;
                if (xs[idx] > bv) {  // first maximum wins ties, as in the stepper's display
                  bv = xs[idx];
                  best = idx;
                }
              }
            ys[o] = bv;  // y = max over the window
            am[o] = best;
          } else {
            float sum = 0.0f;
            for (int i = 0; i < k_; ++i)
              for (int j = 0; j < k_; ++j) sum += xs[base + i * W + j];
            ys[o] = sum * inv;  // y = mean over the window
          }
        }
  }
}

void Pool2D::backward(const Matrix&, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (!dx) return;
  const int B = static_cast<int>(dy.cols());
  const int C = in_.c, W = in_.w, Ho = out_.h, Wo = out_.w;
  dx->setZero(in_.size(), B);
  const float inv = 1.0f / static_cast<float>(k_ * k_);
  for (int n = 0; n < B; ++n) {
    const float* g = dy.col(n).data();
    float* d = dx->col(n).data();
    if (max_) {
      const int* am = argmax_.col(n).data();
      for (long o = 0; o < out_.size(); ++o) d[am[o]] += g[o];  // ∂L/∂x_winner = ∂L/∂y
    } else {
      for (int c = 0; c < C; ++c)
        for (int oh = 0; oh < Ho; ++oh)
          for (int ow = 0; ow < Wo; ++ow) {
            const float share = g[(c * Ho + oh) * Wo + ow] * inv;  // ∂L/∂x = ∂L/∂y / k²
            const int base = (c * in_.h + oh * s_) * W + ow * s_;
            for (int i = 0; i < k_; ++i)
              for (int j = 0; j < k_; ++j) d[base + i * W + j] += share;
          }
    }
  }
}

Lesson Pool2D::lesson(const TensorNames& n) const {
  const std::string win = "[c, i·" + std::to_string(s_) + "+u, j·" + std::to_string(s_) + "+v]";
  const std::string kk = std::to_string(k_ * k_);
  if (max_)
    return {n.y + "[c,i,j] = max_{u,v} " + n.x + win,
            n.dx() + "[winner] = " + n.dy() + "[c,i,j],   0 for every other input of the window",
            "Keeps the largest value of each window (and remembers which one won).",
            "Only the value that won each window gets the gradient."};
  return {n.y + "[c,i,j] = (1/" + kk + ") Σ_{u,v} " + n.x + win, n.dx() + win + " += " + n.dy() + "[c,i,j] / " + kk,
          "Averages each window (LeNet's subsampling).",
          "Each input of a window gets an equal share of the window's gradient."};
}

Explanation Pool2D::explain_forward(const StepValues& v, int s, long k) const {
  const int c = static_cast<int>(k / (out_.h * out_.w)), oi = static_cast<int>((k / out_.w) % out_.h),
            oj = static_cast<int>(k % out_.w);
  std::vector<double> vals;
  long winner = -1;
  double best = 0;
  for (int u = 0; u < k_; ++u)
    for (int w = 0; w < k_; ++w) {
      const long idx = (static_cast<long>(c) * in_.h + oi * s_ + u) * in_.w + oj * s_ + w;
      vals.push_back(v.x(idx, s));
      if (winner < 0 || v.x(idx, s) > best) best = v.x(idx, s), winner = idx;  // first maximum wins, as forward
    }
  Explanation e;
  if (!max_)
    return e.calc(
        v.y_at(k) + " = mean of its window", "(" + sum_pattern(k_ * k_, false) + ") / {}",
        [&] {
          auto o = vals;
          o.push_back(k_ * k_);
          return o;
        }(),
        v.y(k, s));
  std::string pattern = "max(";
  for (int i = 0; i < k_ * k_; ++i) pattern += i ? ", {}" : "{}";
  return e.calc(v.y_at(k) + " = max of its window", pattern + ")", vals, v.y(k, s))
      .say("the winner: " + v.x_at(winner), true);
}

Explanation Pool2D::explain_backward(const StepValues& v, int, int s, long k) const {
  const int c = static_cast<int>(k / (in_.h * in_.w)), r = static_cast<int>((k / in_.w) % in_.h),
            q = static_cast<int>(k % in_.w);
  std::vector<double> ops;
  std::string names;
  for (int oi = 0; oi < out_.h; ++oi)
    for (int oj = 0; oj < out_.w; ++oj) {
      if (r < oi * s_ || r >= oi * s_ + k_ || q < oj * s_ || q >= oj * s_ + k_) continue;  // not in this window
      const long o = (static_cast<long>(c) * out_.h + oi) * out_.w + oj;
      if (max_) {
        // the winner of window o, found again from the traced input (first maximum wins, as forward)
        long win = -1;
        for (int u = 0; u < k_; ++u)
          for (int w = 0; w < k_; ++w) {
            const long idx = (static_cast<long>(c) * in_.h + oi * s_ + u) * in_.w + oj * s_ + w;
            if (win < 0 || v.x(idx, s) > v.x(win, s)) win = idx;
          }
        if (win != k) continue;
      }
      ops.push_back(v.dy(o, s));
      if (!max_) ops.push_back(k_ * k_);
      names += (names.empty() ? "" : " + ") + v.dy_at(o) + (max_ ? "" : " / " + std::to_string(k_ * k_));
    }
  Explanation e;
  if (ops.empty())
    return e.say(
        v.dx_at(k) + " = 0: " +
        (max_ ? "this value did not win its window, so no gradient reaches it" : "no window covers this value"));
  std::string pattern;
  for (size_t i = 0; i < ops.size(); i += max_ ? 1 : 2)
    pattern += std::string(i ? " + " : "") + (max_ ? "{}" : "{} / {}");
  e.calc(v.dx_at(k) + " = " + names, pattern, ops, v.dx(k, s));
  if (max_) e.say("it won its window in the forward pass, so the window's gradient passes to it", true);
  return e;
}

}  // namespace bpl
