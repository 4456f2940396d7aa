// The desktop's command-line automation (start training, open a view, quit after N epochs or
// frames with a screenshot) and the benchmark mode (train with the UI for N seconds, then
// headless for 3 s, print both rates; the browser starts it with ?bench=10 through
// bpl_start_bench). main.cpp only calls these; no window or GL here.
#pragma once

#include "app.h"

#include <chrono>
#include <string>
#include <vector>

namespace bpl::app {

struct Options {
  std::string preset;
  int train_epochs = 0;  // > 0: start training at once and quit after this many epochs
  std::string screenshot;
  long frames = 0;           // > 0: quit after this many frames
  double bench_seconds = 0;  // > 0: benchmark mode
  std::string load;          // a .bplm model to open
  int view = -1;             // ≥ 0: open that view (index into kViews)
  int stepper_op = -1;       // ≥ 0: the stepper's operation to show (0-based)
  bool light = false;        // the light theme
  std::string lesson;        // a lesson file to open (lessons.h)
};

// The desktop flags; throws std::invalid_argument with the message to print for a bad one.
Options parse_options(const std::vector<std::string>& args);
extern const char* const kOptionsHelp;

// Options that act on the app before the first frame (after the data are loaded on the desktop).
void apply_start_options(App& app, const Options& opt);
// Options that act on a frame once the app can take them (a view, the stepper's operation).
void apply_frame_options(App& app, Options& opt);
// Quit now? After N epochs (and their evaluation), N painted frames, or the benchmark.
bool should_quit(App& app, const Options& opt, long painted_frames, bool bench_done);
// The line printed when quitting after --train-epochs, and the exit code (1: nothing trained).
int report_quit(App& app, const Options& opt);

class Bench {
 public:
  using Clock = std::chrono::steady_clock;
  void request(double seconds, const std::string& preset);  // wait for the data, then run
  bool active() const { return phase_ != 0; }
  bool done() const { return phase_ == 3; }
  // the frame intervals while training with the UI
  void frame(float interval_ms) {
    if (phase_ == 2) frames_.push_back(interval_ms);
  }
  // one step of the benchmark's state machine; page_now_ms: the page's clock (performance.now()
  // in the browser), so the result lines up with its paint timestamps; heap_mb: the wasm heap
  void step(App& app, double page_now_ms, double heap_mb);
  const std::string& result() const { return result_; }  // JSON, once done

 private:
  int phase_ = 0;  // 0 off, 1 waiting for data, 2 training with UI, 3 done
  double seconds_ = 0;
  std::string preset_;
  Clock::time_point t0_;
  long images0_ = 0;
  std::vector<float> frames_;
  std::string result_;
};

}  // namespace bpl::app
