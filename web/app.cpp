#include "app.h"

#include "core/error.h"
#include "io/model_file.h"
#include "io/settings.h"

#include <cstring>
#include <sstream>

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
    pending_eval_.active = false;
    if (exp.running) experiments_stop();   // so do the experiments' trainers
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
  setting_errors_.clear();
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
    const Setting& share = *find_setting("data.val_fraction");   // the table's range, in percent
    if (val_percent < 100 * share.min || val_percent > 100 * share.max)
      throw ConfigError("validation share must be " + exact_number(100 * share.min) + "–" +
                        exact_number(100 * share.max) + "%");
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
    if (!trainer_ && (!model_.built() || model_.spec() != preview_.spec())) {
      // the layer list changed since the model was made: a fresh model
      model_ = Model::from_text(layers_text, Shape{1, 28, 28}, cfg.init_seed);
      ++model_changes;
      history_.clear();
      epoch_offset_ = 0;
      resume_steps_ = 0;
    }
    split_ = make_split(train_, 0, val_percent / 100.0, 0.0, cfg.train.seed, &test_, test_images);
    norm_ = Normalizer::make(cfg.norm, train_, split_.train);
    if (trainer_) {
      // a finished run (diverged, then resumed) goes on with the same model: the epochs count
      // on, and the optimizer keeps its step count (its m and v are in the Params)
      epoch_offset_ = history_.empty() ? 0 : history_.back().stats.epoch;
      resume_steps_ = trainer_->optimizer().steps();
    }
    auto t = std::make_unique<Trainer>(model_, train_, split_, norm_, cfg.train);
    if (resume_steps_ > 0) t->optimizer().set_steps(resume_steps_);   // a loaded or resumed model's Adam state
    t->on_epoch = [this](const EpochStats& s) { on_epoch(s); };
    t->set_sliced_validation(true);   // no frame holds a whole validation pass
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
  r.stats.epoch += epoch_offset_;
  history_.push_back(r);   // test accuracy and loss follow when the sliced evaluation is done
  pending_eval_ = PendingEval{};
  pending_eval_.active = true;
  pending_eval_.result.predicted.assign(split_.test.size(), 0);
  pending_eval_.result.confidence.assign(split_.test.size(), 0.0f);
}

void App::start() {
  if (state_ == RunState::Done && trainer_ && trainer_->finished()) {
    reset();   // Start after a finished run begins a fresh one
  }
  if (!ensure_trainer()) return;
  state_ = RunState::Running;
}

void App::pause() {
  if (state_ == RunState::Running) {
    state_ = RunState::Paused;
    autosave_due = true;
  }
}

void App::step_batch() {
  if (!ensure_trainer()) return;
  if (pending_eval_.active) eval_slice(1e9);   // finish the last epoch's evaluation first
  trainer_->step();
  while (trainer_->validating()) trainer_->step();   // a batch that ends an epoch records it
  state_ = trainer_->finished() ? RunState::Done : RunState::Paused;
}

void App::step_epoch() {
  if (!ensure_trainer()) return;
  step_epoch_target_ = trainer_->epoch() + 1;
  state_ = RunState::Running;
}

void App::reset() {
  trainer_.reset();
  pending_eval_.active = false;
  history_.clear();
  epoch_offset_ = 0;
  resume_steps_ = 0;
  message_.clear();
  step_epoch_target_ = -1;
  state_ = RunState::Idle;
  try {
    model_ = Model::from_text(layers_text, Shape{1, 28, 28}, cfg.init_seed);
    ++model_changes;
  } catch (const std::exception&) {
    // the text is invalid: validation() says why; the old model stays
  }
}

void App::background(double budget_ms) {
  if (pending_eval_.active) eval_slice(budget_ms);
}

// The test split in chunks of 256 images until the budget is spent; when all are done, the
// epoch's record gets its test accuracy and loss and the report its confusion matrix.
void App::eval_slice(double budget_ms) {
  PendingEval& pe = pending_eval_;
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = split_.test.size();
  while (pe.pos < n) {
    const size_t count = std::min<size_t>(256, n - pe.pos);
    std::vector<int> idx(split_.test.begin() + static_cast<long>(pe.pos), split_.test.begin() + static_cast<long>(pe.pos + count));
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
  report_set(r);
  if (!history_.empty()) {
    history_.back().test_acc = r.accuracy;
    history_.back().test_loss = r.loss;
    report.epoch = history_.back().stats.epoch;
  }
  autosave_due = true;
}

void App::tick(double budget_ms) {
  if (state_ != RunState::Running || !trainer_) return;
  if (pending_eval_.active) {   // the last epoch's test evaluation first, on the same weights
    eval_slice(budget_ms);
    return;
  }
  // stop at the end of the epoch, so its test evaluation sees the weights of that moment
  int stop = trainer_->epoch() + 1;
  if (step_epoch_target_ >= 0) stop = std::min(stop, static_cast<int>(step_epoch_target_));
  trainer_->run_for_ms(budget_ms, stop);
  if (step_epoch_target_ >= 0 && trainer_->epoch() >= step_epoch_target_) {
    step_epoch_target_ = -1;
    state_ = RunState::Paused;
  }
  if (trainer_->finished()) {
    state_ = trainer_->state() == TrainState::Diverged ? RunState::Paused : RunState::Done;
    message_ = trainer_->message();
  }
}

// ------------------------------------------------------------------ save, restore, share
std::vector<uint8_t> App::save_model_bytes() {
  ModelExtras x;
  x.dataset = dataset_name;
  if (trainer_) {
    x.has_optimizer = true;
    x.optimizer = trainer_->optimizer().config();
    x.steps = trainer_->optimizer().steps();
  } else if (resume_steps_ > 0) {
    x.has_optimizer = true;
    x.optimizer = cfg.train.optimizer;
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

std::string App::load_model_bytes(const uint8_t* bytes, size_t size, const std::string& name) {
  if (state_ == RunState::Running) return "pause training before loading a model";
  LoadedModel l;
  try {
    l = deserialize_model(bytes, size);
    if (l.model.input_shape() != Shape{1, 28, 28} || l.model.output_shape().size() != 10)
      throw FormatError("the model takes " + l.model.input_shape().str() + " inputs and gives " +
                        std::to_string(l.model.output_shape().size()) + " outputs; this app needs 1×28×28 → 10");
  } catch (const std::exception& e) {
    notice = std::string("could not load ") + name + ": " + e.what() + " — the current model is unchanged";
    return notice;
  }
  trainer_.reset();
  model_ = std::move(l.model);
  ++model_changes;
  pending_eval_.active = false;
  norm_ = l.norm;
  layers_text = model_.spec();
  cfg.preset = "loaded";
  cfg.norm = norm_.kind;
  if (l.extras.has_optimizer) cfg.train.optimizer = l.extras.optimizer;
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
  use_builder = false;
  revalidate();
  state_ = history_.empty() ? RunState::Idle : RunState::Paused;
  message_.clear();
  notice = "loaded " + name + " (" + std::to_string(history_.size()) + " epochs trained" +
           (l.extras.dataset.empty() ? "" : " on " + l.extras.dataset) + ")";
  return "";
}

// The link carries the panels' layer text and validation share, which live beside cfg.
std::string App::settings_query() const {
  RunConfig rc = cfg;
  rc.layers = layers_text;
  rc.val_frac = val_percent / 100.0;
  return bpl::settings_query(rc);
}

std::string App::apply_settings_query(const std::string& query_in) {
  std::string query = query_in;
  if (!query.empty() && (query[0] == '#' || query[0] == '?')) query = query.substr(1);
  if (query.empty()) return "";
  RunConfig rc = cfg;
  rc.layers = layers_text;
  rc.val_frac = val_percent / 100.0;
  std::string layers;
  int val = 0;
  try {
    bpl::apply_settings_query(rc, query);
    layers = rc.layers;
    // an old link without the validation share keeps the app's
    val = query.find("data.val_fraction=") != std::string::npos ? static_cast<int>(std::lround(rc.val_frac * 100))
                                                                 : val_percent;
    Model probe = Model::from_text(layers, Shape{1, 28, 28}, rc.init_seed);
    if (probe.output_shape().size() != 10) throw ConfigError("the model must end with 10 outputs");
    rc.train.validate(1 << 20);
  } catch (const std::exception& e) {
    notice = std::string("the link's settings were ignored: ") + e.what();
    return notice;
  }
  const bool preset_named = query.find("model.preset=") != std::string::npos;
  cfg = rc;
  setting_errors_.clear();
  if (!preset_named) cfg.preset = "custom";
  layers_text = layers;
  val_percent = val;
  use_builder = false;
  revalidate();
  reset();
  notice = "settings from the link applied";
  return "";
}

bool App::apply_setting(const std::string& key, const std::string& value) {
  if (key == "model.preset") {   // a preset also refills the MLP builder and resets the model
    try {
      find_preset(value);
    } catch (const std::exception& e) {
      setting_errors_[key] = e.what();
      return false;
    }
    apply_preset(value);
    return true;
  }
  RunConfig rc = cfg;
  rc.layers = layers_text;
  rc.val_frac = val_percent / 100.0;
  try {
    bpl::apply_setting(rc, key, value);
  } catch (const std::exception& e) {
    setting_errors_[key] = e.what();
    return false;
  }
  setting_errors_.erase(key);
  cfg = rc;
  layers_text = rc.layers;
  val_percent = static_cast<int>(std::lround(rc.val_frac * 100));
  if (key != "model.preset") cfg.preset = "custom";
  revalidate();
  return true;
}

const std::string& App::setting_error(const std::string& key) const {
  static const std::string none;
  auto it = setting_errors_.find(key);
  return it == setting_errors_.end() ? none : it->second;
}

uint64_t App::weights_hash() { return model_.weights_hash(); }

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
  j["epoch"] = history_.empty() ? 0 : history_.back().stats.epoch;
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
  j["draw_vertices"] = frames.draw_vertices;
  j["draw_commands"] = frames.draw_commands;
  j["theme"] = dark_theme ? "dark" : "light";
  j["lr"] = cfg.train.optimizer.lr;
  j["batch_size"] = cfg.train.batch;
  j["optimizer"] = kind_name(cfg.train.optimizer.kind);
  j["history_epochs"] = history_.size();
  j["notice"] = notice;
  j["restore_offer"] = restore_offer;
  char hbuf[24];
  std::snprintf(hbuf, sizeof hbuf, "%016llx", static_cast<unsigned long long>(model_.built() ? weights_hash() : 0));
  j["weights_hash"] = hbuf;
  j["ui_scale"] = ui_scale;
#ifdef __EMSCRIPTEN__
  j["wasm_heap_mb"] = emscripten_get_heap_size() / 1048576.0;
#endif
  j["view"] = kViews[std::clamp(view, 0, kViewCount - 1)];
  j["pad"] = {{"top", pad.top}, {"empty", pad.pre.empty}, {"taught", pad.taught},
              {"confidence", pad.top >= 0 ? pad.probs[pad.top] : 0.0f}, {"saliency", !pad.saliency.empty()}};
  j["report"] = {{"ready", report.ready}, {"accuracy", report.eval.accuracy}, {"epoch", report.epoch},
                 {"sel_truth", report.sel_truth}, {"sel_pred", report.sel_pred}, {"mistakes", report.mistakes.size()},
                 {"macro_f1", report.rep.macro_f1}};
  {
    nlohmann::json runs = nlohmann::json::array();
    for (const ExperimentRun& r : exp.runs)
      runs.push_back({{"name", r.name}, {"epochs", r.epochs}, {"test_acc", r.test_acc}, {"params", r.params}});
    j["experiments"] = {{"running", exp.running}, {"runs", runs}, {"message", exp.message}, {"winner", exp.running ? -1 : experiment_winner(exp.runs)}};
  }
  {
    const Stepper& st = stepper;
    nlohmann::json sj;
    sj["ready"] = !st.trace.empty();
    sj["message"] = st.message;
    if (!st.trace.empty()) {
      const TraceOp& op = st.trace.ops()[st.op];
      sj["op"] = st.op;
      sj["ops"] = st.trace.ops().size();
      sj["kind"] = op_kind_name(op.kind);
      sj["layer"] = op.layer;
      sj["layer_type"] = op.layer >= 0 ? st.trace.model().layer(op.layer).type() : "loss";
      sj["title"] = op.title;
      sj["equation"] = op.equation;
      sj["loss_before"] = st.trace.loss_before();
      sj["loss_after"] = st.trace.loss_after();
      sj["sample"] = st.sample;
      sj["batch"] = st.trace.batch();
      sj["label"] = st.trace.labels()[0];
      sj["drawn"] = !st.drawn.empty();
      sj["predicted"] = st.predicted.empty() ? -1 : st.predicted[0];
      sj["edits"] = st.trace.edit_count();
      sj["applied"] = st.applied;
      sj["playing"] = st.playing;
      sj["checks"] = nlohmann::json::array();
      for (const GradCheckResult& c : st.checks)
        sj["checks"].push_back({{"label", c.label}, {"analytic", c.analytic}, {"numeric", c.numeric}, {"rel_error", c.rel_error}, {"kink", c.kink}, {"agrees", c.agrees}, {"uncertainty", c.uncertainty}});
    }
    j["stepper"] = sj;
  }
  for (const auto& [k, r] : ui_rects) j["ui"][k] = {r[0], r[1], r[2], r[3]};
  return j.dump();
}

}  // namespace bpl::app
