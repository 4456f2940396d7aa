// The stepper's actions: choose the sample, trace a step, play, select, edit, apply.
#include "stepper_state.h"

#include "core/rng.h"

#include <algorithm>
#include <cstdio>

namespace bpl::app {

bool StepperState::recapture(TrainingSession& s) {
  return drawn.empty() ? capture_test(s, sample, batch) : capture_drawn(s, drawn, drawn_label);
}

bool StepperState::capture_test(TrainingSession& s, int first, int batch_in) {
  const Dataset& test = s.test_data();
  const int n = test.size();
  const int b = std::clamp(batch_in, 1, 8);
  first = std::clamp(first, 0, std::max(0, n - b));
  std::vector<int> idx;
  for (int i = 0; i < b; ++i) idx.push_back(first + i);
  Matrix x;
  std::vector<int> y;
  gather_batch(test, idx, 0, b, s.normalizer(), x, y);
  const bool same = drawn.empty() && sample == first && batch == b;
  drawn.clear();
  sample = first;
  batch = b;
  if (!capture_x(s, x, y)) return false;
  if (!same) op = 0;
  return true;
}

bool StepperState::capture_drawn(TrainingSession& s, const std::vector<uint8_t>& pixels, int label) {
  if (pixels.size() != 28 * 28 || label < 0 || label > 9) return false;
  Matrix x(784, 1);
  for (int i = 0; i < 784; ++i) x(i, 0) = s.normalizer().apply(pixels[i]);
  const bool same = drawn == pixels && drawn_label == label;
  drawn = pixels;
  drawn_label = label;
  batch = 1;
  if (!capture_x(s, x, {label})) return false;
  if (!same) op = 0;
  return true;
}

bool StepperState::capture_x(TrainingSession& s, const Matrix& x, const std::vector<int>& y) {
  playing = false;
  if (s.state() == RunState::Running) {
    message = "pause training to step through it (the stepper works on the current weights)";
    return false;
  }
  try {
    // the trainer's optimizer as it stands: its current learning rate and step count
    Trace t;
    t.capture(s.model(), s.trainer()->optimizer().config(), s.trainer()->optimizer().steps(), x, y);
    trace = std::move(t);
  } catch (const std::exception& e) {
    message = std::string("cannot trace this step: ") + e.what();
    return false;
  }
  op = std::clamp(op, 0, static_cast<int>(trace.ops().size()) - 1);
  checks.clear();
  sel_tensor = sel_index = -1;
  sel_sample = 0;
  predicted.clear();
  const TraceTensor& p = trace.tensor(trace.probs_tensor());
  for (int k = 0; k < trace.batch(); ++k) {
    Eigen::Index arg = 0;
    p.data.col(k).maxCoeff(&arg);
    predicted.push_back(static_cast<int>(arg));
  }
  message.clear();
  at_weights = s.weights_version();
  traced = true;
  ++version;
  return true;
}

bool StepperState::next_misclassified(TrainingSession& s) {
  const Dataset& test = s.test_data();
  const int n = test.size();
  // scan forward from the image after the current one, a chunk at a time, wrapping around
  for (int done = 0; done < n; done += 512) {
    std::vector<int> idx;
    for (int i = 0; i < 512 && done + i < n; ++i) idx.push_back((sample + 1 + done + i) % n);
    EvalResult r = evaluate(s.model(), test, idx, s.normalizer());
    for (size_t i = 0; i < idx.size(); ++i)
      if (r.predicted[i] != test.labels[idx[i]]) return capture_test(s, idx[i], 1);
  }
  message = "the model gets every test image right";
  return false;
}

int StepperState::random_index(int n) {
  static Rng rng(0x5eed5);  // the engine's generator; a fresh image each press
  return static_cast<int>(rng.below(static_cast<uint32_t>(n)));
}

void StepperState::apply(TrainingSession& s) {
  if (trace.empty() || !s.trainer()) return;
  if (s.state() == RunState::Running) {
    message = "pause training first";
    return;
  }
  try {
    const double before = trace.loss_before(), after = trace.loss_after();
    s.apply_trace(trace);
    ++applied;
    s.autosave_due = true;
    recapture(s);
    char buf[200];
    std::snprintf(buf, sizeof buf, "applied: the model took this step (loss on this sample %.4f → %.4f)", before,
                  after);
    message = buf;
  } catch (const std::exception& e) {
    message = std::string("not applied: ") + e.what();
  }
}

void StepperState::set_op(int o) {
  if (trace.empty()) return;
  op = std::clamp(o, 0, static_cast<int>(trace.ops().size()) - 1);
}

void StepperState::tick(double dt_ms) {
  if (!playing || trace.empty()) return;
  play_ms += dt_ms;
  const double every = 1000.0 / std::max(0.25f, speed);
  while (play_ms >= every) {
    play_ms -= every;
    if (op + 1 >= static_cast<int>(trace.ops().size())) {
      playing = false;
      break;
    }
    ++op;
  }
}

void StepperState::toggle_play() {
  if (!playing && op + 1 >= static_cast<int>(trace.ops().size())) set_op(0);
  playing = !playing;
}

void StepperState::show_sample(int s) {
  if (trace.empty()) return;
  sel_sample = std::clamp(s, 0, trace.batch() - 1);
}

void StepperState::select(int tensor, int sample_in, int index) {
  sel_tensor = tensor;
  sel_sample = sample_in;
  sel_index = index;
  edit_value = trace.tensor(tensor).at(sample_in, index);
}

void StepperState::edit_selected() {
  try {
    trace.set_value(sel_tensor, sel_sample, sel_index, edit_value);
    ++version;
    message.clear();
  } catch (const std::exception& e) {
    message = e.what();
  }
}

void StepperState::undo_edits() {
  trace.reset_edits();
  ++version;
}

void StepperState::check_selected() {
  try {
    checks = {trace.check_gradient(sel_tensor, sel_index, sel_sample)};
  } catch (const std::exception& e) {
    message = e.what();
  }
}

void StepperState::check_some() {
  try {
    checks = trace.check_some();
  } catch (const std::exception& e) {
    message = e.what();
  }
}

}  // namespace bpl::app
