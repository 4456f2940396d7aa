// A model's evaluation on a test split, as the reports show it (R2's and R3's confusion matrix,
// R3's classification report, R2's "top" images): made once from the evaluation, then printed by
// `bpl report`, written as its CSV files and PNG, shown by the app's Report view and by the lab
// report (report/lab_report.h).
#pragma once

#include "data/dataset.h"
#include "metrics/metrics.h"
#include "train/trainer.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

struct TestEvaluation {
  std::vector<int> idx, truth;  // the test images (indices into the test Dataset) and their labels
  EvalResult eval;              // predicted class and its confidence per image, loss, accuracy
  ConfusionMatrix cm;
  ClassificationReport rep;
  std::vector<int> mistakes;  // positions in idx of the wrong predictions, most confident first
};

// The confusion matrix, the classification report and the mistakes of an evaluation of
// test.image(idx[i]) (ConfigError when the sizes disagree).
TestEvaluation make_test_evaluation(const Dataset& test, const std::vector<int>& idx, EvalResult eval);

// `bpl report --out`'s files, as text:
std::string confusion_csv(const ConfusionMatrix& cm);  // true\predicted,0,…,K−1 then one row per true class
std::string report_csv(const TestEvaluation& e);       // class,precision,recall,f1,support; macro, weighted
std::string mistakes_csv(const TestEvaluation& e);     // test_index,true,predicted,confidence (most confident first)

// The colour of a confusion-matrix cell from its row share s ∈ [0, 1]: white → blue, on √s so
// the rare confusions stay visible (confusion.png and the lab report's tables).
std::array<uint8_t, 3> confusion_color(double share);
// The row-normalised matrix as a PNG, cells of `cell` pixels with a 1-pixel black grid.
std::vector<uint8_t> confusion_png(const ConfusionMatrix& cm, int cell = 32);

}  // namespace bpl
