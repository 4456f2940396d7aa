#include "report_state.h"

#include "report/evaluation.h"

#include <utility>

namespace bpl::app {

void ReportState::run(TrainingSession& s) {
  set(s, evaluate(s.model(), s.test_data(), s.split().test, s.normalizer()), 0);
}

void ReportState::set(const TrainingSession& s, const EvalResult& e, int at_epoch) {
  // the confusion matrix, classification report and mistakes as bpl report and the lab report make them
  TestEvaluation t = make_test_evaluation(s.test_data(), s.split().test, e);
  idx = std::move(t.idx);
  truth = std::move(t.truth);
  eval = std::move(t.eval);
  cm = std::move(t.cm);
  rep = std::move(t.rep);
  mistakes = std::move(t.mistakes);
  epoch = at_epoch;
  at_weights = s.weights_version();
  ready = true;
  ++version;
}

}  // namespace bpl::app
