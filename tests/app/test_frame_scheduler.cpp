// The frame scheduler's policy (web/frame_scheduler.h): training budget, when to paint, the
// frame statistics; and the desktop automation's flags.
#include "app_test_helpers.h"

#include "automation.h"
#include "frame_scheduler.h"

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {
using Work = FrameScheduler::Work;
constexpr double kFrame = FrameScheduler::kFrameMs;
}  // namespace

TEST_CASE("the training budget is what the UI leaves of a 60 Hz frame, adapted smoothly", "[app][scheduler]") {
  FrameScheduler s;
  FrameStats fs;
  fs.ui_ms = 2.0;
  fs.train_budget_ms = 8.0;
  CHECK(s.work(fs, false, false) == Work::None);
  CHECK(fs.train_budget_ms == 8.0);  // untouched when nothing trains
  REQUIRE(s.work(fs, true, false) == Work::Train);
  // 0.7 · 8 + 0.3 · (16.7 − 2 − 4)
  CHECK(fs.train_budget_ms == Approx(0.7 * 8.0 + 0.3 * (kFrame - 2.0 - 4.0)));
  for (int i = 0; i < 100; ++i) s.work(fs, true, false);
  CHECK(fs.train_budget_ms == Approx(kFrame - 2.0 - 4.0));  // converges to the target
  // a slow UI leaves at least 1 ms; a free one at most the frame less the margin
  fs.ui_ms = 30.0;
  for (int i = 0; i < 100; ++i) s.work(fs, true, false);
  CHECK(fs.train_budget_ms == Approx(1.0));
  fs.ui_ms = 0.0;
  for (int i = 0; i < 100; ++i) s.work(fs, true, false);
  CHECK(fs.train_budget_ms == Approx(kFrame - 4.0));
  // experiments are sliced the same way when the session is not training
  CHECK(s.work(fs, false, true) == Work::Experiments);
  CHECK(s.work(fs, true, true) == Work::Train);
  CHECK(FrameScheduler::background_budget(fs) == Approx(kFrame - 0.0 - 4.0));
}

TEST_CASE("every frame paints while painting is cheap", "[app][scheduler]") {
  FrameScheduler s;
  FrameStats fs;
  for (int i = 0; i < 20; ++i) {
    CHECK(s.should_paint(16.7f, true, false, false));
    CHECK(s.work(fs, true, false) == Work::Train);
  }
  CHECK_FALSE(s.expensive_paint());
}

TEST_CASE("when painted frames overrun 60 Hz, two frames of three train instead of painting", "[app][scheduler]") {
  FrameScheduler s;
  FrameStats fs;
  // A frame's interval is the time since the previous frame began: a painted frame that takes
  // 25 ms longer than 60 Hz (software WebGL) shows in the next frame's interval.
  std::string pattern;
  float interval = 16.7f;
  for (int i = 0; i < 12; ++i) {
    const bool paint = s.should_paint(interval, true, false, false);
    pattern += paint ? 'P' : 't';
    interval = paint ? 41.7f : 16.7f;
  }
  // frame 0 paints; frame 1 sees the overrun (0.2 · 25 = 5 ms > 4): from then on two frames
  // of three train for the whole frame and the third paints
  CHECK(pattern == "PttPttPttPtt");
  REQUIRE(s.expensive_paint());
  // the frame that paints does not also train (it is long already)
  CHECK(s.work(fs, true, false) == Work::None);
  CHECK(s.work(fs, true, true) == Work::Experiments);
  // input paints at once, and so does a font change
  CHECK(s.should_paint(16.7f, true, true, false));
  CHECK_FALSE(s.should_paint(41.7f, true, false, false));
  CHECK(s.should_paint(16.7f, true, false, true));
  // not training, with input: every frame paints
  CHECK(s.should_paint(41.7f, false, true, false));
  CHECK(s.should_paint(41.7f, false, true, false));
  // painting gets cheap again: back to painting every frame
  for (int i = 0; i < 30; ++i) CHECK(s.should_paint(16.7f, false, true, false));
  CHECK_FALSE(s.expensive_paint());
  CHECK(s.should_paint(16.7f, true, false, false));
}

TEST_CASE("idle: nothing paints while nothing changes; input, wake() and work paint again", "[app][scheduler]") {
  using Activity = FrameScheduler::Activity;
  constexpr int linger = FrameScheduler::kLingerFrames;
  FrameScheduler s;
  FrameStats fs;
  double t = 0;
  // paints until kLingerFrames frames after the last activity, then sleeps for good
  auto run = [&](int n, Activity a = {}) {
    std::string pattern;
    for (int i = 0; i < n; ++i, t += kFrame) pattern += s.should_paint(16.7f, a, t) ? 'P' : (s.asleep() ? 'z' : 't');
    return pattern;
  };
  Activity input;
  input.input = true;
  CHECK(run(1, input) == "P");
  CHECK(run(linger + 3) == std::string(linger, 'P') + "zzz");
  CHECK(s.asleep());
  CHECK(s.sleep_until_ms() == FrameScheduler::kForever);  // no timer: only input or wake() ends it
  const long painted = s.painted_frames();                // painted() is the caller's, after a frame that painted
  CHECK(painted == 0);
  // the frame after sleeping does not count its interval (the sleep) in the statistics
  s.frame_started(16.7f, fs);  // (no painted frame yet: never counted)
  s.painted(2.0, fs);
  CHECK(run(1) == "z");
  s.frame_started(5000.0f, fs);
  CHECK(fs.frame_ms.empty());
  s.frame_started(16.7f, fs);
  CHECK(fs.frame_ms.size() == 1);
  // the page handed something in: paints, then lingers and sleeps again
  s.wake();
  CHECK(run(linger + 2) == std::string(linger + 1, 'P') + "z");
  CHECK(run(2) == "zz");  // wake() counts once
  // work that moves by itself keeps it painting, as training does
  Activity busy;
  busy.busy = true;
  CHECK(run(100, busy) == std::string(100, 'P'));
  Activity training;
  training.training = true;
  CHECK(run(5, training) == "PPPPP");
  CHECK(run(linger + 1) == std::string(linger, 'P') + "z");
  Activity font;
  font.font_dirty = true;
  CHECK(run(1, font) == "P");
  // a focused text field: after the linger, one frame every kBlinkMs (its cursor blinks),
  // sleeping with a timer for the next one in between
  Activity typing;
  typing.typing = true;
  CHECK(run(1, input) == "P");
  double last = t - kFrame;
  std::vector<double> paints;
  for (int i = 0; i < 80; ++i, t += kFrame) {
    if (s.should_paint(16.7f, typing, t)) {
      if (i >= linger) paints.push_back(t);
      last = t;
    } else {
      REQUIRE(s.asleep());
      CHECK(s.sleep_until_ms() == Approx(last + FrameScheduler::kBlinkMs));
    }
  }
  // 12 frames of 16.7 ms: the first frame at least 200 ms after the last paint
  REQUIRE(paints.size() >= 5);
  for (size_t k = 1; k < paints.size(); ++k) CHECK(paints[k] - paints[k - 1] == Approx(12 * kFrame));
}

TEST_CASE("frame statistics: intervals after the first painted frame, smoothed UI time and rate", "[app][scheduler]") {
  FrameScheduler s(100.0);
  FrameStats fs;
  s.frame_started(500.0f, fs);  // start-up
  CHECK(fs.frame_ms.empty());
  s.painted(4.0, fs);
  CHECK(s.painted_frames() == 1);
  CHECK(fs.ui_ms == Approx(0.9 * 2.0 + 0.1 * 4.0));
  for (int i = 0; i < 700; ++i) s.frame_started(i < 350 ? 10.0f : 20.0f, fs);
  CHECK(fs.frame_ms.size() == 600);  // the last 600
  CHECK(fs.percentile(0.5) == Approx(20.0));
  CHECK(fs.percentile(0.0) == Approx(10.0));
  CHECK(fs.fps == Approx(50.0).epsilon(0.01));
  // images per second over windows of at least a second
  s.measure_rate(100.5, 1000, true, fs);
  CHECK(fs.images_per_sec == 0);  // half a second: not yet
  s.measure_rate(102.0, 4000, true, fs);
  CHECK(fs.images_per_sec == Approx(2000.0));
  s.measure_rate(103.0, 5000, true, fs);
  CHECK(fs.images_per_sec == Approx(0.5 * 2000.0 + 0.5 * 1000.0));
  s.measure_rate(105.0, 5000, false, fs);  // paused: the window moves on, the rate stays
  CHECK(fs.images_per_sec == Approx(1500.0));
}

TEST_CASE("the desktop flags", "[app][automation]") {
  const Options o = parse_options({"--preset", "r2-cnn", "--train-epochs", "2", "--view", "stepper", "--stepper-op",
                                   "3", "--light", "--frames", "10", "--screenshot", "a.png"});
  CHECK(o.preset == "r2-cnn");
  CHECK(o.train_epochs == 2);
  CHECK(o.view == kViewStepper);
  CHECK(o.stepper_op == 2);  // 1-based on the command line
  CHECK(o.light);
  CHECK(o.frames == 10);
  CHECK(o.screenshot == "a.png");
  CHECK_THROWS_WITH(parse_options({"--view", "nowhere"}), Catch::Contains("train, stepper"));
  CHECK_THROWS_WITH(parse_options({"--frames"}), "--frames needs a value");
  CHECK_THROWS_WITH(parse_options({"--fast"}), Catch::StartsWith("unknown option --fast"));
}

TEST_CASE("automation: start training, open a view, quit after the epochs", "[app][automation]") {
  App app;
  give_synthetic_data(app);
  small_model(app);
  Options o = parse_options({"--train-epochs", "1", "--view", "stepper"});
  apply_start_options(app, o);
  CHECK(app.state() == RunState::Running);
  CHECK_FALSE(should_quit(app, o, 1, false));
  apply_frame_options(app, o);
  CHECK(app.view_request == kViewStepper);
  CHECK(o.view == -1);  // once
  for (int i = 0; i < 100000 && app.trainer()->epoch() < 1; ++i) app.tick(5.0);
  REQUIRE(app.evaluating());  // the epoch's test evaluation comes first
  CHECK_FALSE(should_quit(app, o, 1, false));
  for (int i = 0; i < 100000 && app.evaluating(); ++i) app.tick(5.0);
  CHECK(should_quit(app, o, 1, false));
  Options frames = parse_options({"--frames", "3"});
  CHECK_FALSE(should_quit(app, frames, 2, false));
  CHECK(should_quit(app, frames, 3, false));
}
