#include "report/evaluation.h"

#include "core/error.h"
#include "report/png.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace bpl {

TestEvaluation make_test_evaluation(const Dataset& test, const std::vector<int>& idx, EvalResult eval) {
  if (eval.predicted.size() != idx.size() || eval.confidence.size() != idx.size())
    throw ConfigError("test evaluation: " + std::to_string(idx.size()) + " images but " +
                      std::to_string(eval.predicted.size()) + " predictions");
  TestEvaluation e;
  e.idx = idx;
  for (int i : idx) e.truth.push_back(test.labels[i]);
  e.eval = std::move(eval);
  e.cm = confusion_matrix(e.truth, e.eval.predicted, test.classes);
  e.rep = classification_report(e.cm);
  for (size_t i = 0; i < e.idx.size(); ++i)
    if (e.eval.predicted[i] != e.truth[i]) e.mistakes.push_back(static_cast<int>(i));
  std::stable_sort(e.mistakes.begin(), e.mistakes.end(),
                   [&](int a, int b) { return e.eval.confidence[a] > e.eval.confidence[b]; });
  return e;
}

namespace {
std::string line(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string line(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}
}  // namespace

std::string confusion_csv(const ConfusionMatrix& cm) {
  std::string s = "true\\predicted";
  for (int p = 0; p < cm.classes; ++p) s += "," + std::to_string(p);
  s += "\n";
  for (int t = 0; t < cm.classes; ++t) {
    s += std::to_string(t);
    for (int p = 0; p < cm.classes; ++p) s += "," + std::to_string(cm.at(t, p));
    s += "\n";
  }
  return s;
}

std::string report_csv(const TestEvaluation& e) {
  const ClassificationReport& r = e.rep;
  std::string s = "class,precision,recall,f1,support\n";
  for (size_t k = 0; k < r.f1.size(); ++k)
    s += line("%d,%.6f,%.6f,%.6f,%ld\n", static_cast<int>(k), r.precision[k], r.recall[k], r.f1[k], r.support[k]);
  s += line("macro avg,%.6f,%.6f,%.6f,%ld\n", r.macro_precision, r.macro_recall, r.macro_f1, e.cm.total());
  s += line("weighted avg,%.6f,%.6f,%.6f,%ld\n", r.weighted_precision, r.weighted_recall, r.weighted_f1, e.cm.total());
  return s;
}

std::string mistakes_csv(const TestEvaluation& e) {
  std::string s = "test_index,true,predicted,confidence\n";
  for (int i : e.mistakes)
    s += line("%d,%d,%d,%.6f\n", e.idx[i], e.truth[i], e.eval.predicted[i], static_cast<double>(e.eval.confidence[i]));
  return s;
}

std::array<uint8_t, 3> confusion_color(double share) {
  const double v = std::sqrt(std::clamp(share, 0.0, 1.0));  // sqrt: the rare confusions stay visible
  return {static_cast<uint8_t>(255 - v * 255), static_cast<uint8_t>(255 - v * 141), static_cast<uint8_t>(255 - v * 77)};
}

std::vector<uint8_t> confusion_png(const ConfusionMatrix& cm, int cell) {
  const int K = cm.classes, W = K * cell;
  std::vector<uint8_t> img(static_cast<size_t>(W) * W * 3, 0);  // the grid stays black
  for (int t = 0; t < K; ++t)
    for (int p = 0; p < K; ++p) {
      const std::array<uint8_t, 3> c = confusion_color(cm.row_normalized(t, p));
      for (int y = 1; y < cell; ++y)
        for (int x = 1; x < cell; ++x) {
          uint8_t* px = &img[(static_cast<size_t>(t * cell + y) * W + p * cell + x) * 3];
          px[0] = c[0], px[1] = c[1], px[2] = c[2];
        }
    }
  return encode_png(img.data(), W, W, 3);
}

}  // namespace bpl
