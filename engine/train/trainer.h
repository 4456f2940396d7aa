// Training that a UI can slice. step() runs exactly one mini-batch; run_for_ms() runs
// batches until a time budget is spent (the app calls it once per frame). At the end of an
// epoch the trainer evaluates the validation split and records an EpochStats line, applies
// the learning-rate schedule, early stopping and the overfitting warning.
//
// If a batch loss is NaN/Inf or explodes (mean cross-entropy > 10·ln K, i.e. the right class
// gets probability < K⁻¹⁰ on average), training stops in state Diverged, the weights and the
// optimizer state roll back to the end of the last good epoch, and message() says why.
#pragma once

#include "core/rng.h"
#include "data/dataset.h"
#include "loss/softmax_cross_entropy.h"
#include "model/model.h"
#include "train/optimizer.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bpl {

enum class ScheduleKind { None, Step, Plateau };

// "none", "step", "plateau": the name in INI files, flags and links.
const char* kind_name(ScheduleKind k);
// The kind of a name; ConfigError listing the valid names otherwise.
ScheduleKind parse_schedule_kind(const std::string& name);
// All kinds, in the order above.
const std::vector<ScheduleKind>& schedule_kinds();

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::None;
  int step_epochs = 5;          // step: every N epochs …
  double gamma = 0.5;           // … multiply the learning rate by gamma
  int plateau_patience = 2;     // plateau: after N epochs without val-loss improvement …
  double plateau_factor = 0.5;  // … multiply by factor,
  double min_lr = 1e-6;         // … but not below min_lr
};

struct TrainConfig {
  int batch = 32;
  int epochs = 10;
  uint64_t seed = 42;  // shuffling order
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  int early_stop_patience = 0;  // 0 = off; epochs without val-loss improvement > min_delta
  double early_stop_min_delta = 0.0;
  bool restore_best = true;             // after early stopping, go back to the best epoch's weights
  void validate(int train_size) const;  // ConfigError with the valid range
};

struct EpochStats {
  int epoch = 0;                         // 1-based
  double train_loss = 0, train_acc = 0;  // running mean over the epoch's batches
  double val_loss = NAN, val_acc = NAN;  // NaN when there is no validation split
  double seconds = 0;                    // training time of the epoch (evaluation excluded)
  double images_per_sec = 0;
  double lr = 0;                           // learning rate used during the epoch
  bool overfitting = false;                // train acc − val acc > 10 points
  double test_loss = NAN, test_acc = NAN;  // filled in by whoever evaluates a test set (the app)
};

struct EvalResult {
  double loss = 0, accuracy = 0;
  int count = 0;
  std::vector<int> predicted;     // argmax per image, in idx order
  std::vector<float> confidence;  // ŷ of the predicted class
};

// Loss and accuracy of the model on d.image(idx[i]) (eval mode, batches of `batch`).
EvalResult evaluate(Model& model, const Dataset& d, const std::vector<int>& idx, const Normalizer& norm,
                    int batch = 256);

// Where a run stands, beyond the weights and the optimizer's m and v: what a model file saves so
// that loading it and training on gives, bit for bit, what the uninterrupted run would have.
struct TrainProgress {
  int epoch = 0;   // epochs completed
  long steps = 0;  // optimizer updates so far (Adam's t)
  long images_seen = 0;
  double train_seconds = 0;
  double lr = 0;                     // the learning rate now (after the schedule's decays)
  RngState shuffle;                  // the shuffling generator, as the next epoch's shuffle will find it
  std::vector<RngState> layer_rngs;  // Model::rngs(): dropout's mask generators
  // early stopping and the plateau schedule: the best watched loss and epochs since
  double best_watched = INFINITY, plateau_best = INFINITY;
  int best_epoch = 0, since_best = 0, since_plateau = 0;
  // saved inside an epoch (the app pauses anywhere): the epoch's order and how far it got
  int pos = 0;
  std::vector<int> order;  // only when pos > 0
  double epoch_loss = 0, epoch_seconds = 0;
  long epoch_correct = 0, epoch_count = 0;
};

enum class TrainState { Ready, Running, Done, EarlyStopped, Diverged };
const char* state_name(TrainState s);

class Trainer {
 public:
  Trainer(Model& model, const Dataset& data, Split split, Normalizer norm, TrainConfig cfg);

  struct StepResult {
    double loss = 0;
    int correct = 0, count = 0;
    bool epoch_end = false;
  };
  StepResult step();
  // batches until budget_ms is spent, training is finished, or (stop_at_epoch ≥ 0) that many
  // epochs are complete; returns the number of batches run
  int run_for_ms(double budget_ms, int stop_at_epoch = -1);
  void finish_epoch_now();
  // a new training image (index into the training Dataset): joins from the next epoch on
  void add_train_index(int i) {
    split_.train.push_back(i);
    order_.push_back(i);
  }  // used by tests: evaluate + record as if the epoch ended

  TrainState state() const { return state_; }
  bool finished() const {
    return state_ == TrainState::Done || state_ == TrainState::EarlyStopped || state_ == TrainState::Diverged;
  }
  const std::string& message() const { return message_; }
  const std::vector<EpochStats>& history() const { return history_; }
  const std::vector<float>& batch_losses() const { return batch_losses_; }
  int epoch() const { return epoch_; }  // 0-based, epochs completed
  int batch_in_epoch() const { return pos_ / cfg_.batch; }
  int batches_per_epoch() const { return (static_cast<int>(split_.train.size()) + cfg_.batch - 1) / cfg_.batch; }
  long images_seen() const { return images_seen_; }
  double train_seconds() const { return train_seconds_; }
  int best_epoch() const { return best_epoch_; }
  const Split& split() const { return split_; }
  const Normalizer& normalizer() const { return norm_; }
  const TrainConfig& config() const { return cfg_; }
  Optimizer& optimizer() { return *opt_; }
  // The run's progress (an unfinished sliced validation is completed first), and a new
  // Trainer's continuation of a saved one: same model weights and optimizer state (the caller
  // restores those), this progress and history. ConfigError when it does not fit (another
  // number of dropout layers, an order that is not this split's). The best epoch's weights of
  // early stopping's restore_best are not part of it: a resumed run restores only a best
  // epoch it reaches itself.
  TrainProgress progress();
  void resume(const TrainProgress& p, const std::vector<EpochStats>& history);
  std::function<void(const EpochStats&)> on_epoch;  // called after each epoch is recorded
  // Off (default): the validation split is evaluated at once when an epoch ends. On (the app):
  // the following step() calls evaluate it 256 images at a time, so no frame holds it all;
  // the epoch is recorded when the last chunk is done.
  void set_sliced_validation(bool on) { sliced_validation_ = on; }
  bool validating() const { return validating_; }

 private:
  void end_epoch();
  void validate_chunk();
  void record_epoch();
  void snapshot_good();
  void restore_good();

  Model& model_;
  const Dataset& data_;
  Split split_;
  Normalizer norm_;
  TrainConfig cfg_;
  std::unique_ptr<Optimizer> opt_;
  SoftmaxCrossEntropy loss_;
  Rng rng_;
  std::vector<int> order_;
  Matrix x_, dz_;
  std::vector<int> y_;
  TrainState state_ = TrainState::Ready;
  std::string message_;
  int epoch_ = 0, pos_ = 0;
  double epoch_loss_ = 0, epoch_seconds_ = 0;
  long epoch_correct_ = 0, epoch_count_ = 0, images_seen_ = 0;
  double train_seconds_ = 0;
  std::vector<EpochStats> history_;
  std::vector<float> batch_losses_;
  EpochStats pending_;  // the epoch being recorded (while its validation runs)
  bool sliced_validation_ = false, validating_ = false;
  size_t val_pos_ = 0;
  double val_loss_ = 0;
  long val_correct_ = 0;
  // roll-back points: last good epoch (divergence) and best validation epoch (early stop)
  ModelSnapshot good_, best_;
  long good_t_ = 0;
  double best_val_ = INFINITY, plateau_best_ = INFINITY;
  int best_epoch_ = 0, since_best_ = 0, since_plateau_ = 0;
};

}  // namespace bpl
