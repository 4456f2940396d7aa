// The App: settings, the actions that span its parts, and the state JSON.
#include "app.h"

#include "core/error.h"
#include "data/idx.h"
#include "io/model_file.h"
#include "io/settings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

namespace bpl::app {

App::App(Platform* platform) : platform_(platform) {
  // an epoch's test evaluation, when complete, becomes the report
  session_.on_test_evaluated = [this](const EvalResult& r) {
    const auto& h = session_.history();
    report.set(session_, r, h.empty() ? report.epoch : h.back().stats.epoch);
  };
  apply_preset("r2-mlp");
  data_status = "no data loaded yet";
}

// ------------------------------------------------------------------ data
const std::vector<DataChoice>& App::data_choices() {
  static const std::vector<DataChoice> c = {
      {"MNIST, 10,000 + 2,000 images (default)", "mnist-train-10k", "mnist-test-2k"},
      {"MNIST, all 60,000 + 10,000 images (11 MB)", "mnist-train-60k", "mnist-test-10k"},
      {"Fashion-MNIST, 10,000 + 2,000 images", "fashion-train-10k", "fashion-test-2k"},
  };
  return c;
}

void App::choose_dataset(const DataChoice& c) {
  if (!platform_) return;
  // the set's name is its label up to the first comma ("MNIST", "Fashion-MNIST")
  pending_dataset_name = c.label;
  pending_dataset_name = pending_dataset_name.substr(0, pending_dataset_name.find(','));
  platform_->request_dataset(c);
}

void App::pick_data_files() {
  if (!platform_ || !platform_->can_pick_files()) return;
  pending_dataset_name = "your files";
  platform_->pick_data_files();
}

void App::receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name) {
  try {
    if (!session_.receive_idx(kind, bytes, size, name, pending_dataset_name)) return;
  } catch (const std::exception& e) {
    data_status = std::string("refused: ") + e.what() + " — the current data are unchanged";
    return;
  }
  if (exp.running) exp.stop();  // the experiments' trainers refer to the old data
  dataset_name = pending_dataset_name;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d training and %d test images", train_data().size(), test_data().size());
  data_status = buf;
  reset();
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
  return data_ready();
}

// ------------------------------------------------------------------ model and settings
void App::apply_preset(const std::string& name) {
  cfg = RunConfig::from_preset(find_preset(name));
  setting_errors_.clear();
  // the app trains on the loaded subset: keep epochs short enough to watch
  layers_text = cfg.layers;
  val_percent = static_cast<int>(std::lround(cfg.val_frac * 100));
  if (val_percent == 0) val_percent = 10;  // the app always shows a validation curve
  use_builder = false;
  builder.clear();
  // fill the MLP builder when the preset is a plain MLP
  try {
    bool mlp = true;
    std::vector<BuilderLayer> rows;
    for (const LayerSpec& s : parse_layer_list(layers_text)) {
      if (s.name == "dense")
        rows.push_back({std::stoi(s.args.at(0)), 0});
      else if (s.name == "relu" && !rows.empty())
        rows.back().activation = 0;
      else if (s.name == "sigmoid" && !rows.empty())
        rows.back().activation = 1;
      else if (s.name == "tanh" && !rows.empty())
        rows.back().activation = 2;
      else
        mlp = false;
    }
    if (mlp && !rows.empty()) {
      rows.pop_back();  // the output layer (10) is implied
      builder = rows;
    }
  } catch (...) {
  }
  if (builder.empty()) builder = {{128, 0}};
  revalidate();
  if (state() != RunState::Running) reset();
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
    const Setting& share = *find_setting("data.val_fraction");  // the table's range, in percent
    if (val_percent < 100 * share.min || val_percent > 100 * share.max)
      throw ConfigError("validation share must be " + exact_number(100 * share.min) + "–" +
                        exact_number(100 * share.max) + "%");
    if (data_ready() && cfg.train.batch > train_data().size())
      throw ConfigError("batch size " + std::to_string(cfg.train.batch) + " is larger than the training set");
  } catch (const std::exception& e) {
    validation_ = e.what();
  }
}

// ------------------------------------------------------------------ training
TrainPlan App::plan() const {
  TrainPlan p;
  p.layers = layers_text;
  p.spec = preview_.built() ? preview_.spec() : "";
  p.init_seed = cfg.init_seed;
  p.train = cfg.train;
  p.norm = cfg.norm;
  p.val_percent = val_percent;
  p.test_images = test_images;
  return p;
}

bool App::ensure_trainer() {
  if (session_.has_live_trainer()) return true;
  if (!data_ready()) {
    session_.set_message("the data are still loading");
    return false;
  }
  revalidate();
  if (!validation_.empty()) {
    session_.set_message("cannot train: " + validation_);
    return false;
  }
  return session_.build_trainer(plan());
}

bool App::ready_model() {
  if (!data_ready()) return false;
  return session_.trainer() || ensure_trainer();
}

void App::start() {
  if (session_.finished_run()) reset();  // Start after a finished run begins a fresh one
  if (!ensure_trainer()) return;
  session_.run();
}

void App::pause() {
  session_.pause();
}

void App::step_batch() {
  if (!ensure_trainer()) return;
  session_.step_batch();
}

void App::step_epoch() {
  if (!ensure_trainer()) return;
  session_.step_epoch();
}

void App::reset() {
  session_.reset(layers_text, cfg.init_seed);
}

void App::tick(double budget_ms) {
  session_.tick(budget_ms);
}

void App::background(double budget_ms) {
  session_.background(budget_ms);
}

// ------------------------------------------------------------------ save, restore, share
std::vector<uint8_t> App::save_model_bytes() {
  return session_.save_bytes(dataset_name, cfg.train.optimizer);
}

std::string App::load_model_bytes(const uint8_t* bytes, size_t size, const std::string& name) {
  if (state() == RunState::Running) return "pause training before loading a model";
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
  const bool has_optimizer = l.extras.has_optimizer;
  const OptimizerConfig optimizer = l.extras.optimizer;
  const std::string dataset = l.extras.dataset;
  session_.adopt(std::move(l));
  layers_text = model().spec();
  cfg.preset = "loaded";
  cfg.norm = normalizer().kind;
  if (has_optimizer) cfg.train.optimizer = optimizer;
  use_builder = false;
  revalidate();
  notice = "loaded " + name + " (" + std::to_string(history().size()) + " epochs trained" +
           (dataset.empty() ? "" : " on " + dataset) + ")";
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
  query = take_ui_settings(query);
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
  if (key == "model.preset") {  // a preset also refills the MLP builder and resets the model
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

void App::download_model() {
  if (!platform_ || state() == RunState::Running) return;
  const std::string n = platform_->download(save_model_bytes(), "backprop-lab-model.bplm");
  if (!n.empty()) notice = n;
}

void App::pick_model_file() {
  if (platform_ && platform_->can_pick_files() && state() != RunState::Running) platform_->pick_model_file();
}

void App::share_settings_link() {
  if (platform_ && platform_->can_share_link()) platform_->share_link(settings_query());
}

void App::autosave_now() {
  if (!platform_ || !platform_->can_autosave()) return;
  session_.autosave_due = false;
  const std::vector<uint8_t> bytes = save_model_bytes();
  char summary[256];
  std::snprintf(summary, sizeof summary, "%s · %zu epoch(s) trained · test accuracy %.2f%%", layers_text.c_str(),
                history().size(), 100 * (std::isfinite(last_test_accuracy()) ? last_test_accuracy() : 0.0));
  platform_->autosave(bytes, settings_query(), summary);
}

void App::autosave_if_due() {
  if (session_.autosave_due) autosave_now();
}

void App::answer_restore(bool restore) {
  if (platform_)
    persist.answer_restore(*platform_, restore);
  else
    persist.restore_offer.clear();
}

uint64_t App::weights_hash() {
  return model().weights_hash();
}

// ------------------------------------------------------------------ the views' actions
bool App::stepper_capture(int first, int batch) {
  if (!data_ready()) {
    stepper.message = "the data are still loading";
    return false;
  }
  if (!ready_model()) {
    stepper.message = message().empty() ? "the model cannot be built: " + validation_ : message();
    return false;
  }
  return stepper.capture_test(session_, first, batch);
}

bool App::stepper_recapture() {
  return stepper.drawn.empty() ? stepper_capture(stepper.sample, stepper.batch)
                               : stepper_capture_drawn(stepper.drawn, stepper.drawn_label);
}

bool App::stepper_refresh() {
  return stepper.stale(session_) ? stepper_recapture() : true;
}

bool App::stepper_capture_drawn(const std::vector<uint8_t>& pixels, int label) {
  if (pixels.size() != 28 * 28 || label < 0 || label > 9) return false;
  if (!ready_model()) {
    stepper.message = message();
    return false;
  }
  return stepper.capture_drawn(session_, pixels, label);
}

bool App::stepper_next_misclassified() {
  if (!ready_model()) return false;
  return stepper.next_misclassified(session_);
}

void App::stepper_random() {
  if (!data_ready() || test_data().size() == 0) return;
  stepper_capture(stepper.random_index(test_data().size()), stepper.batch);
}

void App::stepper_apply() {
  stepper.apply(session_);
}

void App::pad_update() {
  pad.update(session_, [this] { return ready_model(); });
}

std::string App::pad_teach(int label) {
  if (pad.pre.empty) return "draw a digit first";
  if (label < 0 || label > 9) return "the label must be 0–9";
  if (!ready_model()) return message();
  const std::string err = pad.teach(session_, label);
  if (!err.empty()) return err;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d training (%d of them drawn here) and %d test images", train_data().size(),
                pad.taught, test_data().size());
  data_status = buf;
  return "";
}

void App::pad_to_stepper(int label) {
  if (pad.pre.empty) return;
  if (stepper_capture_drawn(pad.pre.pixels, label)) open_view(kViewStepper);
}

void App::inspect_update() {
  inspect.update(session_, pad, [this] { return ready_model(); });
}

void App::inspect_test_image(int index) {
  inspect.show_test_image(index);
  open_view(kViewInside);
}

void App::report_run() {
  if (!ready_model()) return;
  report.run(session_);
}

void App::experiments_start() {
  if (!data_ready()) return;
  if (state() == RunState::Running) pause();
  exp.start(session_);
}

// ------------------------------------------------------------------ state JSON
std::string App::state_json() {
  nlohmann::json j;
  j["state"] = run_state_name(state());
  j["ui_scale"] = ui_scale;
  j["present"] = present;
  j["dark_theme"] = dark_theme;
  j["show_help"] = show_help;
  j["data_ready"] = data_ready();
  j["data_status"] = data_status;
  j["dataset"] = dataset_name;
  j["train_size"] = train_data().size();
  j["test_size"] = test_data().size();
  j["preset"] = cfg.preset;
  j["layers"] = layers_text;
  j["params"] = preview_.built() ? preview_.param_count() : 0;
  j["validation"] = validation_;
  j["message"] = message();
  j["batches"] = batches_run();
  const Trainer* t = session_.trainer();
  j["images_seen"] = t ? t->images_seen() : 0;
  j["epoch"] = history().empty() ? 0 : history().back().stats.epoch;
  j["train_seconds"] = t ? t->train_seconds() : 0.0;
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  j["test_accuracy"] = num(last_test_accuracy());
  j["val_accuracy"] = history().empty() ? nlohmann::json(nullptr) : num(history().back().stats.val_acc);
  j["train_loss"] = history().empty() ? nlohmann::json(nullptr) : num(history().back().stats.train_loss);
  j["weights_version"] = weights_version();
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
  j["history_epochs"] = history().size();
  j["notice"] = notice;
  j["restore_offer"] = persist.restore_offer;
  char hbuf[24];
  std::snprintf(hbuf, sizeof hbuf, "%016llx", static_cast<unsigned long long>(model().built() ? weights_hash() : 0));
  j["weights_hash"] = hbuf;
  j["ui_scale"] = ui_scale;
#ifdef __EMSCRIPTEN__
  j["wasm_heap_mb"] = emscripten_get_heap_size() / 1048576.0;
#endif
  j["view"] = kViews[std::clamp(view, 0, kViewCount - 1)];
  j["pad"] = {{"top", pad.top},
              {"empty", pad.pre.empty},
              {"taught", pad.taught},
              {"confidence", pad.top >= 0 ? pad.probs[pad.top] : 0.0f},
              {"saliency", !pad.saliency.empty()}};
  j["report"] = {{"ready", report.ready},          {"accuracy", report.eval.accuracy},
                 {"epoch", report.epoch},          {"sel_truth", report.sel_truth},
                 {"sel_pred", report.sel_pred},    {"mistakes", report.mistakes.size()},
                 {"macro_f1", report.rep.macro_f1}};
  {
    nlohmann::json runs = nlohmann::json::array();
    for (const ExperimentRun& r : exp.runs)
      runs.push_back({{"name", r.name}, {"epochs", r.epochs}, {"test_acc", r.test_acc}, {"params", r.params}});
    j["experiments"] = {{"running", exp.running},
                        {"runs", runs},
                        {"message", exp.message},
                        {"winner", exp.running ? -1 : experiment_winner(exp.runs)}};
  }
  {
    const StepperState& st = stepper;
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
      sj["hover"] = st.hover;
      sj["checks"] = nlohmann::json::array();
      for (const GradCheckResult& c : st.checks)
        sj["checks"].push_back({{"label", c.label},
                                {"analytic", c.analytic},
                                {"numeric", c.numeric},
                                {"rel_error", c.rel_error},
                                {"kink", c.kink},
                                {"agrees", c.agrees},
                                {"uncertainty", c.uncertainty}});
    }
    j["stepper"] = sj;
  }
  for (const auto& [k, r] : ui_rects) j["ui"][k] = {r[0], r[1], r[2], r[3]};
  j["ui_clipped"] = ui_clipped;
  j["ui_focused"] = ui_focused;
  j["nav_visible"] = nav_visible;
  // a link or a file name can carry bytes that are not UTF-8 (quoted back in notices): shown as
  // U+FFFD rather than throwing, so the state stays readable
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bpl::app
