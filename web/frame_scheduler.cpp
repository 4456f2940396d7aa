#include "frame_scheduler.h"

#include <algorithm>
#include <vector>

namespace bpl::app {

double FrameStats::percentile(double p) const {
  if (frame_ms.empty()) return 0;
  std::vector<float> v(frame_ms.begin(), frame_ms.end());
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

void FrameScheduler::frame_started(float interval_ms, FrameStats& fs) {
  // the first frame's interval includes the start-up, the first after sleeping the sleep
  const bool slept = slept_;
  slept_ = false;
  if (painted_frames_ == 0 || slept) return;
  fs.frame_ms.push_back(interval_ms);
  if (fs.frame_ms.size() > 600) fs.frame_ms.pop_front();
  fs.fps = 0.9 * fs.fps + 0.1 * (1000.0 / std::max(1.0f, interval_ms));
}

FrameScheduler::Work FrameScheduler::work(FrameStats& fs, bool training, bool experiments) {
  const Work w = training && paint_cost_ms_ <= kExpensivePaintMs ? Work::Train
                 : experiments                                   ? Work::Experiments
                                                                 : Work::None;
  if (w != Work::None) {
    const double target = kFrameMs - fs.ui_ms - kMarginMs;
    fs.train_budget_ms = std::clamp(0.7 * fs.train_budget_ms + 0.3 * target, 1.0, kFrameMs - kMarginMs);
  }
  return w;
}

bool FrameScheduler::should_paint(float interval_ms, const Activity& a, double now_ms) {
  if (painted_last_) paint_cost_ms_ = 0.8 * paint_cost_ms_ + 0.2 * std::max(0.0, interval_ms - kFrameMs);
  painted_last_ = false;
  asleep_ = false;
  const bool active = a.training || a.input || a.font_dirty || a.busy || woken_;
  woken_ = false;
  quiet_frames_ = active ? 0 : std::min(quiet_frames_ + 1, kLingerFrames + 1);
  if (a.training && !a.input && ++since_paint_ < (expensive_paint() ? 3 : 1) && !a.font_dirty) return false;
  if (quiet_frames_ > kLingerFrames && !(a.typing && now_ms - last_paint_ms_ >= kBlinkMs)) {
    asleep_ = slept_ = true;
    sleep_until_ms_ = a.typing ? last_paint_ms_ + kBlinkMs : kForever;
    return false;
  }
  since_paint_ = 0;
  painted_last_ = true;
  last_paint_ms_ = now_ms;
  return true;
}

void FrameScheduler::painted(double ui_ms, FrameStats& fs) {
  fs.ui_ms = 0.9 * fs.ui_ms + 0.1 * ui_ms;
  ++painted_frames_;
}

void FrameScheduler::measure_rate(double now_s, long images_seen, bool training, FrameStats& fs) {
  const double dt = now_s - rate_t0_s_;
  if (dt < 1.0) return;
  const double r = (images_seen - rate_images0_) / dt;
  if (training) fs.images_per_sec = fs.images_per_sec > 0 ? 0.5 * fs.images_per_sec + 0.5 * r : r;
  rate_t0_s_ = now_s;
  rate_images0_ = images_seen;
}

}  // namespace bpl::app
