#include "app.h"

#include "core/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

namespace bpl::app {

const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Idle: return "idle";
    case RunState::Running: return "training";
    case RunState::Paused: return "paused";
    case RunState::Done: return "done";
  }
  return "?";
}

double FrameStats::percentile(double p) const {
  if (frame_ms.empty()) return 0;
  std::vector<float> v(frame_ms.begin(), frame_ms.end());
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

App::App() {
  apply_preset("r2-mlp");
  data_status = "no data loaded yet";
}

// ------------------------------------------------------------------ data
const std::vector<App::DataChoice>& App::data_choices() {
  static const std::vector<DataChoice> c = {
      {"MNIST, 10,000 + 2,000 images (default)", "mnist-train-10k", "mnist-test-2k"},
      {"MNIST, all 60,000 + 10,000 images (11 MB)", "mnist-train-60k", "mnist-test-10k"},
      {"Fashion-MNIST, 10,000 + 2,000 images", "fashion-train-10k", "fashion-test-2k"},
  };
  return c;
}

void App::receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name) {
  try {
    if (kind == 0 || kind == 2) pending_images_[kind / 2] = parse_idx_images(bytes, size, name);
    else if (kind == 1 || kind == 3) pending_labels_[kind / 2] = parse_idx_labels(bytes, size, 9, name);
    else throw FormatError("unknown file kind");
    pending_mask_ |= 1 << kind;
  } catch (const std::exception& e) {
    data_status = std::string("refused: ") + e.what() + " — the current data are unchanged";
    pending_mask_ &= ~(1 << kind);
    return;
  }
  if (pending_mask_ != 0xF) return;
  pending_mask_ = 0;
  try {
    Dataset tr = make_dataset(std::move(pending_images_[0]), std::move(pending_labels_[0]), pending_dataset_name + " train");
    Dataset te = make_dataset(std::move(pending_images_[1]), std::move(pending_labels_[1]), pending_dataset_name + " test");
    if (tr.rows != te.rows || tr.cols != te.cols) throw FormatError("training and test images differ in size");
    if (tr.rows != 28 || tr.cols != 28) throw FormatError("the models here take 28×28 images");
    trainer_.reset();   // the trainer refers to the old data
    train_ = std::move(tr);
    test_ = std::move(te);
    data_ready_ = true;
    dataset_name = pending_dataset_name;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%d training and %d test images", train_.size(), test_.size());
    data_status = buf;
    reset();
  } catch (const std::exception& e) {
    data_status = std::string("refused: ") + e.what() + " — the current data are unchanged";
  }
}

bool App::load_idx_files(const std::string& dir, const std::string& train_prefix, const std::string& test_prefix) {
  const std::string names[4] = {train_prefix + "-images.idx.gz", train_prefix + "-labels.idx.gz",
                                test_prefix + "-images.idx.gz", test_prefix + "-labels.idx.gz"};
  for (int k = 0; k < 4; ++k) {
    try {
      auto bytes = read_file_bytes(dir + "/" + names[k]);
      receive_idx(k, bytes.data(), bytes.size(), names[k]);
    } catch (const std::exception& e) {
      data_status = e.what();
      return false;
    }
  }
  return data_ready_;
}

// ------------------------------------------------------------------ model and settings
void App::apply_preset(const std::string& name) {
  cfg = RunConfig::from_preset(find_preset(name));
  // the app trains on the loaded subset: keep epochs short enough to watch
  layers_text = cfg.layers;
  val_percent = static_cast<int>(std::lround(cfg.val_frac * 100));
  if (val_percent == 0) val_percent = 10;   // the app always shows a validation curve
  use_builder = false;
  builder.clear();
  // fill the MLP builder when the preset is a plain MLP
  try {
    bool mlp = true;
    std::vector<BuilderLayer> rows;
    for (const LayerSpec& s : parse_layer_list(layers_text)) {
      if (s.name == "dense") rows.push_back({std::stoi(s.args.at(0)), 0});
      else if (s.name == "relu" && !rows.empty()) rows.back().activation = 0;
      else if (s.name == "sigmoid" && !rows.empty()) rows.back().activation = 1;
      else if (s.name == "tanh" && !rows.empty()) rows.back().activation = 2;
      else mlp = false;
    }
    if (mlp && !rows.empty()) {
      rows.pop_back();   // the output layer (10) is implied
      builder = rows;
    }
  } catch (...) {
  }
  if (builder.empty()) builder = {{128, 0}};
  revalidate();
  if (state_ != RunState::Running) reset();
}

void App::builder_to_text() {
  static const char* act[] = {"relu", "sigmoid", "tanh"};
  std::string s;
  for (const BuilderLayer& l : builder) s += "dense(" + std::to_string(l.units) + "), " + act[l.activation] + ", ";
  layers_text = s + "dense(10)";
  revalidate();
}

void App::revalidate() {
  validation_.clear();
  try {
    preview_ = Model::from_text(layers_text, Shape{1, 28, 28}, cfg.init_seed);
    if (preview_.output_shape().size() != 10)
      throw ConfigError("the last layer must have 10 outputs (one per digit), it has " +
                        std::to_string(preview_.output_shape().size()));
    cfg.train.validate(1 << 20);
    if (val_percent < 0 || val_percent > 50) throw ConfigError("validation share must be 0–50%");
    if (data_ready_ && cfg.train.batch > train_.size())
      throw ConfigError("batch size " + std::to_string(cfg.train.batch) + " is larger than the training set");
  } catch (const std::exception& e) {
    validation_ = e.what();
  }
}

// ------------------------------------------------------------------ training
bool App::ensure_trainer() {
  if (trainer_ && !trainer_->finished()) return true;
  if (!data_ready_) {
    message_ = "the data are still loading";
    return false;
  }
  revalidate();
  if (!validation_.empty()) {
    message_ = "cannot train: " + validation_;
    return false;
  }
  try {
    if (!trainer_) {
      model_ = Model::from_text(layers_text, Shape{1, 28, 28}, cfg.init_seed);
      history_.clear();
    }
    split_ = make_split(train_, 0, val_percent / 100.0, 0.0, cfg.train.seed, &test_, test_images);
    norm_ = Normalizer::make(cfg.norm, train_, split_.train);
    TrainConfig tc = cfg.train;
    if (trainer_) tc.epochs = cfg.train.epochs + trainer_->epoch();   // "train more" after done
    auto t = std::make_unique<Trainer>(model_, train_, split_, norm_, tc);
    t->on_epoch = [this](const EpochStats& s) { on_epoch(s); };
    trainer_ = std::move(t);
    message_.clear();
    return true;
  } catch (const std::exception& e) {
    message_ = std::string("cannot train: ") + e.what();
    return false;
  }
}

void App::on_epoch(const EpochStats& s) {
  EpochRecord r;
  r.stats = s;
  EvalResult t = evaluate(model_, test_, split_.test, norm_);
  r.test_acc = t.accuracy;
  r.test_loss = t.loss;
  history_.push_back(r);
}

void App::start() {
  if (state_ == RunState::Done && trainer_ && trainer_->finished()) {
    trainer_.reset();   // start over with new weights (Reset) or continue? Done → a fresh run
    reset();
  }
  if (!ensure_trainer()) return;
  state_ = RunState::Running;
}

void App::pause() {
  if (state_ == RunState::Running) state_ = RunState::Paused;
}

void App::step_batch() {
  if (!ensure_trainer()) return;
  trainer_->step();
  state_ = trainer_->finished() ? RunState::Done : RunState::Paused;
}

void App::step_epoch() {
  if (!ensure_trainer()) return;
  step_epoch_target_ = trainer_->epoch() + 1;
  state_ = RunState::Running;
}

void App::reset() {
  trainer_.reset();
  history_.clear();
  message_.clear();
  step_epoch_target_ = -1;
  state_ = RunState::Idle;
  try {
    model_ = Model::from_text(layers_text, Shape{1, 28, 28}, cfg.init_seed);
  } catch (const std::exception&) {
    // the text is invalid: validation() says why; the old model stays
  }
}

void App::tick(double budget_ms) {
  if (state_ != RunState::Running || !trainer_) return;
  const long before = trainer_->images_seen();
  auto t0 = std::chrono::steady_clock::now();
  if (step_epoch_target_ >= 0) {
    auto deadline = t0 + std::chrono::microseconds(static_cast<long>(budget_ms * 1000));
    while (!trainer_->finished() && trainer_->epoch() < step_epoch_target_ && std::chrono::steady_clock::now() < deadline)
      trainer_->step();
    if (trainer_->epoch() >= step_epoch_target_) {
      step_epoch_target_ = -1;
      state_ = RunState::Paused;
    }
  } else {
    trainer_->run_for_ms(budget_ms);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (void)s;
  const long done = trainer_->images_seen() - before;
  (void)done;
  if (trainer_->finished()) {
    state_ = RunState::Done;
    message_ = trainer_->message();
    if (trainer_->state() == TrainState::Diverged) state_ = RunState::Paused;
  }
}

std::string App::state_json() {
  nlohmann::json j;
  j["state"] = run_state_name(state_);
  j["data_ready"] = data_ready_;
  j["data_status"] = data_status;
  j["dataset"] = dataset_name;
  j["train_size"] = train_.size();
  j["test_size"] = test_.size();
  j["preset"] = cfg.preset;
  j["layers"] = layers_text;
  j["params"] = preview_.built() ? preview_.param_count() : 0;
  j["validation"] = validation_;
  j["message"] = message_;
  j["batches"] = batches_run();
  j["images_seen"] = trainer_ ? trainer_->images_seen() : 0;
  j["epoch"] = trainer_ ? trainer_->epoch() : 0;
  j["train_seconds"] = trainer_ ? trainer_->train_seconds() : 0.0;
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  j["test_accuracy"] = num(last_test_accuracy());
  j["val_accuracy"] = history_.empty() ? nlohmann::json(nullptr) : num(history_.back().stats.val_acc);
  j["train_loss"] = history_.empty() ? nlohmann::json(nullptr) : num(history_.back().stats.train_loss);
  j["fps"] = frames.fps;
  j["frame_p50_ms"] = frames.percentile(0.5);
  j["frame_p95_ms"] = frames.percentile(0.95);
  j["train_budget_ms"] = frames.train_budget_ms;
  j["ui_ms"] = frames.ui_ms;
  j["images_per_sec"] = frames.images_per_sec;
  j["theme"] = dark_theme ? "dark" : "light";
  j["ui_scale"] = ui_scale;
#ifdef __EMSCRIPTEN__
  j["wasm_heap_mb"] = emscripten_get_heap_size() / 1048576.0;
#endif
  for (const auto& [k, r] : ui_rects) j["ui"][k] = {r[0], r[1], r[2], r[3]};
  return j.dump();
}

}  // namespace bpl::app
