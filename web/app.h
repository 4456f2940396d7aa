// The application state: everything the panels show and change lives here (not in scattered
// statics), so tests and the browser glue can drive it. The App composes small parts, each
// with its own file pair and its own tests (tests/app):
//   TrainingSession  data, model, trainer, history, the weights version   training_session.h
//   StepperState     the backprop stepper's trace, cursor and selection    stepper_state.h
//   DrawPad          the drawing pad and its prediction                    draw_pad.h
//   Inspector        every layer's output for one input                    inspector.h
//   ReportState      the evaluation report                                 report_state.h
//   Experiments      a comparison's presets trained one after another      experiments.h
//   Persistence      settings links, autosave, the restore offer           persistence.h
//   LessonState      the open lesson, its step, every lesson's progress    lessons.h
//   Platform         what the browser or the desktop does for the app      platform.h
// and holds the settings the panels edit. Panels read fields and call methods; the methods
// that need more than one part (the stepper needs a trained model, …) are the App's.
// No ImGui here: this header and the parts' sources build into bpl_app_core.
#pragma once

#include "draw_pad.h"
#include "experiments.h"
#include "frame_scheduler.h"
#include "inspector.h"
#include "io/run_config.h"
#include "lessons.h"
#include "model/model.h"
#include "persistence.h"
#include "platform.h"
#include "report/lab_report.h"
#include "report_state.h"
#include "runs.h"
#include "stepper_state.h"
#include "training_session.h"

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bpl::app {

// The views (tabs across the window), by the names the desktop flag --view, the tests' rectangles
// ("tab_" + name) and the state JSON use; App::view indexes this list.
inline constexpr const char* kViews[] = {"train", "stepper", "inside", "draw", "report", "experiments"};
inline constexpr int kViewCount = 6;
enum ViewIndex {
  kViewTrain = 0,
  kViewStepper = 1,
  kViewInside = 2,
  kViewDraw = 3,
  kViewReport = 4,
  kViewExperiments = 5
};

// One row of the MLP builder: a dense layer and its activation.
struct BuilderLayer {
  int units = 128;
  int activation = 0;  // 0 relu, 1 sigmoid, 2 tanh
};

class App {
 public:
  // platform: what the browser or the desktop does for the app (not owned; null = nothing)
  explicit App(Platform* platform = nullptr);
  App(const App&) = delete;  // the session's callback refers to this App
  App& operator=(const App&) = delete;
  void set_platform(Platform* p) { platform_ = p; }
  Platform* platform() const { return platform_; }

  // ---- data
  // Hand over one IDX file (kind 0 train images, 1 train labels, 2 test images, 3 test labels);
  // when all four are in, they become the data set. Bad files are refused with a message and
  // the current data stay.
  void receive_idx(int kind, const uint8_t* bytes, size_t size, const std::string& name);
  bool load_idx_files(const std::string& dir, const std::string& prefix_train, const std::string& prefix_test);
  bool data_ready() const { return session_.data_ready(); }
  const Dataset& train_data() const { return session_.train_data(); }
  const Dataset& test_data() const { return session_.test_data(); }
  std::string data_status;
  float data_progress = 0.0f;  // 0..1 while downloading (set by the browser glue)
  std::string dataset_name = "MNIST";
  std::string pending_dataset_name = "MNIST";  // the name the next four files will carry
  // which of data_choices() is loaded (its training prefix; "" for the learner's own files)
  std::string data_key = "", pending_data_key = "mnist-train-10k";
  bool dataset_loaded(const DataChoice& c) const { return data_ready() && data_key == c.train; }
  // The data sets the app offers; choose_dataset asks the platform to fetch one.
  static const std::vector<DataChoice>& data_choices();
  void choose_dataset(const DataChoice& c);
  void pick_data_files();  // the learner's own IDX files (browser)

  // ---- model and settings (what the panels edit)
  RunConfig cfg;                      // preset, layers, training and data settings
  std::string base_preset;            // the preset the settings started from (links name it)
  std::string layers_text;            // editable layer list
  std::vector<BuilderLayer> builder;  // MLP builder rows
  bool use_builder = false;
  int val_percent = 10, test_images = 0;  // split settings the panel edits (0 = all)
  void apply_preset(const std::string& name);
  void builder_to_text();  // the builder's rows become the layer text (set_layers_text)
  // Check the current layer list and settings; "" when they can train, else why not.
  const std::string& validation() const { return validation_; }
  // a note on the layer text that is not an error (a final softmax, fused with the loss)
  const std::string& layers_note() const { return softmax_note_; }
  void revalidate();
  // One setting from a panel, e.g. ("training.learning_rate", "0.01"): checked against the
  // settings table (io/settings.h), then the preset becomes "custom" and the settings are
  // revalidated. A refused value changes nothing; setting_error(key) says why until the key
  // is set successfully. "model.layers" sets layers_text, "data.val_fraction" val_percent.
  bool apply_setting(const std::string& key, const std::string& value);
  const std::string& setting_error(const std::string& key) const;
  Model& preview_model() { return preview_; }  // built from the text, for the summary table

  // ---- training (TrainingSession)
  void start();  // begin (or resume) training
  void pause();
  void step_batch();
  void step_epoch();
  void reset();                       // back to freshly initialised weights, history cleared
  void tick(double frame_budget_ms);  // run training for this frame
  RunState state() const { return session_.state(); }
  const std::string& message() const { return session_.message(); }

  // ---- nothing is lost (issue 13, point 4)
  // Editing settings never discards a trained model: what applies to it (learning rate, batch,
  // epochs, split, …) applies at the next Start or Step; a changed architecture waits for a new
  // run, and start()/step_*() ask before a new run discards trained work (the layers changed, or
  // Start after a finished run). The question stays until answer_new_run.
  enum class NewRunAction { None, Start, StepBatch, StepEpoch };
  enum class NewRunChoice { Save, Discard, Cancel };
  struct NewRunQuestion {
    NewRunAction action = NewRunAction::None;
    std::string title;  // "Discard 3 trained epochs?"
    std::string why;    // what makes it a new run
  };
  const NewRunQuestion& new_run_question() const { return question_; }
  bool new_run_asked() const { return question_.action != NewRunAction::None; }
  // Save: the model goes to the Runs list (or is downloaded where there is no storage), then
  // the new run starts; Discard: it starts without saving; Cancel: nothing happens
  void answer_new_run(NewRunChoice c);
  // "" when start()/step_*() would go on with the current model, else why it would be a new run
  std::string new_run_reason(NewRunAction action);
  // Reset can be undone (until anything is trained again): the model, the trainer with its
  // position and optimizer state, the history
  bool can_undo_reset() const { return session_.can_undo_reset(); }
  int undo_epochs() const { return session_.undo_epochs(); }
  void undo_reset();
  // the layer text as typed: one that builds the same layers (a space more) changes nothing
  void set_layers_text(const std::string& text);

  // ---- the Runs list (browser storage; runs.h)
  RunsList runs;
  std::string current_run_id;                   // the run autosave writes ("" until the first write)
  bool runs_window = false;                     // the Runs window is open
  void set_runs_json(const std::string& json);  // the stored list, from the platform
  // the platform's answer to store_run: on success the list shows it and the oldest runs over
  // the cap are deleted (and the learner told); on failure nothing stored before is touched
  void run_stored(const std::string& id, bool ok, const std::string& error);
  void open_run(const std::string& id);  // asks the platform for it (it calls open_run_data)
  // a stored run's settings and model file: the current model is saved to the list first
  std::string open_run_data(const std::string& id, const std::string& query, const uint8_t* bytes, size_t size);
  void rename_run(const std::string& id, const std::string& name);
  void delete_run(const std::string& id);
  void download_run(const std::string& id);
  Trainer* trainer() { return session_.trainer(); }
  Model& model() { return session_.model(); }
  TrainingSession& session() { return session_; }
  const TrainingSession& session() const { return session_; }
  // bumped whenever the weights change (a training step, reset, load, a stepper update
  // applied, new layers); every view cache compares against it
  uint64_t weights_version() const { return session_.weights_version(); }
  const std::vector<EpochRecord>& history() const { return session_.history(); }
  const Normalizer& normalizer() const { return session_.normalizer(); }
  const Split& split() const { return session_.split(); }
  long batches_run() const { return session_.batches_run(); }
  double last_test_accuracy() const { return session_.last_test_accuracy(); }

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
  void download_model();       // the platform saves the .bplm file
  void pick_model_file();      // the platform's file picker (browser)
  void share_settings_link();  // the platform puts the settings in the page's address
  void autosave_now();         // the platform stores the model and settings (browser)
  void autosave_if_due();      // … when an epoch or a pause made it due
  bool autosave_due() const { return session_.autosave_due; }
  // the learner chose restore (true: the newest run opens) or start fresh (it stays in the Runs list)
  void answer_restore(bool restore);
  const std::string& restore_offer() const { return persist.restore_offer; }
  void offer_restore(const std::string& summary) { persist.offer_restore(summary); }
  std::string notice;  // a one-line message about files, links, storage
  void set_notice(const std::string& text) { notice = text; }
  uint64_t weights_hash();  // FNV-1a of the weights (tests compare before/after reload)

  // ---- UI preferences (web/ui_prefs.cpp) and frame statistics
  // Kept across visits (Platform::save_ui_prefs) and settable by a link: ui.scale, ui.theme,
  // ui.view, ui.present (e.g. #ui.present=true&ui.view=stepper for a lecture's slide).
  bool dark_theme = true;
  float ui_scale = 1.0f;
  static constexpr float kMinUiScale = 0.75f, kMaxUiScale = 3.0f;
  bool present = false;    // present mode: the settings hidden, the view large, high contrast
  bool show_help = false;  // the keyboard shortcuts overlay
  bool log_loss = false;
  int view = 0;           // index into kViews
  int view_request = -1;  // select this view on the next frame (menu, command line, tests)
  bool theme_dirty = true, font_dirty = true;
  void set_dark_theme(bool dark);
  void set_ui_scale(float s);  // clamped to [kMinUiScale, kMaxUiScale]; fonts rebuilt next frame
  void set_present(bool on);
  void refresh_fonts() { font_dirty = theme_dirty = true; }
  void set_log_loss(bool on) { log_loss = on; }
  void open_view(int v) { view_request = v; }
  void shown_view(int v);  // the tab the frame drew
  float effective_scale() const { return present ? ui_scale * kPresentZoom : ui_scale; }
  static constexpr float kPresentZoom = 1.25f;
  std::string ui_query() const;  // "ui.scale=…&ui.theme=…&ui.view=…&ui.present=…"
  // Apply the ui.* pairs of a link or of the saved preferences; returns the other pairs (the run
  // settings). A bad ui value is named in the notice and skipped; the others still apply.
  std::string take_ui_settings(const std::string& query);
  void save_ui_prefs();
  // what a screen reader hears (Platform::announce), said once each time it changes
  void announce(const std::string& text);
  FrameStats frames;
  std::string state_json();  // read-only snapshot for tests and the benchmark mode
  // the same, not yet text; for_lesson: without the weights' hash (built each frame for a lesson)
  nlohmann::json state_object(bool for_lesson = false);
  // where key controls were drawn last frame (x, y, w, h in CSS pixels), so a browser test can
  // aim real mouse clicks at them
  std::map<std::string, std::array<float, 4>> ui_rects;
  std::set<std::string> ui_clipped;  // of those, the ones cut by their panel's edge
  std::string ui_focused;            // the one the keyboard's focus is on ("" none)
  bool nav_visible = false;          // the focus ring is drawn
  bool tooltip_shown = false;        // a tooltip was drawn last frame
  int train_pane = 0;                // on a narrow screen the Train view shows one panel: 0 curves, 1 model, 2 settings

  // ---- the parts the views show (panels read them; actions below or the parts' own methods)
  StepperState stepper;
  DrawPad pad;
  Inspector inspect;
  ReportState report;
  Experiments exp;
  Persistence persist;

  // ---- the backprop stepper: one training step of the current model on test image(s),
  // traced by the engine on a copy; the model changes only on apply
  // Trace one step on test images [first, first + batch); false (and stepper.message) if not possible.
  bool stepper_capture(int first, int batch);
  bool stepper_recapture();
  // re-trace when the weights moved on since the trace was taken; false if it cannot
  bool stepper_refresh();
  // trace a step on a drawn digit with the label the learner gave it
  bool stepper_capture_drawn(const std::vector<uint8_t>& pixels, int label);
  // the next test image after the current one that the model gets wrong
  bool stepper_next_misclassified();
  void stepper_random();
  // write the traced update into the model (and the optimizer's state), then trace again
  void stepper_apply();
  void stepper_set_op(int op) { stepper.set_op(op); }
  void stepper_tick(double dt_ms) { stepper.tick(dt_ms); }  // playback

  // ---- the drawing pad
  void pad_update();  // preprocess, predict and saliency when the canvas or the weights changed
  void pad_clear() { pad.clear(); }
  void pad_undo() { pad.undo(); }
  void pad_stroke_begin() { pad.stroke_begin(); }
  void pad_paint(float x0, float y0, float x1, float y1) { pad.paint(x0, y0, x1, y1); }
  std::string pad_teach(int label);  // add the drawing to the training set; "" or why not
  void pad_to_stepper(int label);

  // ---- inside the network
  void inspect_update();               // when the input or the weights moved on
  void inspect_test_image(int index);  // show this test image's activations (opens the view)

  // ---- the evaluation report on the test split (after each epoch, or on demand)
  void report_run();  // evaluate the test split now (all at once)
  // the epoch-end test evaluation runs in slices over the next frames, before training goes on
  void background(double budget_ms);  // call each frame when not training
  bool evaluating() const { return session_.evaluating(); }

  // ---- lessons (lessons.h, app_lessons.cpp; the player is panels/lesson_panel.cpp)
  LessonState lessons;
  // the shipped lessons (every *.md in dir: web/lessons natively, /lessons embedded in the
  // browser), then the progress the platform kept (the lesson that was open reopens at its step)
  void load_lessons(const std::string& dir);
  // Open a shipped lesson (its number or file stem) at `step` (0-based; < 0: where the learner
  // left it). A lesson opened afresh or by a link applies its preset and settings through
  // apply_preset/apply_settings_query (a trained model stays until a new run is confirmed).
  // Returns "" or why not (also the notice); a refusal changes nothing.
  std::string open_lesson(const std::string& key, int step = -1, bool from_link = false);
  // a lesson file's text (File → Open a lesson file…, desktop --lesson): a malformed one is
  // refused with "NAME line N: reason" in the notice and nothing changes
  std::string open_lesson_text(const std::string& text, const std::string& name);
  void pick_lesson_file();   // the platform's file picker (browser)
  void lesson_go(int step);  // another step of the open lesson (0-based)
  void close_lesson();
  bool lesson_answer_number(const std::string& given);  // false: not checked (lessons.error says why)
  bool lesson_answer_choice(int choice);
  // each frame: while a lesson is open, the state is built once, the step's @until evaluated and
  // a step's @view opened when it starts; changed progress goes to the platform
  void lessons_frame();
  const nlohmann::json& lesson_view_state() const { return lesson_json_; }  // what the player quotes

  // ---- the lab report (engine/report/lab_report.h): the run as one self-contained HTML file
  // model, settings, curves, epochs, the test evaluation (made now if the report is not of the
  // current weights), the Experiments comparison, the lesson answers
  LabReportInput lab_report_input();
  std::string lab_report_html() { return bpl::lab_report_html(lab_report_input()); }
  void export_lab_report();  // the platform saves it as backprop-lab-report.html

  // ---- experiments
  void experiments_start();
  void experiments_stop() { exp.stop(); }
  void experiments_tick(double budget_ms) { exp.tick(session_, budget_ms); }

 private:
  bool ready_model();  // data and a built model (and normaliser), building them if needed
  // build model + trainer from the settings if needed; for_views: never a new model while the
  // current one has trained work (the views show the trained model until a new run)
  bool ensure_trainer(bool for_views = false);
  TrainPlan plan() const;
  void refresh_untrained_model();  // an untrained model follows the settings at once
  void do_new_run_action(NewRunAction a);
  RunInfo current_run_info();
  NewRunQuestion question_;
  std::string trainer_query_;  // the settings the trainer was built with
  std::string undo_run_id_;    // the run an undo of a reset brings back
  std::string undo_trainer_query_;
  std::vector<RunInfo> pending_runs_;  // written to the platform, not yet confirmed
  std::string build_text() const;      // layers_text without a final softmax (see revalidate)
  std::string softmax_note_;

  Platform* platform_ = nullptr;
  TrainingSession session_;
  Model preview_;
  std::string validation_;
  std::map<std::string, std::string> setting_errors_;  // key → why its last value was refused
  std::string announced_;
  nlohmann::json lesson_json_;  // the state the open lesson reads, built by lessons_frame
  std::string apply_lesson_settings(const Lesson& l);
};

}  // namespace bpl::app
