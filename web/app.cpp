// The App: settings, the actions that span its parts, and the state JSON.
#include "app.h"

#include "core/error.h"
#include "core/format.h"
#include "data/idx.h"
#include "io/model_file.h"
#include "io/settings.h"
#include "model/presets.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

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
  pending_data_key = c.train;
  platform_->request_dataset(c);
}

void App::pick_data_files() {
  if (!platform_ || !platform_->can_pick_files()) return;
  pending_dataset_name = "your files";
  pending_data_key.clear();
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
  const bool switched = data_key != pending_data_key || dataset_name != pending_dataset_name;
  const bool kept = session_.has_work();
  dataset_name = pending_dataset_name;
  data_key = pending_data_key;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d training and %d test images", train_data().size(), test_data().size());
  data_status = buf;
  // every data set here is 28×28 with 10 classes: the model stays (its trainer referred to the
  // old images and goes; the next Start trains on the new ones, the epochs counting on)
  report.ready = false;  // the report's images were the old test set's
  report.sel_truth = report.sel_pred = -1;
  stepper.sample = 0;
  pad.taught = 0;  // drawn digits were added to the old training set
  if (!kept) reset();
  if (kept && switched) notice = "the model is kept: training goes on with " + dataset_name + " at the next Start";
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
  base_preset = name;
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
  if (state() != RunState::Running) refresh_untrained_model();
}

void App::builder_to_text() {
  static const char* act[] = {"relu", "sigmoid", "tanh"};
  std::string s;
  for (const BuilderLayer& l : builder) s += "dense(" + std::to_string(l.units) + "), " + act[l.activation] + ", ";
  set_layers_text(s + "dense(10)");
}

// A final softmax is accepted: the loss applies it (softmax and cross-entropy fused, the
// gradient ŷ − y), so the model is built without it and the text keeps what was typed.
namespace {
std::string without_final_softmax(const std::string& text) {
  const size_t end = text.find_last_not_of(" \t\r\n,");
  if (end == std::string::npos) return text;
  const size_t comma = text.rfind(',', end);
  if (comma == std::string::npos) return text;  // a lone softmax is refused as before
  std::string last = text.substr(comma + 1, end - comma);
  last.erase(0, last.find_first_not_of(" \t\r\n"));
  for (char& ch : last) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (last != "softmax" && last != "softmax()") return text;
  return text.substr(0, comma);
}
}  // namespace

std::string App::build_text() const {
  return without_final_softmax(layers_text);
}

void App::revalidate() {
  validation_.clear();
  softmax_note_.clear();
  const std::string text = build_text();
  if (text != layers_text)
    softmax_note_ =
        "The final softmax is part of the loss here (softmax and cross-entropy fused: the gradient is ŷ − y), "
        "so the model ends with the 10 logits and the loss applies the softmax.";
  try {
    preview_ = Model::from_text(text, Shape{1, 28, 28}, cfg.init_seed);
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
  p.layers = build_text();
  p.spec = preview_.built() ? preview_.spec() : "";
  p.init_seed = cfg.init_seed;
  p.train = cfg.train;
  p.norm = cfg.norm;
  p.val_percent = val_percent;
  p.test_images = test_images;
  p.subset = cfg.subset;
  return p;
}

bool App::ensure_trainer(bool for_views) {
  // a paused trainer built with other settings is rebuilt around the same model (its weights,
  // history and optimizer steps go on); settings are locked while training runs
  if (session_.has_live_trainer() && (for_views || state() == RunState::Running || trainer_query_ == settings_query()))
    return true;
  if (!data_ready()) {
    session_.set_message("the data are still loading");
    return false;
  }
  revalidate();
  TrainPlan p = plan();
  if (session_.has_work() && session_.model().spec() != p.spec) {
    // the layers changed since the model was trained: the views keep showing the trained model,
    // and training waits for the learner's answer to the new-run question (start())
    if (!for_views) return false;
    p.layers = p.spec = session_.model().spec();
    if (session_.trainer()) return true;
  } else if (!validation_.empty()) {
    session_.set_message("cannot train: " + validation_);
    return false;
  }
  if (!session_.build_trainer(p)) return false;
  trainer_query_ = settings_query();
  return true;
}

bool App::ready_model() {
  if (!data_ready()) return false;
  return session_.trainer() || ensure_trainer(true);
}

void App::start() {
  if (state() == RunState::Running) return;
  if (!new_run_reason(NewRunAction::Start).empty()) return;  // asked; answer_new_run goes on
  if (session_.finished_run()) session_.reset_undoably(build_text(), cfg.init_seed);
  if (!ensure_trainer()) return;
  session_.forget_undo();
  session_.run();
}

void App::pause() {
  session_.pause();
}

void App::step_batch() {
  if (!new_run_reason(NewRunAction::StepBatch).empty()) return;
  if (!ensure_trainer()) return;
  session_.forget_undo();
  session_.step_batch();
}

void App::step_epoch() {
  if (!new_run_reason(NewRunAction::StepEpoch).empty()) return;
  if (!ensure_trainer()) return;
  session_.forget_undo();
  session_.step_epoch();
}

void App::reset() {
  const bool had_work = session_.has_work();
  const std::string run = current_run_id, query = trainer_query_;
  session_.reset_undoably(build_text(), cfg.init_seed);
  trainer_query_.clear();
  if (had_work && session_.can_undo_reset()) {
    undo_run_id_ = run;
    undo_trainer_query_ = query;
    current_run_id.clear();  // the next autosave is a new run; the old one stays in the list
  }
}

// ------------------------------------------------------------------ nothing is lost
void App::refresh_untrained_model() {
  if (!session_.has_work()) session_.reset(build_text(), cfg.init_seed);
}

std::string App::new_run_reason(NewRunAction action) {
  const bool starting = action == NewRunAction::Start;
  question_ = NewRunQuestion{};
  if (!session_.has_work() || !data_ready()) return "";
  revalidate();
  std::string why;
  if (validation_.empty() && preview_.spec() != session_.model().spec())
    why = "The layers changed:\n  " + session_.model().spec() + "\n→ " + preview_.spec() +
          "\nA new model starts from fresh weights.";
  else if (starting && session_.finished_run())
    why = "This run is finished: Start begins a new one from fresh weights.\n(Step epoch trains this model on.)";
  if (why.empty()) return "";
  const auto& h = history();
  const int epochs = h.empty() ? 0 : h.back().stats.epoch;
  if (epochs > 0)
    question_.title = "Discard " + std::to_string(epochs) + " trained epoch" + (epochs == 1 ? "" : "s") + "?";
  else if (batches_run() > 0)
    question_.title =
        "Discard " + std::to_string(batches_run()) + " trained batch" + (batches_run() == 1 ? "" : "es") + "?";
  else
    question_.title = "Discard the current weights?";
  question_.why = why;
  question_.action = action;
  return why;
}

void App::do_new_run_action(NewRunAction a) {
  if (a == NewRunAction::Start)
    start();
  else if (a == NewRunAction::StepBatch)
    step_batch();
  else if (a == NewRunAction::StepEpoch)
    step_epoch();
}

void App::answer_new_run(NewRunChoice c) {
  const NewRunQuestion q = question_;
  question_ = NewRunQuestion{};
  if (q.action == NewRunAction::None || c == NewRunChoice::Cancel) return;
  if (c == NewRunChoice::Save) {
    if (platform_ && platform_->can_autosave())
      autosave_now();  // into the Runs list, under this run's id
    else
      download_model();
  }
  reset();  // undoable until the new run trains
  do_new_run_action(q.action);
}

void App::undo_reset() {
  if (!session_.undo_reset()) return;
  trainer_query_ = undo_trainer_query_;  // the set-aside trainer's settings
  if (!undo_run_id_.empty()) current_run_id = undo_run_id_;
  undo_run_id_.clear();
  const size_t n = history().size();
  notice = "reset undone: the model and its " + std::to_string(n) + (n == 1 ? " epoch are back" : " epochs are back");
}

void App::set_layers_text(const std::string& text) {
  if (text == layers_text) return;
  const std::string before = preview_.built() ? preview_.spec() : "";
  layers_text = text;
  revalidate();
  // the same layers written differently (spaces, line breaks) are not a change
  if (!validation_.empty() || preview_.spec() != before) {
    cfg.preset = "custom";
    if (validation_.empty()) refresh_untrained_model();
  }
}

void App::tick(double budget_ms) {
  session_.tick(budget_ms);
}

void App::background(double budget_ms) {
  session_.background(budget_ms);
}

// ------------------------------------------------------------------ save, restore, share
std::vector<uint8_t> App::save_model_bytes() {
  // the run as the trainer runs it: the settings it was built with (a link's text), so a file
  // saved mid-run continues that run exactly (model file v4)
  RunConfig run = cfg;
  run.val_frac = val_percent / 100.0;
  if (!trainer_query_.empty()) {
    try {
      bpl::apply_settings_query(run, trainer_query_);
    } catch (const std::exception&) {
      // the trainer's settings always parse (they were written by settings_query)
    }
  }
  run.layers = model().built() ? model().spec() : layers_text;
  return session_.save_bytes(dataset_name, cfg.train.optimizer, &run);
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
  const bool has_run = l.extras.has_run;
  const RunConfig run = l.extras.run;
  const std::string dataset = l.extras.dataset;
  session_.adopt(std::move(l));
  session_.forget_undo();
  trainer_query_.clear();
  current_run_id.clear();  // a model from a file is a run of its own (open_run_data sets its id)
  layers_text = model().spec();
  if (has_run) {
    // the run the file stores (format 4): its settings, so that Start continues it exactly
    cfg = run;
    val_percent = static_cast<int>(std::lround(run.val_frac * 100));
    if (val_percent == 0) val_percent = 10;  // as apply_preset: the app always shows a validation curve
  }
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
// A link names the preset the settings started from (model.preset=r2-mlp), not "custom": every
// setting follows it, so the link gives the same settings, and says where they came from.
std::string App::settings_query() const {
  RunConfig rc = cfg;
  rc.layers = layers_text;
  rc.val_frac = val_percent / 100.0;
  if (rc.preset == "custom" && !base_preset.empty()) rc.preset = base_preset;
  return bpl::settings_query(rc);
}

// The settings a preset gives in the app (apply_preset's mapping), as a link's text.
static std::string preset_settings_query(const std::string& name) {
  RunConfig rc = RunConfig::from_preset(find_preset(name));
  int val = static_cast<int>(std::lround(rc.val_frac * 100));
  if (val == 0) val = 10;
  rc.val_frac = val / 100.0;
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
    // the share the link gives, or its preset's (a preset resets it); an old link with neither keeps the app's
    if (query.find("data.val_fraction=") != std::string::npos || query.find("model.preset=") != std::string::npos) {
      val = static_cast<int>(std::lround(rc.val_frac * 100));
      if (val == 0) val = 10;  // as apply_preset: the app always shows a validation curve
    } else {
      val = val_percent;
    }
    Model probe = Model::from_text(without_final_softmax(layers), Shape{1, 28, 28}, rc.init_seed);
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
  if (cfg.preset != "custom" && cfg.preset != "loaded") {
    // labelled as the preset only when the settings are the preset's; else "custom", from it
    base_preset = cfg.preset;
    RunConfig mine = rc;
    mine.val_frac = val / 100.0;
    if (bpl::settings_query(mine) != preset_settings_query(base_preset)) cfg.preset = "custom";
  }
  layers_text = layers;
  val_percent = val;
  use_builder = false;
  revalidate();
  refresh_untrained_model();  // a trained model stays until a new run is confirmed
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
  const std::string before = preview_.built() ? preview_.spec() : "";
  cfg = rc;
  layers_text = rc.layers;
  val_percent = static_cast<int>(std::lround(rc.val_frac * 100));
  if (key != "model.preset") cfg.preset = "custom";
  revalidate();
  // an untrained model follows new layers or a new init seed at once; a trained one stays
  if (validation_.empty() && (preview_.spec() != before || key == "model.init_seed")) refresh_untrained_model();
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

RunInfo App::current_run_info() {
  if (current_run_id.empty()) {
    // a new run: its id is its first write's time (ms) and a counter, unique in this page
    static int made = 0;
    const long long ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    current_run_id = "run-" + std::to_string(ms) + "-" + std::to_string(++made);
  }
  RunInfo r;
  r.id = current_run_id;
  r.saved_ms = static_cast<double>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  r.model = model().spec();  // the model's own layers (the text may already say others)
  r.data = dataset_name;
  r.epochs = history().empty() ? 0 : history().back().stats.epoch;
  r.test_acc = last_test_accuracy();
  const RunInfo* known = runs.find(r.id);
  if (known) {
    r.name = known->name;
  } else {
    const Preset* p = nullptr;
    for (const Preset& q : presets())
      if (q.name == cfg.preset) p = &q;
    r.name = (p ? p->title : r.model) + " on " + dataset_name;
  }
  char summary[256];
  std::snprintf(summary, sizeof summary, "%s · %zu epoch(s) trained · test accuracy %.2f%%", r.model.c_str(),
                history().size(), 100 * (std::isfinite(last_test_accuracy()) ? last_test_accuracy() : 0.0));
  r.summary = summary;
  return r;
}

void App::autosave_now() {
  if (!platform_ || !platform_->can_autosave()) return;
  session_.autosave_due = false;
  if (!session_.has_work()) return;  // untrained weights are not a run worth a place in the list
  const std::vector<uint8_t> bytes = save_model_bytes();
  const RunInfo r = current_run_info();
  pending_runs_.erase(
      std::remove_if(pending_runs_.begin(), pending_runs_.end(), [&](const RunInfo& x) { return x.id == r.id; }),
      pending_runs_.end());
  pending_runs_.push_back(r);
  platform_->store_run(r.id, RunsList::to_json(r), bytes, settings_query());
}

void App::run_stored(const std::string& id, bool ok, const std::string& error) {
  auto it = std::find_if(pending_runs_.begin(), pending_runs_.end(), [&](const RunInfo& x) { return x.id == id; });
  if (it == pending_runs_.end()) return;
  RunInfo r = *it;
  pending_runs_.erase(it);
  if (const RunInfo* known = runs.find(id)) r.name = known->name;  // renamed while it was written
  if (!ok) {
    // nothing stored before is touched: the platform wrote nothing, and nothing is evicted
    notice = "could not save this session in the browser (" + (error.empty() ? std::string("storage refused") : error) +
             "): download the model from File → Save the model to keep it; the runs saved before are unchanged";
    return;
  }
  runs.upsert(r);
  // over the cap: the oldest go, now that the newer record is safely written
  std::string gone;
  for (const std::string& old : runs.over_cap(id)) {
    const RunInfo* o = runs.find(old);
    gone += (gone.empty() ? "" : ", ") + std::string("“") + (o ? o->name : old) + "”";
    if (platform_) platform_->delete_run(old);
    runs.remove(old);
  }
  if (!gone.empty())
    notice = "the browser keeps the last " + std::to_string(runs.cap) + " runs: removed the oldest, " + gone;
}

void App::set_runs_json(const std::string& json) {
  runs.set_from_json(json);
}

void App::open_run(const std::string& id) {
  if (!platform_ || !runs.find(id)) return;
  if (state() == RunState::Running) {
    notice = "pause training before opening a run";
    return;
  }
  platform_->open_run(id);
}

std::string App::open_run_data(const std::string& id, const std::string& query, const uint8_t* bytes, size_t size) {
  if (state() == RunState::Running) return notice = "pause training before opening a run";
  const RunInfo* info = runs.find(id);
  const std::string name = info ? info->name : id;
  // the model on screen goes to the Runs list first (when it has anything to keep)
  if (session_.has_work()) autosave_now();
  const RunConfig cfg0 = cfg;
  const std::string layers0 = layers_text;
  const int val0 = val_percent;
  if (!query.empty()) {
    const std::string err = apply_settings_query(query);
    if (!err.empty()) return err;
  }
  const std::string err = load_model_bytes(bytes, size, name);
  if (!err.empty()) {  // all or nothing: the settings go back too
    cfg = cfg0;
    layers_text = layers0;
    val_percent = val0;
    revalidate();
    return err;
  }
  current_run_id = id;
  const size_t n = history().size();
  notice = "opened “" + name + "” (" + std::to_string(n) + (n == 1 ? " epoch" : " epochs") + " trained)";
  return "";
}

void App::rename_run(const std::string& id, const std::string& name) {
  if (name.empty() || !runs.rename(id, name)) return;
  if (platform_) platform_->rename_run(id, name);
}

void App::delete_run(const std::string& id) {
  if (!runs.remove(id)) return;
  if (platform_) platform_->delete_run(id);
  if (id == current_run_id) current_run_id.clear();  // the model on screen is kept: a new run
  if (id == undo_run_id_) undo_run_id_.clear();
}

void App::download_run(const std::string& id) {
  const RunInfo* r = runs.find(id);
  if (!platform_ || !r) return;
  std::string file;
  for (char c : r->name) file += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  platform_->download_run(id, (file.empty() ? "run" : file) + ".bplm");
}

void App::autosave_if_due() {
  if (session_.autosave_due) autosave_now();
}

void App::answer_restore(bool restore) {
  persist.restore_offer.clear();
  if (restore && runs.newest())
    open_run(runs.newest()->id);
  else if (!restore && !runs.empty())
    notice = "a fresh start: your saved session stays in File → Runs…";
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
  session_.forget_undo();  // the weights moved on: an undo would discard this step
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

// ------------------------------------------------------------------ the lab report
LabReportInput App::lab_report_input() {
  LabReportInput in;
  // the test evaluation of the weights as they are (the Report view shows the same)
  if (data_ready() && (!report.ready || report.at_weights != weights_version())) report_run();
  const RunInfo* run = runs.find(current_run_id);
  std::string title = run ? run->name : "";
  if (title.empty()) {
    for (const Preset& p : presets())
      if (p.name == cfg.preset) title = p.title;
    if (title.empty()) title = model().built() ? model().spec() : layers_text;
    title += " on " + dataset_name;
  }
  in.title = title;
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  in.date = date;
  in.dataset = dataset_name;
  if (data_ready())
    in.dataset += " (" + with_commas(train_data().size()) + " training and " + with_commas(test_data().size()) +
                  " test images loaded)";
  const Split& sp = split();
  if (!sp.train.empty())
    in.split = with_commas(static_cast<long>(sp.train.size())) + " training · " +
               with_commas(static_cast<long>(sp.val.size())) + " validation · " +
               with_commas(static_cast<long>(sp.test.size())) + " test images";
  if (model().built()) {
    in.input = model().input_shape();
    in.layers = model().summary();
    in.params = model().param_count();
  }
  // the settings the model was trained with (the panels may already say others)
  try {
    RunConfig rc;
    bpl::apply_settings_query(rc, trainer_query_.empty() ? settings_query() : trainer_query_);
    in.settings = settings_rows(rc);
  } catch (const std::exception&) {
  }
  for (const EpochRecord& r : history()) {
    EpochStats s = r.stats;
    s.test_acc = r.test_acc;
    s.test_loss = r.test_loss;
    in.history.push_back(s);
  }
  if (report.ready) {
    in.has_test = true;
    in.test.idx = report.idx;
    in.test.truth = report.truth;
    in.test.eval = report.eval;
    in.test.cm = report.cm;
    in.test.rep = report.rep;
    in.test.mistakes = report.mistakes;
    in.test_epoch = report.epoch;
    in.test_images = &test_data();
  }
  // a comparison that ran: its finished runs (the one training now is not a result yet), one row
  // per model (over several seeds, the mean test accuracy and time)
  std::vector<ExperimentRun> finished = exp.runs;
  if (exp.running && !finished.empty()) finished.pop_back();
  for (const SeedRow& r : rows_over_seeds(finished)) {
    in.comparison.push_back(r.run);
    if (r.acc.n > 1) in.comparison.back().title += " (mean of " + std::to_string(r.acc.n) + " seeds)";
  }
  in.comparison_report_figures = dataset_name == "MNIST";
  // the lessons' answers, lesson by lesson, step by step
  for (const auto& [id, progress] : lessons.progress) {
    const Lesson* l = lessons.find(id);
    const bool open = lessons.is_open() && lessons.lesson().id == id;
    const std::string title = l ? l->title : open ? lessons.lesson().title : id;
    for (const auto& [step, a] : progress.answers)
      in.lessons.push_back(bpl::LessonAnswer{title, a.question, a.given, a.expected, a.correct});
  }
  return in;
}

void App::export_lab_report() {
  if (!platform_) return;
  const std::string html = lab_report_html();
  const std::string n = platform_->download(std::vector<uint8_t>(html.begin(), html.end()), "backprop-lab-report.html");
  notice = n.empty() ? "lab report: backprop-lab-report.html, one page that opens in any browser" : n;
}

void App::experiments_start() {
  if (!data_ready()) return;
  if (state() == RunState::Running) pause();
  exp.start(session_);
}

// ------------------------------------------------------------------ state JSON
std::string App::state_json() {
  // a link or a file name can carry bytes that are not UTF-8 (quoted back in notices): shown as
  // U+FFFD rather than throwing, so the state stays readable
  return state_object().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json App::state_object(bool for_lesson) {
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
  // (not for the lessons, which build the state each frame: hashing every weight is not free)
  const uint64_t hash = !for_lesson && model().built() ? weights_hash() : 0;
  std::snprintf(hbuf, sizeof hbuf, "%016llx", static_cast<unsigned long long>(hash));
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
  j["report"] = {
      {"ready", report.ready},           {"accuracy", report.eval.accuracy}, {"epoch", report.epoch},
      {"sel_truth", report.sel_truth},   {"sel_pred", report.sel_pred},      {"mistakes", report.mistakes.size()},
      {"macro_f1", report.rep.macro_f1}, {"menu_image", report.menu_image},  {"menus_open", report.menus_open}};
  {
    // the first images of the two galleries (test image indices), as the Report shows them
    nlohmann::json cell = nlohmann::json::array(), mistakes = nlohmann::json::array();
    if (report.ready && report.sel_truth >= 0)
      for (size_t i = 0; i < report.idx.size() && cell.size() < 12; ++i)
        if (report.truth[i] == report.sel_truth && report.eval.predicted[i] == report.sel_pred)
          cell.push_back(report.idx[i]);
    for (size_t k = 0; report.ready && k < report.mistakes.size() && k < 12; ++k)
      mistakes.push_back(report.idx[report.mistakes[k]]);
    j["report"]["gallery_cell"] = cell;
    j["report"]["gallery_mistakes"] = mistakes;
    // what the lab report must repeat: the test images and the trained model's parameters (the
    // confusion counts are with the lessons' facts below)
    j["report"]["count"] = report.ready ? report.cm.total() : 0;
    j["model_params"] = model().built() ? model().param_count() : 0;
  }
  {
    nlohmann::json rj = nlohmann::json::array();
    for (const RunInfo& r : runs.all())
      rj.push_back({{"id", r.id}, {"name", r.name}, {"epochs", r.epochs}, {"model", r.model}, {"data", r.data}});
    j["runs"] = rj;
    j["run_id"] = current_run_id;
    j["new_run_question"] = question_.title;
    j["can_undo_reset"] = can_undo_reset();
    j["layers_note"] = softmax_note_;
  }
  {
    nlohmann::json runs = nlohmann::json::array();
    for (const ExperimentRun& r : exp.runs)
      runs.push_back({{"name", r.name},
                      {"seed", r.seed},
                      {"epochs", r.epochs},
                      {"test_acc", r.test_acc},
                      {"params", r.params},
                      {"diverged", r.diverged}});
    // one row per preset: mean ± sd over its seeds; the winner is an index into the rows
    const std::vector<SeedRow> rows = exp.rows();
    nlohmann::json rj = nlohmann::json::array();
    std::vector<ExperimentRun> means;
    for (const SeedRow& r : rows) {
      rj.push_back(
          {{"name", r.run.name}, {"n", r.acc.n}, {"diverged", r.diverged}, {"mean", r.acc.mean}, {"sd", r.acc.std}});
      means.push_back(r.run);
    }
    j["experiments"] = {
        {"running", exp.running}, {"runs", runs},           {"rows", rj},
        {"seeds", exp.seeds},     {"message", exp.message}, {"winner", exp.running ? -1 : experiment_winner(means)}};
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
  {
    // facts the lessons ask about (web/lessons/*.md): every value is the engine's own (the Model's
    // summary, the Trace's tensors, the Trainer, the history, the classification report); nothing
    // is recomputed here
    nlohmann::json mj, layers = nlohmann::json::array();
    if (preview_.built())
      for (const LayerSummary& l : preview_.summary())
        layers.push_back({{"name", l.name},
                          {"output", l.output.str()},
                          {"out_c", l.output.c},
                          {"out_h", l.output.h},
                          {"out_w", l.output.w},
                          {"params", l.params}});
    mj["layers"] = layers;
    mj["params"] = preview_.built() ? preview_.param_count() : 0;
    // the trained model has the layers the Model panel shows (not a model of other layers, kept
    // until a new run is confirmed): a lesson's "train it" is done only for its own model
    mj["same_layers"] = model().built() && preview_.built() && model().spec() == preview_.spec();
    j["model"] = mj;
    nlohmann::json hj = nlohmann::json::array();
    for (const EpochRecord& r : history())
      hj.push_back({{"epoch", r.stats.epoch},
                    {"train_loss", num(r.stats.train_loss)},
                    {"train_acc", num(r.stats.train_acc)},
                    {"val_loss", num(r.stats.val_loss)},
                    {"val_acc", num(r.stats.val_acc)},
                    {"test_acc", num(r.test_acc)},
                    {"lr", r.stats.lr},
                    {"overfitting", r.stats.overfitting}});
    j["history"] = hj;
    j["split"] = {{"train", split().train.size()}, {"val", split().val.size()}, {"test", split().test.size()}};
    if (Trainer* tr = session_.trainer())
      j["trainer"] = {{"state", state_name(tr->state())},
                      {"message", tr->message()},
                      {"best_epoch", tr->best_epoch()},
                      {"lr", tr->optimizer().lr()}};
    if (!stepper.trace.empty()) {
      // for sample 0 of the trace: ŷ_y, ∂L/∂z_y (written by the loss-gradient op: (ŷ_y − 1)/B) and
      // ∂L/∂b_y of the last layer's bias (the last parameter's gradient tensor)
      const Trace& tr = stepper.trace;
      const int y = tr.labels()[0];
      const int lg = tr.first_op(OpKind::LossBackward);
      j["stepper"]["true_prob"] = tr.tensor(tr.probs_tensor()).at(0, y);
      if (lg >= 0) j["stepper"]["dz_true"] = tr.tensor(tr.ops()[lg].writes[0]).at(0, y);
      const TraceTensor* bias_grad = nullptr;
      for (const TraceTensor& t : tr.tensors())
        if (t.param >= 0 && t.layout == TensorLayout::Vector && t.name.rfind("∂L/∂", 0) == 0) bias_grad = &t;
      if (bias_grad && bias_grad->size_per_sample() == 10) {
        const float g = bias_grad->at(0, y);
        j["stepper"]["bias_grad"] = g;
        j["stepper"]["bias_grad_sign"] = g < 0 ? "negative" : g > 0 ? "positive" : "zero";
      }
      j["stepper"]["loss_change"] = tr.loss_after() - tr.loss_before();
      j["stepper"]["checks_agree"] =
          !stepper.checks.empty() &&
          std::all_of(stepper.checks.begin(), stepper.checks.end(), [](const GradCheckResult& c) { return c.agrees; });
    }
    if (report.ready && report.rep.precision.size() == 10) {
      j["report"]["precision"] = report.rep.precision;
      j["report"]["recall"] = report.rep.recall;
      j["report"]["f1"] = report.rep.f1;
      j["report"]["support"] = report.rep.support;
      j["report"]["micro_f1"] = report.rep.micro_f1;
      j["report"]["weighted_f1"] = report.rep.weighted_f1;
      nlohmann::json rows = nlohmann::json::array();
      for (int t = 0; t < report.cm.classes; ++t) {
        nlohmann::json row = nlohmann::json::array();
        for (int p = 0; p < report.cm.classes; ++p) row.push_back(report.cm.at(t, p));
        rows.push_back(row);
      }
      j["report"]["confusion"] = rows;
      if (report.sel_truth >= 0 && report.sel_pred >= 0)
        j["report"]["sel_count"] = report.cm.at(report.sel_truth, report.sel_pred);
    }
    j["experiments"]["comparison"] =
        comparison_names()[std::clamp(exp.which, 0, static_cast<int>(comparison_names().size()) - 1)];
    j["experiments"]["improved"] = exp.improved;
    j["experiments"]["max_epochs"] = exp.max_epochs;
    j["pad"]["teach_label"] = pad.teach_label;
    j["pad"]["disagrees"] = pad.top >= 0 && !pad.pre.empty && pad.teach_label != pad.top;  // the label is not its guess
  }
  for (const auto& [k, r] : ui_rects) j["ui"][k] = {r[0], r[1], r[2], r[3]};
  j["ui_clipped"] = ui_clipped;
  j["ui_focused"] = ui_focused;
  j["nav_visible"] = nav_visible;
  j["tooltip"] = tooltip_shown;
  j["lesson"] = lessons.state();
  if (const LessonStep* ls = lessons.answer() ? lessons.step() : nullptr)  // shown after an answer, live
    j["lesson"]["explain"] = interpolate(ls->explain, j);
  return j;
}

}  // namespace bpl::app
