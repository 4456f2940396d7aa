// The lab report: one run written up as a single self-contained HTML file, in the shape of the
// seed reports (R0's summary table, R3's evaluation, R4's time per epoch and overfitting
// warning). Sections, in order:
//   title, date, data set and split; the key figures (test accuracy, loss, parameters, time)
//   an overfitting warning (R4: training accuracy > validation accuracy + 10 points)
//   model summary (layer, output shape, parameters, total)      settings (the settings table)
//   learning curves (loss, accuracy: train / validation / test per epoch, inline SVG)
//   per-epoch table with the time per epoch
//   confusion matrix (counts, row-normalised)   classification report   per-class F1 bars (SVG)
//   the most confident mistakes (PNG data URIs)  comparison (Experiments)  lesson answers
// Self-contained: styles inline, charts as SVG, images as data: URIs, and a Content-Security-
// Policy that forbids any request. Every text is HTML-escaped. Every number is the engine's
// (metrics, the trainer's history), printed at one precision per kind (fmt_* below); the key
// cells also carry the exact value in data-* attributes (data-accuracy, data-params,
// data-count, …) so tests read the numbers back.
#pragma once

#include "model/model.h"
#include "report/evaluation.h"
#include "train/experiment.h"
#include "train/trainer.h"

#include <string>
#include <utility>
#include <vector>

namespace bpl {

struct RunConfig;

// One answer the learner gave in a lesson (the lesson player fills these; the report lists them).
struct LessonAnswer {
  std::string lesson;    // "Backprop by hand"
  std::string question;  // "∂L/∂b² for this image?"
  std::string given;     // what the learner typed
  std::string expected;  // the engine's value
  bool right = false;
};

struct LabReportInput {
  std::string title;    // "LeNet-5 on MNIST" (the run's name)
  std::string date;     // when it was written, in the caller's words ("2026-12-06 14:03 UTC")
  std::string dataset;  // "MNIST"
  std::string split;    // "9,000 training · 1,000 validation · 2,000 test images"
  // the model: its summary (Model::summary), input shape and parameter count
  Shape input;
  std::vector<LayerSummary> layers;
  long params = 0;
  // the settings table's keys and values (settings_rows)
  std::vector<std::pair<std::string, std::string>> settings;
  // the trainer's history, with test_loss / test_acc filled in where a test set was evaluated
  std::vector<EpochStats> history;
  // the evaluation on the test split, and which epoch's weights it is of (0 = not said)
  bool has_test = false;
  TestEvaluation test;
  int test_epoch = 0;
  const Dataset* test_images = nullptr;  // for the mistakes' pictures (none when null)
  int max_mistakes = 12;
  // an Experiments comparison (R0's Table V); report_figures: show the reports' own figures
  // (they are MNIST results)
  std::vector<ExperimentRun> comparison;
  bool comparison_report_figures = true;
  std::vector<LessonAnswer> lessons;
};

// The settings table's keys and values for a run, in the table's order (io/settings.h).
std::vector<std::pair<std::string, std::string>> settings_rows(const RunConfig& rc);

// The HTML document.
std::string lab_report_html(const LabReportInput& in);

// What the report's text and attributes use (exposed for the tests):
std::string html_escape(const std::string& s);  // & < > " '
std::string fmt_percent(double share);          // 0.97126 → "97.13%" (accuracies, confidences)
std::string fmt_metric(double v);               // 0.98765 → "0.9877" (precision, recall, F1, losses)
std::string fmt_share(double v);                // 0.987 → "0.99" (row-normalised cells)
std::string fmt_seconds(double s);              // 1.234 → "1.23 s"
// R4's rule, as the trainer applies it (its flag is not kept in model files before this one)
bool overfitting(const EpochStats& s);

}  // namespace bpl
