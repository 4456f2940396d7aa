// The training session: the data, the model, the engine's Trainer, the history of epochs and
// the epoch-end test evaluation (sliced over frames). Its run state is derived from the
// Trainer's own state (engine/train/trainer.h) plus one bit the Trainer cannot know: whether
// the learner has asked it to run. One weights version counts every change of the weights
// (a training step, reset, load, a stepper update applied, new layers); every view cache
// compares against it. No ImGui here: tests/app drive it directly.
#pragma once

#include "data/dataset.h"
#include "io/model_file.h"
#include "model/model.h"
#include "train/trainer.h"

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpl {
class Trace;
}

namespace bpl::app {

enum class RunState { Idle, Running, Paused, Done };
const char* run_state_name(RunState s);

struct EpochRecord {
  EpochStats stats;
  double test_acc = NAN, test_loss = NAN;
};

// What the settings say a run is: the App builds it from its settings (cfg, layers_text, …).
struct TrainPlan {
  std::string layers;
  std::string spec;  // the layer list as the model states it (a changed one means a fresh model)
  uint64_t init_seed = 0;
  TrainConfig train;
  NormKind norm = NormKind::Unit;
  int val_percent = 10;
  int test_images = 0;  // 0 = all
  int subset = 0;       // train on this many of the training images, shuffled (0 = all; R4's 1,000)
};

class TrainingSession {
 public:
  TrainingSession();
  ~TrainingSession();  // out of line: Undo is complete only in the .cpp
  // ---- data
  // One IDX file (kind 0 train images, 1 train labels, 2 test images, 3 test labels); when all
  // four are in they become the data set (returns true). Throws FormatError for a bad file or
  // set; the current data stay.
  bool receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name, const std::string& set_name);
  bool data_ready() const { return data_ready_; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }
  // a drawn digit (28×28 pixels) joins the training images: this session, from the next epoch
  void add_train_image(const std::vector<uint8_t>& pixels, int label);

  // ---- training (the App checks its settings, then builds the trainer from the plan)
  bool has_live_trainer() const { return trainer_ && !trainer_->finished(); }
  // a finished run that Start begins afresh (diverged runs resume instead)
  bool finished_run() const { return trainer_ && trainer_->finished() && trainer_->state() != TrainState::Diverged; }
  // the model (a fresh one if the layer list changed) and a trainer for the plan; false and
  // message() if not possible
  bool build_trainer(const TrainPlan& plan);
  void run();  // train in tick() until paused, the epoch target or the end
  void pause();
  void step_batch();  // one mini-batch (and the validation of an epoch it ends)
  void step_epoch();  // run to the end of the current epoch
  // fresh weights from the layer list (history cleared); the old model stays if it does not build
  void reset(const std::string& layers, uint64_t init_seed);
  void tick(double budget_ms);        // train for this frame (when running)
  void background(double budget_ms);  // the epoch-end evaluation, when not training
  bool evaluating() const { return pending_eval_.active; }

  RunState state() const;
  const std::string& message() const { return message_; }
  void set_message(const std::string& m) { message_ = m; }
  Trainer* trainer() { return trainer_.get(); }
  const Trainer* trainer() const { return trainer_.get(); }
  Model& model() { return model_; }
  const Normalizer& normalizer() const { return norm_; }
  const Split& split() const { return split_; }
  const std::vector<EpochRecord>& history() const { return history_; }
  long batches_run() const { return trainer_ ? static_cast<long>(trainer_->batch_losses().size()) : 0; }
  double last_test_accuracy() const { return history_.empty() ? NAN : history_.back().test_acc; }

  // Bumped whenever the weights change: a training step, reset, load, a stepper update
  // applied, new layers. Views compare it with the version they were computed from.
  uint64_t weights_version() const { return weights_version_; }

  // ---- the stepper's update: write the traced step into the model and the optimizer
  void apply_trace(const Trace& trace);

  // ---- files
  // run: the settings the trainer runs with; with a trainer, the file then stores the whole run
  // (settings, counters, the shuffle and dropout generators, the position inside the epoch), so
  // that loading it continues exactly as if training had never stopped
  std::vector<uint8_t> save_bytes(const std::string& dataset_name, const OptimizerConfig& fallback_optimizer,
                                  const RunConfig* run = nullptr);
  // take over a checked, loaded model (its history and optimizer step count)
  void adopt(LoadedModel&& l);

  // ---- nothing is lost (issue 13, point 4): what a new run or a new data set would discard,
  // and the one-step undo of a reset
  // the weights moved since they were initialised (training, a stepper update, a loaded model)
  bool has_work() const { return model_.built() && weights_version_ != fresh_version_; }
  // new data (same 28×28 shape) for the same model: the trainer goes (it refers to the old
  // data); the model, its history and the optimizer's step count stay, and training goes on
  void keep_model_for_new_data();
  // reset() keeping everything it discards (the model, the trainer with its position and
  // optimizer state, the history) so that undo_reset() brings it all back
  void reset_undoably(const std::string& layers, uint64_t init_seed);
  bool can_undo_reset() const { return undo_ != nullptr; }
  bool undo_reset();  // false when there is nothing to undo
  void forget_undo();
  int undo_epochs() const;  // the epochs an undo would bring back

  // called when an epoch's test evaluation is complete (the report shows it)
  std::function<void(const EvalResult&)> on_test_evaluated;
  bool autosave_due = false;  // an epoch finished evaluating or training paused

 private:
  struct PendingEval {
    bool active = false;
    size_t pos = 0;
    double loss = 0;
    long correct = 0;
    EvalResult result;
  } pending_eval_;
  void eval_slice(double budget_ms);
  void on_epoch(const EpochStats& s);
  void bump_if_trained(long batches_before, TrainState state_before);

  Dataset train_, test_;
  IdxImages pending_images_[2];
  std::vector<uint8_t> pending_labels_[2];
  int pending_mask_ = 0;
  bool data_ready_ = false;

  Model model_;
  Normalizer norm_;
  Split split_;
  std::unique_ptr<Trainer> trainer_;
  bool running_ = false;  // the learner pressed Start (or Step epoch) and it has not stopped
  bool started_ = false;  // anything trained since the last reset (Paused rather than Idle)
  std::string message_;
  std::vector<EpochRecord> history_;
  long step_epoch_target_ = -1;
  int epoch_offset_ = 0;   // epochs trained before a loaded model came in
  long resume_steps_ = 0;  // the optimizer's step count from a loaded file
  // a loaded file's run (format 4): the next trainer continues it (build_trainer)
  bool resume_run_ = false;
  TrainProgress resume_progress_;
  uint64_t weights_version_ = 0;
  uint64_t fresh_version_ = 0;  // weights_version_ when the weights were last initialised
  struct Undo;                  // what reset_undoably() set aside
  std::unique_ptr<Undo> undo_;
};

}  // namespace bpl::app
