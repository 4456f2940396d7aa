// The App's backprop-stepper actions: choose the sample, trace a step, play, apply.
// The maths is the engine's (engine/trace): this file only picks inputs and moves the cursor.
#include "app.h"

#include "core/error.h"
#include "core/rng.h"

#include <algorithm>
#include <cstdio>

namespace bpl::app {

bool App::ready_model() {
  if (!data_ready_) return false;
  return trainer_ || ensure_trainer();
}

bool App::stepper_recapture() {
  return stepper.drawn.empty() ? stepper_capture(stepper.sample, stepper.batch)
                               : stepper_capture_drawn(stepper.drawn, stepper.drawn_label);
}

bool App::stepper_capture(int first, int batch) {
  Stepper& st = stepper;
  if (!data_ready_) {
    st.message = "the data are still loading";
    return false;
  }
  const int n = test_.size();
  batch = std::clamp(batch, 1, 8);
  first = std::clamp(first, 0, std::max(0, n - batch));
  if (!ready_model()) {
    st.message = message_.empty() ? "the model cannot be built: " + validation_ : message_;
    return false;
  }
  std::vector<int> idx;
  for (int i = 0; i < batch; ++i) idx.push_back(first + i);
  Matrix x;
  std::vector<int> y;
  gather_batch(test_, idx, 0, batch, norm_, x, y);
  const bool same = st.drawn.empty() && st.sample == first && st.batch == batch;
  st.drawn.clear();
  st.sample = first;
  st.batch = batch;
  if (!stepper_capture_x(x, y)) return false;
  if (!same) st.op = 0;
  return true;
}

bool App::stepper_capture_drawn(const std::vector<uint8_t>& pixels, int label) {
  Stepper& st = stepper;
  if (pixels.size() != 28 * 28 || label < 0 || label > 9) return false;
  if (!ready_model()) {
    st.message = message_;
    return false;
  }
  Matrix x(784, 1);
  for (int i = 0; i < 784; ++i) x(i, 0) = norm_.apply(pixels[i]);
  const bool same = st.drawn == pixels && st.drawn_label == label;
  st.drawn = pixels;
  st.drawn_label = label;
  st.batch = 1;
  if (!stepper_capture_x(x, {label})) return false;
  if (!same) st.op = 0;
  return true;
}

bool App::stepper_capture_x(const Matrix& x, const std::vector<int>& y) {
  Stepper& st = stepper;
  st.playing = false;
  if (state_ == RunState::Running) {
    st.message = "pause training to step through it (the stepper works on the current weights)";
    return false;
  }
  try {
    // the trainer's optimizer as it stands: its current learning rate and step count
    Trace t;
    t.capture(model_, trainer_->optimizer().config(), trainer_->optimizer().steps(), x, y);
    st.trace = std::move(t);
  } catch (const std::exception& e) {
    st.message = std::string("cannot trace this step: ") + e.what();
    return false;
  }
  st.op = std::clamp(st.op, 0, static_cast<int>(st.trace.ops().size()) - 1);
  st.checks.clear();
  st.sel_tensor = st.sel_index = -1;
  st.sel_sample = 0;
  st.predicted.clear();
  const TraceTensor& p = st.trace.tensor(st.trace.probs_tensor());
  for (int s = 0; s < st.trace.batch(); ++s) {
    Eigen::Index arg = 0;
    p.data.col(s).maxCoeff(&arg);
    st.predicted.push_back(static_cast<int>(arg));
  }
  st.message.clear();
  st.at_batches = batches_run();
  st.at_model = model_changes;
  ++st.version;
  return true;
}

bool App::stepper_next_misclassified() {
  if (!ready_model()) return false;
  const int n = test_.size();
  // scan forward from the image after the current one, a chunk at a time, wrapping around
  for (int done = 0; done < n; done += 512) {
    std::vector<int> idx;
    for (int i = 0; i < 512 && done + i < n; ++i) idx.push_back((stepper.sample + 1 + done + i) % n);
    EvalResult r = evaluate(model_, test_, idx, norm_);
    for (size_t i = 0; i < idx.size(); ++i)
      if (r.predicted[i] != test_.labels[idx[i]]) return stepper_capture(idx[i], 1);
  }
  stepper.message = "the model gets every test image right";
  return false;
}

void App::stepper_random() {
  if (!data_ready_ || test_.size() == 0) return;
  static Rng rng(0x5eed5);   // the engine's generator; a fresh image each press
  stepper_capture(static_cast<int>(rng.below(static_cast<uint32_t>(test_.size()))), stepper.batch);
}

void App::stepper_apply() {
  Stepper& st = stepper;
  if (st.trace.empty() || !trainer_) return;
  if (state_ == RunState::Running) {
    st.message = "pause training first";
    return;
  }
  try {
    const double before = st.trace.loss_before(), after = st.trace.loss_after();
    const long steps = st.trace.apply_to(model_);
    trainer_->optimizer().set_steps(steps);
    ++st.applied;
    autosave_due = true;
    stepper_recapture();
    char buf[200];
    std::snprintf(buf, sizeof buf, "applied: the model took this step (loss on this sample %.4f → %.4f)", before, after);
    st.message = buf;
  } catch (const std::exception& e) {
    st.message = std::string("not applied: ") + e.what();
  }
}

void App::stepper_set_op(int op) {
  if (stepper.trace.empty()) return;
  stepper.op = std::clamp(op, 0, static_cast<int>(stepper.trace.ops().size()) - 1);
}

void App::stepper_tick(double dt_ms) {
  Stepper& st = stepper;
  if (!st.playing || st.trace.empty()) return;
  st.play_ms += dt_ms;
  const double every = 1000.0 / std::max(0.25f, st.speed);
  while (st.play_ms >= every) {
    st.play_ms -= every;
    if (st.op + 1 >= static_cast<int>(st.trace.ops().size())) {
      st.playing = false;
      break;
    }
    ++st.op;
  }
}

}  // namespace bpl::app
