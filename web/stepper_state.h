// The backprop stepper's state: one training step of the current model on test image(s) or a
// drawn digit, traced by the engine on a copy (engine/trace); the model changes only on
// apply(). This part picks inputs, moves the cursor and keeps the learner's selection; the
// maths is the engine's. Panels read the fields and change them through the methods.
#pragma once

#include "trace/trace.h"
#include "training_session.h"

#include <string>
#include <vector>

namespace bpl::app {

class StepperState {
 public:
  Trace trace;
  uint64_t version = 0;  // bumped on every capture or edit (views re-upload textures)
  int op = 0;            // the current operation
  int sample = 0;        // first test image of the traced batch
  int batch = 1;
  bool playing = false;
  float speed = 3.0f;  // operations per second when playing
  double play_ms = 0;
  std::vector<int> predicted;  // argmax of ŷ per sample of the batch, before the update
  std::string message;         // why the stepper cannot run, or what just happened
  // the explanation on screen (the value under the pointer), mirrored into the state JSON
  mutable std::string hover;
  int applied = 0;  // updates applied to the model from the stepper
  std::vector<GradCheckResult> checks;
  int sel_tensor = -1, sel_sample = 0, sel_index = -1;  // the selected value (what-if, checks)
  float edit_value = 0;
  bool show_numbers = false;
  uint64_t at_weights = 0;     // the weights version the trace was taken of
  bool traced = false;         // a trace was taken (at_weights is meaningful)
  std::vector<uint8_t> drawn;  // non-empty: the trace is of this drawn digit (28×28), not a test image
  int drawn_label = 0;

  // The trace is of other weights than the session's (or there is none): take it again.
  bool stale(const TrainingSession& s) const { return trace.empty() || !traced || at_weights != s.weights_version(); }

  // These need the session's data and trainer (the App makes sure of both first).
  // Trace one step on test images [first, first + batch); false (and message) if not possible.
  bool capture_test(TrainingSession& s, int first, int batch);
  // a drawn digit (28×28 pixels) with the label the learner gave it
  bool capture_drawn(TrainingSession& s, const std::vector<uint8_t>& pixels, int label);
  bool recapture(TrainingSession& s);
  // the next test image after the current one that the model gets wrong
  bool next_misclassified(TrainingSession& s);
  // a test image at random (the engine's generator; a fresh one each call)
  static int random_index(int n);
  // write the traced update into the model (and the optimizer's state), then trace again
  void apply(TrainingSession& s);

  void set_op(int op);
  void tick(double dt_ms);  // playback
  void toggle_play();       // from the end, playing starts over
  void set_speed(float ops_per_second) { speed = ops_per_second; }
  void set_show_numbers(bool on) { show_numbers = on; }
  void show_sample(int s);  // which sample of the batch the views show
  // select one value (what-if edits and gradient checks work on it)
  void select(int tensor, int sample, int index);
  void set_edit_value(float v) { edit_value = v; }
  // write edit_value into the selected value and run the step on from there (what-if)
  void edit_selected();
  void undo_edits();
  void check_selected();  // finite differences on the selected value
  void check_some();      // … on a few weights

 private:
  bool capture_x(TrainingSession& s, const Matrix& x, const std::vector<int>& y);
};

}  // namespace bpl::app
