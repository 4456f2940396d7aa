#include "core/error.h"
#include "metrics/metrics.h"

#include <catch2/catch.hpp>

using namespace bpl;

TEST_CASE("Confusion matrix and classification report against a hand-computed example", "[metrics]") {
  // truth 0 0 1 1 2 2 2, predicted 0 1 1 1 2 0 2
  ConfusionMatrix cm = confusion_matrix({0, 0, 1, 1, 2, 2, 2}, {0, 1, 1, 1, 2, 0, 2}, 3);
  CHECK(cm.at(0, 0) == 1);
  CHECK(cm.at(0, 1) == 1);
  CHECK(cm.at(1, 1) == 2);
  CHECK(cm.at(2, 0) == 1);
  CHECK(cm.at(2, 2) == 2);
  CHECK(cm.total() == 7);
  CHECK(cm.row_normalized(2, 2) == Approx(2.0 / 3));
  ClassificationReport r = classification_report(cm);
  CHECK(r.precision[0] == Approx(0.5));
  CHECK(r.precision[1] == Approx(2.0 / 3));
  CHECK(r.precision[2] == Approx(1.0));
  CHECK(r.recall[0] == Approx(0.5));
  CHECK(r.recall[1] == Approx(1.0));
  CHECK(r.recall[2] == Approx(2.0 / 3));
  CHECK(r.f1[0] == Approx(0.5));
  CHECK(r.f1[1] == Approx(0.8));
  CHECK(r.f1[2] == Approx(0.8));
  CHECK(r.support == std::vector<long>{2, 2, 3});
  CHECK(r.macro_precision == Approx((0.5 + 2.0 / 3 + 1.0) / 3));
  CHECK(r.macro_f1 == Approx(0.7));
  CHECK(r.weighted_f1 == Approx(5.0 / 7));
  CHECK(r.accuracy == Approx(5.0 / 7));
  CHECK(r.micro_f1 == Approx(5.0 / 7));
}

TEST_CASE("A class never predicted has precision 0, not NaN, bad input is refused", "[metrics]") {
  ClassificationReport r = classification_report(confusion_matrix({0, 1, 2}, {0, 0, 0}, 3));
  CHECK(r.precision[1] == 0.0);
  CHECK(r.f1[2] == 0.0);
  CHECK(r.precision[0] == Approx(1.0 / 3));
  CHECK_THROWS_AS(confusion_matrix({0, 1}, {0}, 2), ConfigError);
  CHECK_THROWS_AS(confusion_matrix({0, 3}, {0, 1}, 3), ConfigError);
}
