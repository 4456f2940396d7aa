// The evaluation report on the test split: made from the epoch-end evaluation, or on demand
// from the current weights. at_weights says which weights it describes.
#pragma once

#include "metrics/metrics.h"
#include "training_session.h"

#include <vector>

namespace bpl::app {

class ReportState {
 public:
  bool ready = false;
  int epoch = 0;                // 0: the current weights, evaluated on demand
  std::vector<int> idx, truth;  // test images and their labels
  EvalResult eval;
  ConfusionMatrix cm;
  ClassificationReport rep;
  std::vector<int> mistakes;  // positions in idx, most confident first
  bool normalized = false;
  int sel_truth = -1, sel_pred = -1;
  uint64_t version = 0;     // bumped when the report is remade (views re-upload)
  uint64_t at_weights = 0;  // the weights version it was made of
  // the gallery menu drawn this frame: the test image it is for, and how many menus are open
  // (one at most; the browser test checks both)
  int menu_image = -1, menus_open = 0;

  // an evaluation of the session's test split (epoch: which epoch's end, 0 = now)
  void set(const TrainingSession& s, const EvalResult& e, int epoch);
  void run(TrainingSession& s);  // evaluate the test split now (all at once)
  void select_cell(int truth_class, int predicted_class) { sel_truth = truth_class, sel_pred = predicted_class; }
  void set_normalized(bool on) { normalized = on; }
};

}  // namespace bpl::app
