#include "report_state.h"

#include <algorithm>

namespace bpl::app {

void ReportState::run(TrainingSession& s) {
  set(s, evaluate(s.model(), s.test_data(), s.split().test, s.normalizer()), 0);
}

void ReportState::set(const TrainingSession& s, const EvalResult& e, int at_epoch) {
  const Dataset& test = s.test_data();
  idx = s.split().test;
  truth.clear();
  for (int i : idx) truth.push_back(test.labels[i]);
  eval = e;
  cm = confusion_matrix(truth, eval.predicted, test.classes);
  rep = classification_report(cm);
  mistakes.clear();
  for (size_t i = 0; i < idx.size(); ++i)
    if (eval.predicted[i] != truth[i]) mistakes.push_back(static_cast<int>(i));
  std::stable_sort(mistakes.begin(), mistakes.end(),
                   [&](int a, int b) { return eval.confidence[a] > eval.confidence[b]; });
  epoch = at_epoch;
  at_weights = s.weights_version();
  ready = true;
  ++version;
}

}  // namespace bpl::app
