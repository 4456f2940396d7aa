// The App's actions behind the views of issue 6: the drawing pad, the activations view, the
// evaluation report and the experiments runner. The numbers come from the engine
// (mnist_preprocess, Model::forward, saliency, evaluate, confusion_matrix, Trainer).
#include "app.h"

#include "core/error.h"
#include "model/presets.h"
#include "model/saliency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace bpl::app {

// ------------------------------------------------------------------ drawing pad
void App::pad_clear() {
  pad.undo.push_back(pad.canvas);
  std::fill(pad.canvas.begin(), pad.canvas.end(), 0.0f);
  pad.dirty = true;
}

void App::pad_undo() {
  if (pad.undo.empty()) return;
  pad.canvas = std::move(pad.undo.back());
  pad.undo.pop_back();
  pad.dirty = true;
}

void App::pad_stroke_begin() {
  pad.undo.push_back(pad.canvas);
  if (pad.undo.size() > 50) pad.undo.erase(pad.undo.begin());
}

void App::pad_paint(float x0, float y0, float x1, float y1) {
  if (!std::isfinite(x0 + y0 + x1 + y1)) return;
  // strokes that leave the canvas are clipped to just outside it
  x0 = std::clamp(x0, -50.0f, DrawPad::kSize + 50.0f), x1 = std::clamp(x1, -50.0f, DrawPad::kSize + 50.0f);
  y0 = std::clamp(y0, -50.0f, DrawPad::kSize + 50.0f), y1 = std::clamp(y1, -50.0f, DrawPad::kSize + 50.0f);
  // a round brush with a soft edge, stamped along the segment every quarter radius
  const int N = DrawPad::kSize;
  const float r = std::max(1.0f, pad.brush * 0.5f);
  const float len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(len / (r * 0.25f)));
  for (int s = 0; s <= steps; ++s) {
    const float cx = x0 + (x1 - x0) * s / steps, cy = y0 + (y1 - y0) * s / steps;
    for (int y = std::max(0, static_cast<int>(cy - r - 1)); y <= std::min(N - 1, static_cast<int>(cy + r + 1)); ++y)
      for (int x = std::max(0, static_cast<int>(cx - r - 1)); x <= std::min(N - 1, static_cast<int>(cx + r + 1)); ++x) {
        const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
        const float ink = std::clamp(r + 0.5f - d, 0.0f, 1.0f);   // 1 inside, a one-pixel ramp at the edge
        float& c = pad.canvas[static_cast<size_t>(y) * N + x];
        c = std::max(c, ink);
      }
  }
  pad.dirty = true;
}

void App::pad_update() {
  if (!pad.dirty && pad.at_batches == batches_run()) return;
  if (pad.dirty) pad.pre = mnist_preprocess(pad.canvas, DrawPad::kSize, DrawPad::kSize);   // only a new drawing
  pad.dirty = false;
  pad.at_batches = batches_run();
  ++pad.version;
  pad.probs.clear();
  pad.saliency.clear();
  pad.top = -1;
  if (pad.pre.empty || !ready_model()) return;
  Matrix x(784, 1);
  for (int i = 0; i < 784; ++i) x(i, 0) = norm_.apply(pad.pre.pixels[i]);
  Matrix p;
  softmax(model_.forward(x, Mode::Eval), p);
  pad.probs.assign(p.data(), p.data() + p.size());
  pad.top = static_cast<int>(std::max_element(pad.probs.begin(), pad.probs.end()) - pad.probs.begin());
  const Matrix s = saliency(model_, x, pad.top);   // ∂z_top/∂x from the engine's backward pass
  pad.saliency.assign(s.data(), s.data() + s.size());
}

std::string App::pad_teach(int label) {
  if (pad.pre.empty) return "draw a digit first";
  if (label < 0 || label > 9) return "the label must be 0–9";
  if (!ready_model()) return message_;
  // the drawing joins the training images (this session only) and the next epochs train on it
  train_.pixels.insert(train_.pixels.end(), pad.pre.pixels.begin(), pad.pre.pixels.end());
  train_.labels.push_back(static_cast<uint8_t>(label));
  const int index = train_.size() - 1;
  split_.train.push_back(index);
  if (trainer_) trainer_->add_train_index(index);
  ++pad.taught;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d training (%d of them drawn here) and %d test images", train_.size(), pad.taught, test_.size());
  data_status = buf;
  return "";
}

void App::pad_to_stepper(int label) {
  if (pad.pre.empty) return;
  if (stepper_capture_drawn(pad.pre.pixels, label)) view_request = 1;
}

// ------------------------------------------------------------------ activations
void App::inspect_update() {
  Inspect& in = inspect;
  if (in.source == 1) pad_update();
  const bool same = in.at_batches == batches_run() && in.at_model == model_changes && in.at_source == in.source &&
                    in.at_index == in.index && (in.source == 0 || in.at_pad == pad.version);
  if (same) return;
  in.acts.clear();
  in.probs.clear();
  if (!ready_model()) return;
  in.index = std::clamp(in.index, 0, std::max(0, test_.size() - 1));
  Matrix x(784, 1);
  if (in.source == 1) {
    if (pad.pre.empty) return;
    for (int i = 0; i < 784; ++i) x(i, 0) = norm_.apply(pad.pre.pixels[i]);
  } else {
    std::vector<int> y;
    gather_batch(test_, {in.index}, 0, 1, norm_, x, y);
  }
  const Matrix& z = model_.forward(x, Mode::Eval);
  for (int i = 0; i < model_.size(); ++i) in.acts.push_back(model_.activation(i));
  Matrix p;
  softmax(z, p);
  in.probs.assign(p.data(), p.data() + p.size());
  in.input = x;
  in.at_batches = batches_run();
  in.at_model = model_changes;
  in.at_source = in.source;
  in.at_index = in.index;
  in.at_pad = pad.version;
  ++in.version;
}

// ------------------------------------------------------------------ evaluation report
void App::report_run() {
  if (!ready_model()) return;
  report_set(evaluate(model_, test_, split_.test, norm_));
  report.epoch = 0;   // the current weights, which may have moved since the last epoch
}

void App::report_set(const EvalResult& e) {
  Report& r = report;
  r.idx = split_.test;
  r.truth.clear();
  for (int i : r.idx) r.truth.push_back(test_.labels[i]);
  r.eval = e;
  r.cm = confusion_matrix(r.truth, r.eval.predicted, test_.classes);
  r.rep = classification_report(r.cm);
  r.mistakes.clear();
  for (size_t i = 0; i < r.idx.size(); ++i)
    if (r.eval.predicted[i] != r.truth[i]) r.mistakes.push_back(static_cast<int>(i));
  std::stable_sort(r.mistakes.begin(), r.mistakes.end(),
                   [&](int a, int b) { return r.eval.confidence[a] > r.eval.confidence[b]; });
  r.ready = true;
  ++r.version;
}

// ------------------------------------------------------------------ experiments
void App::experiments_start() {
  if (!data_ready_) return;
  if (state_ == RunState::Running) pause();
  exp.runs.clear();
  exp.total_epochs.clear();
  exp.message.clear();
  try {
    exp.queue = comparison_presets(comparison_names()[exp.which]);
  } catch (const std::exception& e) {
    exp.message = e.what();
    return;
  }
  std::reverse(exp.queue.begin(), exp.queue.end());   // popped from the back
  exp.trainer.reset();
  exp.running = true;
}

void App::experiments_stop() {
  exp.running = false;
  exp.trainer.reset();
  exp.model.reset();
  exp.queue.clear();
  if (!exp.runs.empty() && exp.runs.back().epochs == 0) exp.runs.pop_back();
  exp.message = "stopped";
}

void App::experiments_tick(double budget_ms) {
  if (!exp.running) return;
  try {
    if (!exp.trainer) {
      if (exp.queue.empty()) {
        exp.running = false;
        exp.message = "done";
        return;
      }
      const Preset& p = find_preset(exp.queue.back());
      exp.queue.pop_back();
      RunConfig rc = RunConfig::from_preset(p);
      if (exp.max_epochs > 0) rc.train.epochs = std::min(rc.train.epochs, exp.max_epochs);
      // each preset's own settings on the data loaded in the app (its subset if smaller)
      exp.model = std::make_unique<Model>(Model::from_text(rc.layers, Shape{1, 28, 28}, rc.init_seed));
      exp.split = make_split(train_, std::min(rc.subset, train_.size()), rc.val_frac, 0.0, rc.train.seed, &test_, 0);
      exp.norm = Normalizer::make(rc.norm, train_, exp.split.train);
      exp.trainer = std::make_unique<Trainer>(*exp.model, train_, exp.split, exp.norm, rc.train);
      exp.trainer->set_sliced_validation(true);
      ExperimentRun run;
      run.name = p.name;
      run.title = p.title;
      run.params = exp.model->param_count();
      run.report_acc = p.report_accuracy;
      exp.runs.push_back(run);
      exp.total_epochs.push_back(rc.train.epochs);
      exp.trainer->on_epoch = [this](const EpochStats& s) {
        ExperimentRun& r = exp.runs.back();
        r.test_accs.push_back(evaluate(*exp.model, test_, exp.split.test, exp.norm).accuracy);
        r.val_accs.push_back(s.val_acc);
        r.epochs = s.epoch;
        r.test_acc = r.test_accs.back();
      };
    }
    exp.trainer->run_for_ms(budget_ms);
    exp.runs.back().seconds = exp.trainer->train_seconds();
    if (exp.trainer->finished()) {
      if (exp.trainer->state() == TrainState::Diverged) exp.message = exp.runs.back().name + ": " + exp.trainer->message();
      exp.trainer.reset();
      exp.model.reset();
    }
  } catch (const std::exception& e) {
    exp.message = e.what();
    exp.running = false;
    exp.trainer.reset();
  }
}

}  // namespace bpl::app
