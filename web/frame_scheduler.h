// When a frame trains and when it paints. Training takes what is left of a 60 Hz frame on the
// main thread: the budget is kFrameMs − (time the UI takes to build and submit, smoothed) − a
// margin for the browser's own work, adapted smoothly. Painting can be expensive (software
// WebGL, e.g. headless Chromium's SwiftShader, needs ~20 ms to draw and composite a frame;
// a GPU under 1 ms): how far a painted frame's interval overran 60 Hz (waiting for vsync is
// not a cost) measures it. When painting is expensive, two of three frames train for their
// whole budget and only the third paints (~20 fps of curves), and any input paints at once.
// Idle (nothing trains, no input, nothing moves): a few more frames paint after the last
// activity, then nothing paints and the loop may sleep until the next input or wake(); a
// focused text field paints one frame every kBlinkMs (its cursor blinks).
// Pure policy over numbers (no clock, no window): tests/app/test_frame_scheduler.cpp.
#pragma once

#include <deque>
#include <limits>

namespace bpl::app {

struct FrameStats {
  std::deque<float> frame_ms;  // last few hundred frame intervals
  double fps = 0;
  double train_budget_ms = 8;                // adaptive per-frame training budget
  double ui_ms = 2;                          // smoothed cost of a frame without training
  double images_per_sec = 0;                 // training throughput with the UI running (smoothed)
  int draw_vertices = 0, draw_commands = 0;  // what the last painted frame drew
  double percentile(double p) const;
};

class FrameScheduler {
 public:
  static constexpr double kFrameMs = 16.7, kMarginMs = 4.0;
  // a painted frame that overruns 60 Hz by more than this (smoothed) counts as expensive to paint
  static constexpr double kExpensivePaintMs = 4.0;
  // a frame that does not paint trains for the whole frame, less the browser's share
  static constexpr double kSkippedFrameTrainMs = kFrameMs - 2.7;

  explicit FrameScheduler(double start_s = 0) : rate_t0_s_(start_s) {}

  // The interval since the last frame began: kept (after the first painted frame) for the
  // frame-time percentiles and the fps.
  void frame_started(float interval_ms, FrameStats& fs);

  enum class Work { None, Train, Experiments };
  // What trains before this frame paints, with fs.train_budget_ms set to its budget: the
  // session when training (not on a frame that paints while painting is expensive: that frame
  // is long already), else an experiments run, sliced the same way.
  Work work(FrameStats& fs, bool training, bool experiments);
  // the epoch-end evaluation's budget on frames that do not train
  static double background_budget(const FrameStats& fs) { return kFrameMs - fs.ui_ms - kMarginMs; }

  // Dear ImGui settles over a few frames after an event (a popup opens on the next frame, an
  // auto-sized window measures itself in a hidden one): frames that paint after the last activity
  static constexpr int kLingerFrames = 8;
  // a focused text field's cursor blinks (Dear ImGui: on 0.8 s, off 0.4 s): one frame this often
  static constexpr double kBlinkMs = 200;
  static constexpr double kForever = std::numeric_limits<double>::infinity();

  // What may change the picture this frame.
  struct Activity {
    bool training = false;    // the session trains
    bool input = false;       // events arrived (mouse, touch, keys, window)
    bool font_dirty = false;  // the fonts are rebuilt
    // something else moves by itself: an experiments run, the epoch-end evaluation, the
    // stepper playing, a benchmark, a mouse button held (repeat buttons, drawing), a pending
    // desktop automation flag
    bool busy = false;
    bool typing = false;  // a text field has the keyboard (its cursor blinks)
  };
  // After the frame's work: paint it? False while training: the frame trains
  // kSkippedFrameTrainMs instead; false while idle: asleep() (now_ms: any steady clock).
  bool should_paint(float interval_ms, const Activity& a, double now_ms);
  bool should_paint(float interval_ms, bool training, bool input, bool font_dirty) {
    return should_paint(interval_ms, Activity{training, input, font_dirty, false, false}, 0.0);
  }
  // Something outside the event queue changed what the app shows (the page handed in data,
  // settings, a model, a notice; the window was resized): the next frames paint.
  void wake() { woken_ = true; }
  // The last frame did not paint because nothing is going on: the loop may sleep until input,
  // wake(), or sleep_until_ms() (kForever: no timer needed; else the next cursor blink).
  bool asleep() const { return asleep_; }
  double sleep_until_ms() const { return sleep_until_ms_; }
  // a painted frame's UI took ui_ms (building and submitting the draw lists)
  void painted(double ui_ms, FrameStats& fs);
  long painted_frames() const { return painted_frames_; }

  // Training throughput over windows of at least a second (smoothed while training).
  void measure_rate(double now_s, long images_seen, bool training, FrameStats& fs);

  double paint_cost_ms() const { return paint_cost_ms_; }
  bool expensive_paint() const { return paint_cost_ms_ > kExpensivePaintMs; }

 private:
  long painted_frames_ = 0;
  bool painted_last_ = false;
  bool woken_ = false, asleep_ = false, slept_ = false;
  int quiet_frames_ = 0;  // frames since the last activity
  double last_paint_ms_ = 0, sleep_until_ms_ = kForever;
  int since_paint_ = 0;
  double paint_cost_ms_ = 0;  // smoothed overrun of a painted frame beyond kFrameMs
  double rate_t0_s_ = 0;
  long rate_images0_ = 0;
};

}  // namespace bpl::app
