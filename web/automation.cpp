#include "automation.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace bpl::app {

const char* const kOptionsHelp =
    "(options: --preset NAME --load FILE --train-epochs N --screenshot FILE --frames N --bench SECONDS --view stepper "
    "--stepper-op N --light --lesson FILE.md)";

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--preset")
      o.preset = next();
    else if (a == "--train-epochs")
      o.train_epochs = std::atoi(next().c_str());
    else if (a == "--screenshot")
      o.screenshot = next();
    else if (a == "--frames")
      o.frames = std::atol(next().c_str());
    else if (a == "--bench")
      o.bench_seconds = std::atof(next().c_str());
    else if (a == "--load")
      o.load = next();
    else if (a == "--lesson")
      o.lesson = next();
    else if (a == "--view") {
      const std::string v = next();
      for (int k = 0; k < kViewCount; ++k)
        if (v == kViews[k]) o.view = k;
      if (o.view < 0) throw std::invalid_argument("--view: train, stepper, inside, draw, report or experiments");
    } else if (a == "--stepper-op")
      o.stepper_op = std::atoi(next().c_str()) - 1;
    else if (a == "--light")
      o.light = true;
    else
      throw std::invalid_argument("unknown option " + a + "\n" + kOptionsHelp);
  }
  return o;
}

void apply_start_options(App& app, const Options& opt) {
  if (opt.train_epochs > 0) {
    app.cfg.train.epochs = std::max(app.cfg.train.epochs, opt.train_epochs);
    app.start();
  }
}

void apply_frame_options(App& app, Options& opt) {
  if (opt.view >= 0) {
    app.open_view(opt.view);
    opt.view = -1;
  }
  if (opt.stepper_op >= 0 && !app.stepper.trace.empty()) {
    app.stepper_set_op(opt.stepper_op);
    opt.stepper_op = -1;
  }
}

bool should_quit(App& app, const Options& opt, long painted_frames, bool bench_done) {
  if (opt.train_epochs > 0 && app.trainer() && !app.evaluating() &&
      (app.trainer()->epoch() >= opt.train_epochs || app.state() == RunState::Done))
    return true;
  if (opt.frames > 0 && painted_frames >= opt.frames) return true;
  return opt.bench_seconds > 0 && bench_done;
}

int report_quit(App& app, const Options& opt) {
  if (opt.train_epochs <= 0) return 0;
  std::printf("trained %d epoch(s): %s\n", app.trainer() ? app.trainer()->epoch() : 0, app.state_json().c_str());
  return !app.trainer() || app.trainer()->epoch() < 1 ? 1 : 0;
}

void Bench::request(double seconds, const std::string& preset) {
  seconds_ = seconds;
  preset_ = preset;
  phase_ = 1;
}

void Bench::step(App& app, double page_now_ms, double heap_mb) {
  if (phase_ == 1 && app.data_ready()) {
    app.apply_preset(preset_.empty() ? "r2-mlp" : preset_);
    app.cfg.train.epochs = 1000;
    app.start();
    phase_ = 2;
    t0_ = Clock::now();
    images0_ = app.trainer() ? app.trainer()->images_seen() : 0;
    frames_.clear();
    return;
  }
  if (phase_ != 2) return;
  const double secs = std::chrono::duration<double>(Clock::now() - t0_).count();
  if (secs < seconds_) return;
  Trainer* t = app.trainer();
  const double ui_rate = (t->images_seen() - images0_) / secs;
  const double t_end = page_now_ms, t_begin = t_end - secs * 1000.0;
  app.pause();
  // the same build without the UI: batches back to back for 3 s
  const long i0 = t->images_seen();
  auto h0 = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - h0).count() < 3.0) t->step();
  const double headless = (t->images_seen() - i0) / std::chrono::duration<double>(Clock::now() - h0).count();
  std::vector<float> f = frames_;
  std::sort(f.begin(), f.end());
  auto pct = [&](double p) {
    return f.empty() ? 0.0 : f[std::min(f.size() - 1, static_cast<size_t>(p * (f.size() - 1)))];
  };
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"model\":\"%s\",\"seconds\":%.1f,\"frames\":%zu,\"frame_p50_ms\":%.2f,\"frame_p95_ms\":%.2f,"
                "\"frame_max_ms\":%.2f,\"train_images_per_sec_with_ui\":%.0f,\"train_images_per_sec_headless\":%.0f,"
                "\"ratio\":%.3f,\"wasm_heap_mb\":%.1f,\"t_begin_ms\":%.1f,\"t_end_ms\":%.1f}",
                app.cfg.preset.c_str(), secs, f.size(), pct(0.5), pct(0.95), f.empty() ? 0.0 : f.back(), ui_rate,
                headless, ui_rate / headless, heap_mb, t_begin, t_end);
  result_ = buf;
  std::printf("BENCH %s\n", buf);
  std::fflush(stdout);
  phase_ = 3;
}

}  // namespace bpl::app
