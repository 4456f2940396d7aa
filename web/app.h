// The application state: everything the panels show and change lives here (not in
// scattered statics), so tests and the browser glue can drive it. The App owns the data,
// the model and the trainer; panels only read engine state and call App actions.
#pragma once

#include "data/dataset.h"
#include "io/run_config.h"
#include "model/model.h"
#include "data/preprocess.h"
#include "metrics/metrics.h"
#include "trace/trace.h"
#include "train/experiment.h"
#include "train/trainer.h"

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bpl::app {

enum class RunState { Idle, Running, Paused, Done };

// The views (tabs across the window), by the names the desktop flag --view, the tests' rectangles
// ("tab_" + name) and the state JSON use; App::view indexes this list.
inline constexpr const char* kViews[] = {"train", "stepper", "inside", "draw", "report", "experiments"};
inline constexpr int kViewCount = 6;
const char* run_state_name(RunState s);

// One row of the MLP builder: a dense layer and its activation.
struct BuilderLayer {
  int units = 128;
  int activation = 0;   // 0 relu, 1 sigmoid, 2 tanh
};

struct EpochRecord {
  EpochStats stats;
  double test_acc = NAN, test_loss = NAN;
};

struct FrameStats {
  std::deque<float> frame_ms;      // last few hundred frame intervals
  double fps = 0;
  double train_budget_ms = 8;      // adaptive per-frame training budget
  double ui_ms = 2;                // smoothed cost of a frame without training
  double images_per_sec = 0;       // training throughput with the UI running (smoothed)
  int draw_vertices = 0, draw_commands = 0;   // what the last painted frame drew
  double percentile(double p) const;
};

class App {
 public:
  App();

  // ---- data
  // Hand over one IDX file (kind 0 train images, 1 train labels, 2 test images, 3 test labels);
  // when all four are in, they become the data set. Bad files are refused with a message and
  // the current data stay.
  void receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name);
  bool load_idx_files(const std::string& dir, const std::string& prefix_train, const std::string& prefix_test);
  bool data_ready() const { return data_ready_; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }
  std::string data_status;
  float data_progress = 0.0f;        // 0..1 while downloading (set by the browser glue)
  std::string dataset_name = "MNIST";
  std::string pending_dataset_name = "MNIST";   // the name the next four files will carry
  // The data sets the app offers (files made by scripts/setup.sh), and how the platform
  // fetches them: the browser downloads and un-gzips, the desktop reads from assets/data.
  struct DataChoice {
    const char* label;
    const char* train;   // file prefix, e.g. "mnist-train-10k"
    const char* test;
  };
  static const std::vector<DataChoice>& data_choices();
  std::function<void(const DataChoice&)> request_dataset;
  std::function<void()> request_files;   // the browser's file picker for your own IDX files

  // ---- model and settings (what the panels edit)
  RunConfig cfg;                     // preset, layers, training and data settings
  std::string layers_text;           // editable layer list
  std::vector<BuilderLayer> builder; // MLP builder rows
  bool use_builder = false;
  int val_percent = 10, test_images = 0;   // split settings the panel edits (0 = all)
  void apply_preset(const std::string& name);
  void builder_to_text();
  // Check the current layer list and settings; "" when they can train, else why not.
  const std::string& validation() const { return validation_; }
  void revalidate();
  // One setting from a panel, e.g. ("training.learning_rate", "0.01"): checked against the
  // settings table (io/settings.h), then the preset becomes "custom" and the settings are
  // revalidated. A refused value changes nothing; setting_error(key) says why until the key
  // is set successfully. "model.layers" sets layers_text, "data.val_fraction" val_percent.
  bool apply_setting(const std::string& key, const std::string& value);
  const std::string& setting_error(const std::string& key) const;
  Model& preview_model() { return preview_; }   // built from the text, for the summary table

  // ---- training
  void start();        // begin (or resume) training
  void pause();
  void step_batch();
  void step_epoch();
  void reset();        // back to freshly initialised weights, history cleared
  void tick(double frame_budget_ms);   // run training for this frame
  RunState state() const { return state_; }
  const std::string& message() const { return message_; }
  Trainer* trainer() { return trainer_.get(); }
  Model& model() { return model_; }
  uint64_t model_changes = 0;   // bumped whenever model_ is replaced (reset, load, new layers)
  const std::vector<EpochRecord>& history() const { return history_; }
  const Normalizer& normalizer() const { return norm_; }
  const Split& split() const { return split_; }
  long batches_run() const { return trainer_ ? static_cast<long>(trainer_->batch_losses().size()) : 0; }
  double last_test_accuracy() const { return history_.empty() ? NAN : history_.back().test_acc; }

  // ---- saving, restoring and sharing (issue: never lose work)
  // The model as a .bplm file (weights, optimizer state, history, dataset name).
  std::vector<uint8_t> save_model_bytes();
  // Load a .bplm file; everything is checked first, and on any error the current model,
  // data and settings stay as they were. Returns "" or the reason it was refused.
  std::string load_model_bytes(const uint8_t* bytes, size_t size, const std::string& name);
  // The settings (not the weights) as "key=value&…" with the INI keys, for links and autosave.
  std::string settings_query() const;
  // Apply settings from such a text; all or nothing. Returns "" or why it was ignored.
  std::string apply_settings_query(const std::string& query);
  std::function<void(const std::vector<uint8_t>&, const std::string&)> request_download;   // browser: save a file
  std::function<void()> request_model_file;   // browser: file picker for a model
  std::function<void(const std::string&)> request_share_link;   // browser: put the settings in the URL
  std::function<void()> request_autosave;     // browser: store the model and settings (IndexedDB)
  std::function<void(bool)> answer_restore;   // browser: the learner chose restore (true) or start fresh
  bool autosave_due = false;
  std::string restore_offer;                  // non-empty: ask whether to restore this saved session
  std::string notice;                         // a one-line message about files, links, storage
  uint64_t weights_hash();                    // FNV-1a of the weights (tests compare before/after reload)

  // ---- UI preferences and frame statistics
  bool dark_theme = true;
  float ui_scale = 1.0f;
  bool log_loss = false;
  int view = 0;             // index into kViews
  int view_request = -1;    // select this view on the next frame (menu, command line, tests)
  bool theme_dirty = true, font_dirty = true;
  FrameStats frames;
  std::string state_json();   // read-only snapshot for tests and the benchmark mode
  // where key controls were drawn last frame (x, y, w, h in CSS pixels), so a browser test can
  // aim real mouse clicks at them
  std::map<std::string, std::array<float, 4>> ui_rects;

  // ---- the backprop stepper (web/app_stepper.cpp): one training step of the current model
  // on test image(s), traced by the engine on a copy; the model changes only on apply
  struct Stepper {
    Trace trace;
    uint64_t version = 0;       // bumped on every capture or edit (views re-upload textures)
    int op = 0;                 // the current operation
    int sample = 0;             // first test image of the traced batch
    int batch = 1;
    bool playing = false;
    float speed = 3.0f;         // operations per second when playing
    double play_ms = 0;
    std::vector<int> predicted; // argmax of ŷ per sample of the batch, before the update
    std::string message;        // why the stepper cannot run, or what just happened
    int applied = 0;            // updates applied to the model from the stepper
    std::vector<GradCheckResult> checks;
    int sel_tensor = -1, sel_sample = 0, sel_index = -1;   // the selected value (what-if, checks)
    float edit_value = 0;
    bool show_numbers = false;
    long at_batches = -1;       // what the trace was taken of: batches trained, model version
    uint64_t at_model = 0;
    std::vector<uint8_t> drawn; // non-empty: the trace is of this drawn digit (28×28), not a test image
    int drawn_label = 0;
  } stepper;
  // Trace one step on test images [first, first + batch); false (and stepper.message) if not possible.
  bool stepper_capture(int first, int batch);
  bool stepper_recapture();
  // trace a step on a drawn digit with the label the learner gave it
  bool stepper_capture_drawn(const std::vector<uint8_t>& pixels, int label);
  // the next test image after the current one that the model gets wrong
  bool stepper_next_misclassified();
  void stepper_random();
  // write the traced update into the model (and the optimizer's state), then trace again
  void stepper_apply();
  void stepper_set_op(int op);
  void stepper_tick(double dt_ms);   // playback

  // ---- the drawing pad (web/app_views.cpp)
  struct DrawPad {
    static constexpr int kSize = 280;           // canvas pixels (10 per MNIST pixel)
    std::vector<float> canvas = std::vector<float>(kSize * kSize, 0.0f);
    std::vector<std::vector<float>> undo;       // canvases before each stroke
    float brush = 16.0f;                        // brush diameter in canvas pixels
    bool dirty = true;                          // the canvas changed: preprocess and predict again
    uint64_t version = 0;                       // bumped when the canvas or the prediction changes
    Preprocessed pre;                           // the 28×28 MNIST-style image
    std::vector<float> probs;                   // ŷ for 0–9 (empty: nothing drawn)
    std::vector<float> saliency;                // ∂z_top/∂x, 784 values
    int top = -1;
    long at_batches = -1;                       // predictions follow training
    int teach_label = 0, taught = 0;
  } pad;
  void pad_update();                // preprocess, predict and saliency when the canvas or the model changed
  void pad_clear();
  void pad_undo();
  void pad_stroke_begin();
  void pad_paint(float x0, float y0, float x1, float y1);   // a brush segment, canvas coordinates
  std::string pad_teach(int label);  // add the drawing to the training set; "" or why not
  void pad_to_stepper(int label);

  // ---- inside the network: every layer's output for one input (web/app_views.cpp)
  struct Inspect {
    int source = 0;                 // 0 a test image, 1 the drawing
    int index = 0;                  // the test image
    std::vector<Matrix> acts;       // copies of every layer's output
    Matrix input;                   // the normalised input column
    std::vector<float> probs;
    uint64_t version = 0;
    long at_batches = -1;
    uint64_t at_model = 0, at_pad = 0;
    int at_source = -1, at_index = -1;
  } inspect;
  void inspect_update();   // when the input, the model or its training moved on

  // ---- the evaluation report on the test split (after each epoch, or on demand)
  struct Report {
    bool ready = false;
    int epoch = 0;
    std::vector<int> idx, truth;    // test images and their labels
    EvalResult eval;
    ConfusionMatrix cm;
    ClassificationReport rep;
    std::vector<int> mistakes;      // positions in idx, most confident first
    bool normalized = false;
    int sel_truth = -1, sel_pred = -1;
    uint64_t version = 0;
  } report;
  void report_run();                  // evaluate the test split now (all at once)
  // the epoch-end test evaluation runs in slices over the next frames, before training goes on
  void background(double budget_ms);  // call each frame when not training
  bool evaluating() const { return pending_eval_.active; }

  // ---- experiments: a comparison's presets trained one after another, time-sliced
  struct Experiments {
    int which = 0;                  // index into comparison_names()
    int max_epochs = 3;             // per run (0 = the preset's own)
    bool running = false;
    std::vector<std::string> queue; // presets still to run
    std::vector<ExperimentRun> runs;   // finished ones, then the current one
    std::vector<int> total_epochs;
    std::unique_ptr<Model> model;
    std::unique_ptr<Trainer> trainer;
    Split split;
    Normalizer norm;
    std::string message;
  } exp;
  void experiments_start();
  void experiments_stop();
  void experiments_tick(double budget_ms);

 private:
  struct PendingEval {
    bool active = false;
    size_t pos = 0;
    double loss = 0;
    long correct = 0;
    EvalResult result;
  } pending_eval_;
  void eval_slice(double budget_ms);
  void report_set(const EvalResult& r);
  bool ready_model();   // data and a built model (and normaliser), building them if needed
  bool stepper_capture_x(const Matrix& x, const std::vector<int>& y);
  bool ensure_trainer();   // build model + trainer from the settings if needed
  void on_epoch(const EpochStats& s);

  Dataset train_, test_;
  IdxImages pending_images_[2];
  std::vector<uint8_t> pending_labels_[2];
  int pending_mask_ = 0;
  bool data_ready_ = false;

  Model preview_, model_;
  Normalizer norm_;
  Split split_;
  std::unique_ptr<Trainer> trainer_;
  RunState state_ = RunState::Idle;
  std::string message_, validation_;
  std::map<std::string, std::string> setting_errors_;   // key → why its last value was refused
  std::vector<EpochRecord> history_;
  long step_epoch_target_ = -1;
  int epoch_offset_ = 0;       // epochs trained before a loaded model came in
  long resume_steps_ = 0;      // the optimizer's step count from a loaded file
};

}  // namespace bpl::app
