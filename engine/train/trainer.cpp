#include "train/trainer.h"

#include "core/error.h"
#include "train/step.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl {

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}
}  // namespace

const char* state_name(TrainState s) {
  switch (s) {
    case TrainState::Ready:
      return "ready";
    case TrainState::Running:
      return "training";
    case TrainState::Done:
      return "done";
    case TrainState::EarlyStopped:
      return "stopped early";
    case TrainState::Diverged:
      return "diverged";
  }
  return "?";
}

const char* kind_name(ScheduleKind k) {
  switch (k) {
    case ScheduleKind::None:
      return "none";
    case ScheduleKind::Step:
      return "step";
    case ScheduleKind::Plateau:
      return "plateau";
  }
  return "?";
}

const std::vector<ScheduleKind>& schedule_kinds() {
  static const std::vector<ScheduleKind> all = {ScheduleKind::None, ScheduleKind::Step, ScheduleKind::Plateau};
  return all;
}

ScheduleKind parse_schedule_kind(const std::string& name) {
  for (ScheduleKind k : schedule_kinds())
    if (name == kind_name(k)) return k;
  throw ConfigError("schedule \"" + name + "\" is unknown (use none, step or plateau)");
}

void TrainConfig::validate(int train_size) const {
  if (batch < 1 || batch > 4096) throw ConfigError("batch size " + std::to_string(batch) + " must be in 1..4096");
  if (batch > train_size)
    throw ConfigError("batch size " + std::to_string(batch) + " is larger than the " + std::to_string(train_size) +
                      " training images");
  if (epochs < 0 || epochs > 10000) throw ConfigError("epochs " + std::to_string(epochs) + " must be in 0..10000");
  optimizer.validate();
  if (schedule.step_epochs < 1) throw ConfigError("schedule step must be ≥ 1 epoch");
  if (!(schedule.gamma > 0 && schedule.gamma <= 1)) throw ConfigError("schedule gamma must be in (0, 1]");
  if (schedule.plateau_patience < 1) throw ConfigError("plateau patience must be ≥ 1 epoch");
  if (!(schedule.plateau_factor > 0 && schedule.plateau_factor < 1))
    throw ConfigError("plateau factor must be in (0, 1)");
  if (early_stop_patience < 0) throw ConfigError("early-stopping patience must be ≥ 0 (0 = off)");
  if (!(early_stop_min_delta >= 0)) throw ConfigError("early-stopping min_delta must be ≥ 0");
}

EvalResult evaluate(Model& model, const Dataset& d, const std::vector<int>& idx, const Normalizer& norm, int batch) {
  EvalResult r;
  r.count = static_cast<int>(idx.size());
  r.predicted.resize(idx.size());
  r.confidence.resize(idx.size());
  if (idx.empty()) return r;
  Matrix x;
  std::vector<int> y;
  SoftmaxCrossEntropy ce;
  double loss = 0;
  long correct = 0;
  for (int start = 0; start < r.count; start += batch) {
    int n = std::min(batch, r.count - start);
    gather_batch(d, idx, start, n, norm, x, y);
    const Matrix& z = model.forward(x, Mode::Eval);
    loss += ce.forward(z, y) * n;
    correct += ce.correct();
    const Matrix& p = ce.probabilities();
    for (int j = 0; j < n; ++j) {
      Eigen::Index arg;
      r.confidence[start + j] = p.col(j).maxCoeff(&arg);
      r.predicted[start + j] = static_cast<int>(arg);
    }
  }
  r.loss = loss / r.count;
  r.accuracy = static_cast<double>(correct) / r.count;
  return r;
}

Trainer::Trainer(Model& model, const Dataset& data, Split split, Normalizer norm, TrainConfig cfg)
    : model_(model), data_(data), split_(std::move(split)), norm_(norm), cfg_(cfg), rng_(cfg.seed, 0x5bff1e) {
  cfg_.validate(static_cast<int>(split_.train.size()));
  if (model_.input_shape() != data_.shape())
    throw ConfigError("the model expects " + model_.input_shape().str() + " inputs, the data are " +
                      data_.shape().str());
  if (model_.output_shape().size() != data_.classes)
    throw ConfigError("the model has " + std::to_string(model_.output_shape().size()) + " outputs for " +
                      std::to_string(data_.classes) + " classes");
  opt_ = make_optimizer(cfg_.optimizer);
  order_ = split_.train;
  snapshot_good();
  if (cfg_.epochs == 0) {  // nothing to train (`bpl train --epochs 0 --save` writes the initial model)
    state_ = TrainState::Done;
    message_ = "0 epochs: nothing trained";
  }
}

void Trainer::snapshot_good() {
  good_ = model_.snapshot();
  good_t_ = opt_ ? opt_->steps() : 0;
}

void Trainer::restore_good() {
  model_.restore(good_);
  // the optimizer's step counter goes back too, so Adam's bias correction matches the state
  opt_->set_steps(good_t_);
}

Trainer::StepResult Trainer::step() {
  StepResult r;
  if (finished()) return r;
  if (validating_) {  // sliced validation: one chunk instead of a batch
    validate_chunk();
    r.epoch_end = !validating_;
    return r;
  }
  state_ = TrainState::Running;
  auto t0 = Clock::now();
  const int n_train = static_cast<int>(order_.size());
  if (pos_ == 0) {
    // a new order every epoch: a shuffle of the split's order, so the epoch's order depends only
    // on the generator's state (which a model file saves)
    order_ = split_.train;
    rng_.shuffle(order_);
    epoch_loss_ = 0;
    epoch_correct_ = epoch_count_ = 0;
    epoch_seconds_ = 0;
  }
  const int n = std::min(cfg_.batch, n_train - pos_);
  gather_batch(data_, order_, pos_, n, norm_, x_, y_);
  const double limit = 10.0 * std::log(static_cast<double>(data_.classes));
  const StepOutcome out = train_step(model_, loss_, *opt_, x_, y_, dz_, false, limit);
  const double loss = out.mean_loss;  // the logs' loss: the mean per image, whatever the reduction
  if (!out.updated) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "the loss diverged at batch %d of epoch %d (loss = %g) — the learning rate (%g) is probably too "
                  "high; the weights were rolled back to the end of epoch %d",
                  pos_ / cfg_.batch + 1, epoch_ + 1, loss, opt_->lr(), epoch_);
    message_ = buf;
    restore_good();
    state_ = TrainState::Diverged;
    r.loss = loss;
    return r;
  }
  batch_losses_.push_back(static_cast<float>(loss));
  epoch_loss_ += loss * n;
  epoch_correct_ += loss_.correct();
  epoch_count_ += n;
  images_seen_ += n;
  pos_ += n;
  double ms = ms_since(t0);
  epoch_seconds_ += ms / 1000.0;
  train_seconds_ += ms / 1000.0;
  r.loss = loss;
  r.correct = loss_.correct();
  r.count = n;
  if (pos_ >= n_train) {
    end_epoch();
    r.epoch_end = !validating_;
  }
  return r;
}

TrainProgress Trainer::progress() {
  while (validating_) validate_chunk();
  TrainProgress p;
  p.epoch = epoch_;
  p.steps = opt_->steps();
  p.images_seen = images_seen_;
  p.train_seconds = train_seconds_;
  p.lr = opt_->lr();
  p.shuffle = rng_.state();
  for (Rng* r : model_.rngs()) p.layer_rngs.push_back(r->state());
  p.best_watched = best_val_;
  p.plateau_best = plateau_best_;
  p.best_epoch = best_epoch_;
  p.since_best = since_best_;
  p.since_plateau = since_plateau_;
  p.pos = pos_;
  if (pos_ > 0) p.order = order_;
  p.epoch_loss = epoch_loss_;
  p.epoch_seconds = epoch_seconds_;
  p.epoch_correct = epoch_correct_;
  p.epoch_count = epoch_count_;
  return p;
}

void Trainer::resume(const TrainProgress& p, const std::vector<EpochStats>& history) {
  std::vector<Rng*> rngs = model_.rngs();
  if (p.layer_rngs.size() != rngs.size())
    throw ConfigError("the saved run has " + std::to_string(p.layer_rngs.size()) +
                      " dropout generators, the model has " + std::to_string(rngs.size()));
  if (p.epoch < 0 || p.pos < 0 || p.pos > static_cast<int>(split_.train.size()))
    throw ConfigError("the saved run's position is out of range");
  if (p.pos > 0) {
    // the epoch's order must be a permutation of this split's training images
    std::vector<int> a = p.order, b = split_.train;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) throw ConfigError("the saved run stopped inside an epoch of other training images");
    order_ = p.order;
  }
  for (size_t i = 0; i < rngs.size(); ++i) rngs[i]->set_state(p.layer_rngs[i]);
  rng_.set_state(p.shuffle);
  epoch_ = p.epoch;
  pos_ = p.pos;
  opt_->set_steps(p.steps);
  if (p.lr > 0) opt_->set_lr(p.lr);
  images_seen_ = p.images_seen;
  train_seconds_ = p.train_seconds;
  best_val_ = p.best_watched;
  plateau_best_ = p.plateau_best;
  best_epoch_ = p.best_epoch;
  since_best_ = p.since_best;
  since_plateau_ = p.since_plateau;
  epoch_loss_ = p.epoch_loss;
  epoch_seconds_ = p.epoch_seconds;
  epoch_correct_ = p.epoch_correct;
  epoch_count_ = p.epoch_count;
  history_ = history;
  snapshot_good();
  if (epoch_ >= cfg_.epochs && pos_ == 0) {
    state_ = TrainState::Done;
    message_ = "the run already has " + std::to_string(epoch_) + " epochs";
  }
}

int Trainer::run_for_ms(double budget_ms, int stop_at_epoch) {
  auto t0 = Clock::now();
  int batches = 0;
  while (!finished() && (stop_at_epoch < 0 || epoch_ < stop_at_epoch)) {
    step();
    ++batches;
    if (ms_since(t0) >= budget_ms) break;
  }
  return batches;
}

void Trainer::finish_epoch_now() {
  if (epoch_count_ > 0) end_epoch();
  while (validating_) validate_chunk();
}

void Trainer::end_epoch() {
  EpochStats& s = pending_;
  s = EpochStats{};
  s.epoch = epoch_ + 1;
  s.train_loss = epoch_loss_ / std::max<long>(1, epoch_count_);
  s.train_acc = static_cast<double>(epoch_correct_) / std::max<long>(1, epoch_count_);
  s.seconds = epoch_seconds_;
  s.images_per_sec = epoch_seconds_ > 0 ? epoch_count_ / epoch_seconds_ : 0;
  s.lr = opt_->lr();
  if (split_.val.empty()) return record_epoch();
  if (sliced_validation_) {  // the next step() calls evaluate it a chunk at a time
    validating_ = true;
    val_pos_ = 0;
    val_loss_ = 0;
    val_correct_ = 0;
    return;
  }
  const EvalResult v = evaluate(model_, data_, split_.val, norm_);
  s.val_loss = v.loss;
  s.val_acc = v.accuracy;
  record_epoch();
}

void Trainer::validate_chunk() {
  const size_t n = split_.val.size(), count = std::min<size_t>(256, n - val_pos_);
  const std::vector<int> idx(split_.val.begin() + static_cast<long>(val_pos_),
                             split_.val.begin() + static_cast<long>(val_pos_ + count));
  const EvalResult v = evaluate(model_, data_, idx, norm_);
  val_loss_ += v.loss * v.count;
  val_correct_ += std::lround(v.accuracy * v.count);
  val_pos_ += count;
  if (val_pos_ < n) return;
  validating_ = false;
  pending_.val_loss = val_loss_ / n;
  pending_.val_acc = static_cast<double>(val_correct_) / n;
  record_epoch();
}

void Trainer::record_epoch() {
  EpochStats& s = pending_;
  if (!split_.val.empty()) s.overfitting = s.train_acc - s.val_acc > 0.10;
  history_.push_back(s);
  ++epoch_;
  pos_ = 0;
  snapshot_good();

  // the quantity schedules and early stopping watch: validation loss (train loss without one)
  const double watched = split_.val.empty() ? s.train_loss : s.val_loss;
  if (watched < best_val_ - cfg_.early_stop_min_delta) {
    best_val_ = watched;
    best_epoch_ = s.epoch;
    since_best_ = 0;
    if (cfg_.restore_best && cfg_.early_stop_patience > 0) best_ = model_.snapshot();
  } else {
    ++since_best_;
  }
  if (cfg_.schedule.kind == ScheduleKind::Step && s.epoch % cfg_.schedule.step_epochs == 0) {
    opt_->set_lr(std::max(cfg_.schedule.min_lr, opt_->lr() * cfg_.schedule.gamma));
  } else if (cfg_.schedule.kind == ScheduleKind::Plateau) {
    if (watched < plateau_best_ - 1e-4) {
      plateau_best_ = watched;
      since_plateau_ = 0;
    } else if (++since_plateau_ >= cfg_.schedule.plateau_patience) {
      opt_->set_lr(std::max(cfg_.schedule.min_lr, opt_->lr() * cfg_.schedule.plateau_factor));
      since_plateau_ = 0;
    }
  }
  if (on_epoch) on_epoch(s);

  if (cfg_.early_stop_patience > 0 && since_best_ >= cfg_.early_stop_patience) {
    state_ = TrainState::EarlyStopped;
    char buf[200];
    std::snprintf(buf, sizeof buf, "early stop after epoch %d: no validation-loss improvement > %g for %d epochs%s",
                  s.epoch, cfg_.early_stop_min_delta, cfg_.early_stop_patience,
                  cfg_.restore_best && !best_.value.empty() ? "; restored the best epoch's weights" : "");
    message_ = buf;
    if (cfg_.restore_best && !best_.value.empty()) model_.restore(best_);
  } else if (epoch_ >= cfg_.epochs) {
    state_ = TrainState::Done;
    message_ = "trained " + std::to_string(epoch_) + " epochs";
  }
}

}  // namespace bpl
