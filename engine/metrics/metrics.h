// Evaluation metrics of a classifier (R0's per-class accuracy, R2's confusion matrix, R3's
// classification report).
//   confusion(t, p)   counts[t·K + p]: images of true class t predicted as p
//   precision_k = TP_k / (TP_k + FP_k)     (column k)        0 when nothing was predicted k
//   recall_k    = TP_k / (TP_k + FN_k)     (row k) = the per-class accuracy of R0
//   F1_k        = 2·P·R / (P + R)                            0 when P + R = 0
//   macro = plain mean over classes; weighted = mean weighted by support (row sums);
//   micro-F1 = accuracy for single-label classification
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bpl {

struct ConfusionMatrix {
  int classes = 0;
  std::vector<long> counts;  // row = true class, column = predicted class
  long at(int truth, int predicted) const { return counts[static_cast<size_t>(truth) * classes + predicted]; }
  long total() const;
  long row_sum(int truth) const;
  long col_sum(int predicted) const;
  double row_normalized(int truth, int predicted) const;  // share of class `truth` predicted as `predicted`
};

ConfusionMatrix confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

struct ClassificationReport {
  std::vector<double> precision, recall, f1;
  std::vector<long> support;
  double accuracy = 0, micro_f1 = 0;
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
  double weighted_precision = 0, weighted_recall = 0, weighted_f1 = 0;
};

ClassificationReport classification_report(const ConfusionMatrix& cm);

}  // namespace bpl
