#include "training_session.h"

#include "core/error.h"
#include "data/idx.h"
#include "metrics/metrics.h"
#include "trace/trace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace bpl::app {

const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Idle:
      return "idle";
    case RunState::Running:
      return "training";
    case RunState::Paused:
      return "paused";
    case RunState::Done:
      return "done";
  }
  return "?";
}

// Running while the learner wants it and the Trainer is not finished; a finished Trainer is
// Done (a diverged one Paused: it can resume from its last good epoch); anything trained since
// the last reset is Paused; else Idle.
RunState TrainingSession::state() const {
  if (trainer_ && trainer_->finished())
    return trainer_->state() == TrainState::Diverged ? RunState::Paused : RunState::Done;
  if (running_ && trainer_) return RunState::Running;
  if (started_ || !history_.empty()) return RunState::Paused;
  return RunState::Idle;
}

// ------------------------------------------------------------------ data
bool TrainingSession::receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name,
                                  const std::string& set_name) {
  try {
    if (kind == 0 || kind == 2)
      pending_images_[kind / 2] = parse_idx_images(bytes, size, name);
    else if (kind == 1 || kind == 3)
      pending_labels_[kind / 2] = parse_idx_labels(bytes, size, 9, name);
    else
      throw FormatError("unknown file kind");
    pending_mask_ |= 1 << kind;
  } catch (...) {
    pending_mask_ &= ~(1 << kind);
    throw;
  }
  if (pending_mask_ != 0xF) return false;
  pending_mask_ = 0;
  Dataset tr = make_dataset(std::move(pending_images_[0]), std::move(pending_labels_[0]), set_name + " train");
  Dataset te = make_dataset(std::move(pending_images_[1]), std::move(pending_labels_[1]), set_name + " test");
  if (tr.rows != te.rows || tr.cols != te.cols) throw FormatError("training and test images differ in size");
  if (tr.rows != 28 || tr.cols != 28) throw FormatError("the models here take 28×28 images");
  keep_model_for_new_data();  // the trainer refers to the old data; the model stays
  train_ = std::move(tr);
  test_ = std::move(te);
  data_ready_ = true;
  return true;
}

void TrainingSession::add_train_image(const std::vector<uint8_t>& pixels, int label) {
  train_.pixels.insert(train_.pixels.end(), pixels.begin(), pixels.end());
  train_.labels.push_back(static_cast<uint8_t>(label));
  const int index = train_.size() - 1;
  split_.train.push_back(index);
  if (trainer_) trainer_->add_train_index(index);
}

// ------------------------------------------------------------------ training
bool TrainingSession::build_trainer(const TrainPlan& plan) {
  try {
    if (!trainer_ && (!model_.built() || model_.spec() != plan.spec)) {
      // the layer list changed since the model was made: a fresh model
      model_ = Model::from_text(plan.layers, Shape{1, 28, 28}, plan.init_seed);
      fresh_version_ = ++weights_version_;
      history_.clear();
      epoch_offset_ = 0;
      resume_steps_ = 0;
      resume_run_ = false;
    }
    split_ = make_split(train_, std::min(plan.subset, train_.size()), plan.val_percent / 100.0, 0.0, plan.train.seed,
                        &test_, plan.test_images);
    norm_ = Normalizer::make(plan.norm, train_, split_.train);
    if (trainer_) {
      // a finished run (diverged, then resumed) goes on with the same model: the epochs count
      // on, and the optimizer keeps its step count (its m and v are in the Params)
      epoch_offset_ = history_.empty() ? 0 : history_.back().stats.epoch;
      resume_steps_ = trainer_->optimizer().steps();
    }
    auto t = std::make_unique<Trainer>(model_, train_, split_, norm_, plan.train);
    if (resume_steps_ > 0) t->optimizer().set_steps(resume_steps_);  // a loaded or resumed model's Adam state
    std::string resume_note;
    // (a run that had finished all its epochs goes on as before: more epochs, counted on)
    const bool finished_run = resume_progress_.pos == 0 && resume_progress_.epoch >= plan.train.epochs;
    if (resume_run_ && !trainer_ && !finished_run) {
      // a loaded file's run goes on exactly where it stopped: counters, the shuffle and dropout
      // generators, the position inside the epoch (when the data and split are the run's own)
      std::vector<EpochStats> stats;
      for (const EpochRecord& r : history_) stats.push_back(r.stats);
      try {
        t->resume(resume_progress_, stats);
        epoch_offset_ = 0;  // the trainer counts the run's epochs itself
      } catch (const ConfigError& e) {
        resume_note = std::string("the saved run's order could not continue (") + e.what() +
                      "): training goes on from the next epoch with a fresh shuffle";
        t->optimizer().set_steps(resume_steps_);
      }
    }
    resume_run_ = false;
    t->on_epoch = [this](const EpochStats& s) { on_epoch(s); };
    t->set_sliced_validation(true);  // no frame holds a whole validation pass
    trainer_ = std::move(t);
    message_ = resume_note;
    return true;
  } catch (const std::exception& e) {
    message_ = std::string("cannot train: ") + e.what();
    return false;
  }
}

void TrainingSession::on_epoch(const EpochStats& s) {
  EpochRecord r;
  r.stats = s;
  r.stats.epoch += epoch_offset_;
  history_.push_back(r);  // test accuracy and loss follow when the sliced evaluation is done
  pending_eval_ = PendingEval{};
  pending_eval_.active = true;
  pending_eval_.result.predicted.assign(split_.test.size(), 0);
  pending_eval_.result.confidence.assign(split_.test.size(), 0.0f);
}

void TrainingSession::run() {
  if (!trainer_) return;
  running_ = true;
  started_ = true;
}

void TrainingSession::pause() {
  if (state() == RunState::Running) {
    running_ = false;
    autosave_due = true;
  }
}

// A training step moved the weights when a batch ran, or when the Trainer rolled back or
// restored its best epoch as it finished.
void TrainingSession::bump_if_trained(long batches_before, TrainState state_before) {
  if (batches_run() != batches_before || (trainer_ && trainer_->state() != state_before)) ++weights_version_;
}

void TrainingSession::step_batch() {
  if (!trainer_) return;
  if (pending_eval_.active) eval_slice(1e9);  // finish the last epoch's evaluation first
  const long b0 = batches_run();
  const TrainState s0 = trainer_->state();
  trainer_->step();
  while (trainer_->validating()) trainer_->step();  // a batch that ends an epoch records it
  bump_if_trained(b0, s0);
  running_ = false;
  started_ = true;
}

void TrainingSession::step_epoch() {
  if (!trainer_) return;
  step_epoch_target_ = trainer_->epoch() + 1;
  run();
}

void TrainingSession::reset(const std::string& layers, uint64_t init_seed) {
  trainer_.reset();
  pending_eval_.active = false;
  history_.clear();
  epoch_offset_ = 0;
  resume_steps_ = 0;
  resume_run_ = false;
  message_.clear();
  step_epoch_target_ = -1;
  running_ = started_ = false;
  try {
    model_ = Model::from_text(layers, Shape{1, 28, 28}, init_seed);
    fresh_version_ = ++weights_version_;
  } catch (const std::exception&) {
    // the text is invalid: the App's validation says why; the old model stays
  }
}

void TrainingSession::background(double budget_ms) {
  if (pending_eval_.active) eval_slice(budget_ms);
}

// The test split in chunks of 256 images until the budget is spent; when all are done, the
// epoch's record gets its test accuracy and loss and the report its confusion matrix.
void TrainingSession::eval_slice(double budget_ms) {
  PendingEval& pe = pending_eval_;
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = split_.test.size();
  while (pe.pos < n) {
    const size_t count = std::min<size_t>(256, n - pe.pos);
    std::vector<int> idx(split_.test.begin() + static_cast<long>(pe.pos),
                         split_.test.begin() + static_cast<long>(pe.pos + count));
    const EvalResult e = evaluate(model_, test_, idx, norm_);
    pe.loss += e.loss * e.count;
    pe.correct += std::lround(e.accuracy * e.count);
    std::copy(e.predicted.begin(), e.predicted.end(), pe.result.predicted.begin() + static_cast<long>(pe.pos));
    std::copy(e.confidence.begin(), e.confidence.end(), pe.result.confidence.begin() + static_cast<long>(pe.pos));
    pe.pos += count;
    if (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms) break;
  }
  if (pe.pos < n) return;
  pe.active = false;
  EvalResult& r = pe.result;
  r.count = static_cast<int>(n);
  r.loss = n ? pe.loss / n : NAN;
  r.accuracy = n ? static_cast<double>(pe.correct) / n : NAN;
  if (!history_.empty()) {
    history_.back().test_acc = r.accuracy;
    history_.back().test_loss = r.loss;
  }
  if (on_test_evaluated) on_test_evaluated(r);
  autosave_due = true;
}

void TrainingSession::tick(double budget_ms) {
  if (state() != RunState::Running) return;
  if (pending_eval_.active) {  // the last epoch's test evaluation first, on the same weights
    eval_slice(budget_ms);
    return;
  }
  // stop at the end of the epoch, so its test evaluation sees the weights of that moment
  int stop = trainer_->epoch() + 1;
  if (step_epoch_target_ >= 0) stop = std::min(stop, static_cast<int>(step_epoch_target_));
  const long b0 = batches_run();
  const TrainState s0 = trainer_->state();
  trainer_->run_for_ms(budget_ms, stop);
  bump_if_trained(b0, s0);
  if (step_epoch_target_ >= 0 && trainer_->epoch() >= step_epoch_target_) {
    step_epoch_target_ = -1;
    running_ = false;
  }
  if (trainer_->finished()) {
    running_ = false;
    message_ = trainer_->message();
  }
}

// ------------------------------------------------------------------ the stepper's update
void TrainingSession::apply_trace(const Trace& trace) {
  if (!trainer_) throw ConfigError("no trainer to apply the update to");
  const long steps = trace.apply_to(model_);
  trainer_->optimizer().set_steps(steps);
  ++weights_version_;
}

// ------------------------------------------------------------------ files
std::vector<uint8_t> TrainingSession::save_bytes(const std::string& dataset_name,
                                                 const OptimizerConfig& fallback_optimizer, const RunConfig* run) {
  ModelExtras x;
  x.dataset = dataset_name;
  if (trainer_) {
    x.has_optimizer = true;
    x.optimizer = trainer_->optimizer().config();
    x.steps = trainer_->optimizer().steps();
    if (run) {
      x.has_run = true;
      x.run = *run;
      x.progress = trainer_->progress();
      x.progress.epoch += epoch_offset_;  // the run's epochs, as the history counts them
    }
  } else if (resume_run_ && run) {
    // loaded and not trained since: the file's run, unchanged
    x.has_optimizer = true;
    x.optimizer = fallback_optimizer;
    x.steps = resume_progress_.steps;
    x.has_run = true;
    x.run = *run;
    x.progress = resume_progress_;
  } else if (resume_steps_ > 0) {
    x.has_optimizer = true;
    x.optimizer = fallback_optimizer;
    x.steps = resume_steps_;
  }
  for (const EpochRecord& r : history_) {
    EpochStats e = r.stats;
    e.test_loss = r.test_loss;
    e.test_acc = r.test_acc;
    x.history.push_back(e);
  }
  return serialize_model(model_, norm_, &x);
}

void TrainingSession::adopt(LoadedModel&& l) {
  trainer_.reset();
  model_ = std::move(l.model);
  ++weights_version_;
  pending_eval_.active = false;
  norm_ = l.norm;
  history_.clear();
  for (const EpochStats& e : l.extras.history) {
    EpochRecord r;
    r.stats = e;
    r.test_acc = e.test_acc;
    r.test_loss = e.test_loss;
    history_.push_back(r);
  }
  epoch_offset_ = static_cast<int>(history_.size());
  resume_steps_ = l.extras.has_optimizer ? l.extras.steps : 0;
  resume_run_ = l.extras.has_run;
  resume_progress_ = l.extras.progress;
  running_ = started_ = false;  // Paused when it brought a history, else Idle
  step_epoch_target_ = -1;
  message_.clear();
}

// ------------------------------------------------------------------ nothing is lost (issue 13, point 4)
// Everything a reset discards. The Trainer refers to model_, train_ and the session by address:
// those members stay where they are, only their contents move, so the set-aside Trainer is whole
// again once the model is moved back.
struct TrainingSession::Undo {
  Model model;
  std::unique_ptr<Trainer> trainer;
  Normalizer norm;
  Split split;
  std::vector<EpochRecord> history;
  bool started = false;
  int epoch_offset = 0;
  long resume_steps = 0;
  bool resume_run = false;
  TrainProgress resume_progress;
  uint64_t fresh_version = 0;
};

TrainingSession::TrainingSession() = default;
TrainingSession::~TrainingSession() = default;

void TrainingSession::keep_model_for_new_data() {
  if (trainer_) {
    // as a resumed run: the epochs count on, the optimizer keeps its step count
    epoch_offset_ = history_.empty() ? 0 : history_.back().stats.epoch;
    resume_steps_ = trainer_->optimizer().steps();
  }
  trainer_.reset();
  resume_run_ = false;  // a loaded run's epoch order refers to the old data
  undo_.reset();        // a set-aside trainer refers to the old data
  running_ = false;
  step_epoch_target_ = -1;
  pending_eval_.active = false;
  message_.clear();
  const bool work = has_work();
  ++weights_version_;  // the views (stepper, report, inside) recompute on the new data
  if (!work) fresh_version_ = weights_version_;
}

void TrainingSession::reset_undoably(const std::string& layers, uint64_t init_seed) {
  std::unique_ptr<Undo> u;
  if (has_work()) {
    u = std::make_unique<Undo>();
    u->model = std::move(model_);
    u->trainer = std::move(trainer_);
    u->norm = norm_;
    u->split = split_;
    u->history = history_;
    u->started = started_;
    u->epoch_offset = epoch_offset_;
    u->resume_steps = resume_steps_;
    u->resume_run = resume_run_;
    u->resume_progress = resume_progress_;
    u->fresh_version = fresh_version_;
    model_ = Model();
  }
  reset(layers, init_seed);
  if (!u) return;
  undo_ = std::move(u);
  if (!model_.built()) undo_reset();  // the layer text does not build: nothing is reset
}

void TrainingSession::forget_undo() {
  undo_.reset();
}

int TrainingSession::undo_epochs() const {
  return undo_ && !undo_->history.empty() ? undo_->history.back().stats.epoch : 0;
}

bool TrainingSession::undo_reset() {
  if (!undo_) return false;
  std::unique_ptr<Undo> u = std::move(undo_);
  model_ = std::move(u->model);
  trainer_ = std::move(u->trainer);
  norm_ = u->norm;
  split_ = u->split;
  history_ = std::move(u->history);
  started_ = u->started;
  epoch_offset_ = u->epoch_offset;
  resume_steps_ = u->resume_steps;
  resume_run_ = u->resume_run;
  resume_progress_ = u->resume_progress;
  running_ = false;
  step_epoch_target_ = -1;
  pending_eval_.active = false;
  message_.clear();
  ++weights_version_;
  fresh_version_ = u->fresh_version;
  return true;
}
// ------------------------------------------------------------------ end of nothing is lost

}  // namespace bpl::app
