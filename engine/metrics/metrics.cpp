#include "metrics/metrics.h"

#include "core/error.h"

namespace bpl {

long ConfusionMatrix::total() const {
  long s = 0;
  for (long c : counts) s += c;
  return s;
}

long ConfusionMatrix::row_sum(int t) const {
  long s = 0;
  for (int p = 0; p < classes; ++p) s += at(t, p);
  return s;
}

long ConfusionMatrix::col_sum(int p) const {
  long s = 0;
  for (int t = 0; t < classes; ++t) s += at(t, p);
  return s;
}

double ConfusionMatrix::row_normalized(int t, int p) const {
  const long r = row_sum(t);
  return r ? static_cast<double>(at(t, p)) / r : 0.0;
}

ConfusionMatrix confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  if (truth.size() != predicted.size())
    throw ConfigError("confusion matrix: " + std::to_string(truth.size()) + " labels but " +
                      std::to_string(predicted.size()) + " predictions");
  if (classes < 1 || classes > 1000) throw ConfigError("confusion matrix: class count out of range");
  ConfusionMatrix cm;
  cm.classes = classes;
  cm.counts.assign(static_cast<size_t>(classes) * classes, 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
      throw ConfigError("confusion matrix: a class outside 0.." + std::to_string(classes - 1));
    cm.counts[static_cast<size_t>(truth[i]) * classes + predicted[i]]++;
  }
  return cm;
}

ClassificationReport classification_report(const ConfusionMatrix& cm) {
  ClassificationReport r;
  const int K = cm.classes;
  const long n = cm.total();
  long correct = 0;
  for (int k = 0; k < K; ++k) {
    const long tp = cm.at(k, k), predicted = cm.col_sum(k), actual = cm.row_sum(k);
    correct += tp;
    const double p = predicted ? static_cast<double>(tp) / predicted : 0.0;  // TP / (TP + FP)
    const double rc = actual ? static_cast<double>(tp) / actual : 0.0;       // TP / (TP + FN)
    const double f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0.0;               // harmonic mean
    r.precision.push_back(p);
    r.recall.push_back(rc);
    r.f1.push_back(f);
    r.support.push_back(actual);
    r.macro_precision += p / K;
    r.macro_recall += rc / K;
    r.macro_f1 += f / K;
    if (n) {
      r.weighted_precision += p * actual / n;
      r.weighted_recall += rc * actual / n;
      r.weighted_f1 += f * actual / n;
    }
  }
  r.accuracy = n ? static_cast<double>(correct) / n : 0.0;
  r.micro_f1 = r.accuracy;
  return r;
}

}  // namespace bpl
