// The lab report's HTML. Index of this file:
//   formatting and escaping      fmt_*, html_escape, attributes with the exact value
//   charts                       line_chart (learning curves), f1_bars (inline SVG)
//   sections                     one function per section, in the document's order
//   the document                 lab_report_html: head (styles, CSP), sections
#include "report/lab_report.h"

#include "core/format.h"
#include "io/run_config.h"
#include "io/settings.h"
#include "report/png.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl {

// ------------------------------------------------------------------ formatting and escaping
std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

namespace {

std::string printf_str(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

constexpr const char* kNone = "—";  // a value not measured (no validation split, no test set)

}  // namespace

std::string fmt_percent(double share) {
  return std::isfinite(share) ? printf_str("%.2f%%", 100 * share) : kNone;
}
std::string fmt_metric(double v) {
  return std::isfinite(v) ? printf_str("%.4f", v) : kNone;
}
std::string fmt_share(double v) {
  return std::isfinite(v) ? printf_str("%.2f", v) : kNone;
}
std::string fmt_seconds(double s) {
  return std::isfinite(s) ? printf_str("%.2f s", s) : kNone;
}

bool overfitting(const EpochStats& s) {
  return s.overfitting || (std::isfinite(s.val_acc) && s.train_acc - s.val_acc > 0.10);
}

std::vector<std::pair<std::string, std::string>> settings_rows(const RunConfig& rc) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Setting& s : settings()) rows.emplace_back(s.key, s.get(rc));
  return rows;
}

namespace {

// name="exact value" (shortest text that reads back as the same double; "" when not measured)
std::string attr(const char* name, double v) {
  return std::string(" ") + name + "=\"" + (std::isfinite(v) ? exact_number(v) : "") + "\"";
}
std::string attr(const char* name, long v) {
  return std::string(" ") + name + "=\"" + std::to_string(v) + "\"";
}
std::string attr(const char* name, int v) {
  return attr(name, static_cast<long>(v));
}
std::string attr(const char* name, const std::string& v) {
  return std::string(" ") + name + "=\"" + html_escape(v) + "\"";
}

std::string hex_color(const std::array<uint8_t, 3>& c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buf;
}

// a number for SVG coordinates
std::string n1(double v) {
  return printf_str("%.1f", v);
}

// ------------------------------------------------------------------ charts
// Okabe–Ito colours (colour-blind safe), and a dash per series so they differ in grey too
struct ChartSeries {
  std::string key, name, color, dash;
  std::vector<double> y;  // per epoch; NaN = not measured
};

// "nice" tick step for a range: 1, 2, 2.5 or 5 × 10^k, about `ticks` ticks
double nice_step(double range, int ticks) {
  const double raw = range / ticks, p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

// Learning curve: x = epoch, one line (and a dot per epoch) per series. percent: accuracies,
// the axis from the lowest value's tenth below to 100%; else losses from 0.
std::string line_chart(const std::string& id, const std::string& label, const std::vector<int>& epochs,
                       const std::vector<ChartSeries>& series, bool percent) {
  const double W = 480, H = 300, L = 66, R = 14, T = 34, B = 44, pw = W - L - R, ph = H - T - B;
  double lo = INFINITY, hi = -INFINITY;
  for (const ChartSeries& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  double step;
  if (percent) {
    hi = 1.0;
    const double tenth = std::max(0.0, std::min(0.9, std::floor(lo * 10 - 1e-9) / 10));
    step = nice_step(hi - tenth, 5);
    lo = std::max(0.0, std::floor(lo / step - 1e-9) * step);  // a tick at the bottom, one at 100%
  } else {
    lo = 0;
    if (hi <= 0) hi = 1;
    step = nice_step(hi, 5);
    hi = std::ceil(hi / step - 1e-9) * step;
  }
  const double x0 = epochs.front() - (epochs.size() == 1 ? 0.5 : 0.0);
  const double x1 = epochs.back() + (epochs.size() == 1 ? 0.5 : 0.0);
  auto X = [&](double e) { return L + (e - x0) / (x1 - x0) * pw; };
  auto Y = [&](double v) { return T + (1 - (v - lo) / (hi - lo)) * ph; };
  std::string o = "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 " + n1(W) + " " + n1(H) +
                  "\" role=\"img\" aria-label=\"" + html_escape(label) + " per epoch\">\n";
  // grid and y ticks
  for (double v = lo; v <= hi + step * 1e-6; v += step) {
    const std::string y = n1(Y(v));
    o += "<line class=\"grid\" x1=\"" + n1(L) + "\" y1=\"" + y + "\" x2=\"" + n1(W - R) + "\" y2=\"" + y + "\"/>";
    o += "<text class=\"tick\" x=\"" + n1(L - 6) + "\" y=\"" + y + "\" dy=\"0.35em\" text-anchor=\"end\">" +
         (percent ? printf_str("%g%%", std::round(v * 1000) / 10) : printf_str("%g", std::round(v * 1e4) / 1e4)) +
         "</text>\n";
  }
  // x ticks: whole epochs, at most about 10 labels
  const int every = std::max(1, static_cast<int>(std::ceil(epochs.size() / 10.0)));
  for (size_t i = 0; i < epochs.size(); i += every)
    o += "<text class=\"tick\" x=\"" + n1(X(epochs[i])) + "\" y=\"" + n1(H - B + 16) + "\" text-anchor=\"middle\">" +
         std::to_string(epochs[i]) + "</text>";
  o += "<line class=\"axis\" x1=\"" + n1(L) + "\" y1=\"" + n1(H - B) + "\" x2=\"" + n1(W - R) + "\" y2=\"" + n1(H - B) +
       "\"/><line class=\"axis\" x1=\"" + n1(L) + "\" y1=\"" + n1(T) + "\" x2=\"" + n1(L) + "\" y2=\"" + n1(H - B) +
       "\"/>\n";
  o += "<text class=\"label\" x=\"" + n1(L + pw / 2) + "\" y=\"" + n1(H - 6) + "\" text-anchor=\"middle\">epoch</text>";
  o += "<text class=\"label\" transform=\"rotate(-90)\" x=\"" + n1(-(T + ph / 2)) +
       "\" y=\"13\" text-anchor=\"middle\">" + html_escape(label) + "</text>\n";
  // the series, and a legend along the top
  double lx = L;
  for (const ChartSeries& s : series) {
    int points = 0;
    std::string path, dots;
    bool pen = false;
    for (size_t i = 0; i < s.y.size() && i < epochs.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        pen = false;  // a gap in the line where nothing was measured
        continue;
      }
      ++points;
      path += (pen ? " L" : " M") + n1(X(epochs[i])) + " " + n1(Y(s.y[i]));
      pen = true;
      dots += "<circle cx=\"" + n1(X(epochs[i])) + "\" cy=\"" + n1(Y(s.y[i])) + "\" r=\"3.5\" fill=\"" + s.color +
              "\"><title>" + html_escape(s.name) + ", epoch " + std::to_string(epochs[i]) + ": " +
              (percent ? fmt_percent(s.y[i]) : fmt_metric(s.y[i])) + "</title></circle>";
    }
    if (points == 0) continue;
    o += "<path class=\"series\" data-series=\"" + s.key + "\"" + attr("data-points", points) + " d=\"" +
         path.substr(1) + "\" stroke=\"" + s.color + "\"" +
         (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") + "/>" + dots + "\n";
    o += "<line x1=\"" + n1(lx) + "\" y1=\"14\" x2=\"" + n1(lx + 24) + "\" y2=\"14\" stroke=\"" + s.color +
         "\" stroke-width=\"2.5\"" + (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") +
         "/><text class=\"legend\" x=\"" + n1(lx + 30) + "\" y=\"14\" dy=\"0.35em\">" + html_escape(s.name) + "</text>";
    lx += 44 + 8.5 * s.name.size();
  }
  return o + "</svg>\n";
}

// F1 per class as horizontal bars, the axis from the lowest F1's tenth below to 1 (as the app).
std::string f1_bars(const ClassificationReport& r) {
  const int K = static_cast<int>(r.f1.size());
  const double W = 420, L = 30, R = 64, T = 8, row = 26, pw = W - L - R, H = T + K * row + 30;
  double lo = 1.0;
  for (double f : r.f1) lo = std::min(lo, f);
  lo = std::max(0.0, std::floor(lo * 10 - 0.5) / 10);
  auto X = [&](double v) { return L + (v - lo) / (1.0 - lo) * pw; };
  std::string o = "<svg class=\"chart\" id=\"f1-bars\" viewBox=\"0 0 " + n1(W) + " " + n1(H) +
                  "\" role=\"img\" aria-label=\"F1 score per class\">\n";
  const double step = nice_step(1.0 - lo, 5);
  for (double v = lo; v <= 1.0 + 1e-9; v += step) {
    o += "<line class=\"grid\" x1=\"" + n1(X(v)) + "\" y1=\"" + n1(T) + "\" x2=\"" + n1(X(v)) + "\" y2=\"" +
         n1(T + K * row) + "\"/><text class=\"tick\" x=\"" + n1(X(v)) + "\" y=\"" + n1(T + K * row + 16) +
         "\" text-anchor=\"middle\">" + printf_str("%g", std::round(v * 100) / 100) + "</text>";
  }
  for (int k = 0; k < K; ++k) {
    const double y = T + k * row;
    const double len = std::max(1.0, X(r.f1[k]) - L);
    o += "<text class=\"tick\" x=\"" + n1(L - 8) + "\" y=\"" + n1(y + row / 2) +
         "\" dy=\"0.35em\" text-anchor=\"end\">" + std::to_string(k) + "</text>";
    o += "<rect class=\"bar\"" + attr("data-class", k) + attr("data-f1", r.f1[k]) + " x=\"" + n1(L) + "\" y=\"" +
         n1(y + 4) + "\" width=\"" + n1(len) + "\" height=\"" + n1(row - 8) + "\"><title>class " + std::to_string(k) +
         ": F1 " + fmt_metric(r.f1[k]) + "</title></rect>";
    o += "<text class=\"value\" x=\"" + n1(L + len + 6) + "\" y=\"" + n1(y + row / 2) + "\" dy=\"0.35em\">" +
         fmt_metric(r.f1[k]) + "</text>\n";
  }
  o += "<text class=\"label\" x=\"" + n1(L + pw / 2) + "\" y=\"" + n1(H - 2) +
       "\" text-anchor=\"middle\">F1 (axis from " + printf_str("%g", lo) + " to 1)</text>\n";
  return o + "</svg>\n";
}

// ------------------------------------------------------------------ sections
std::string section_open(const char* id, const char* title) {
  return std::string("<section id=\"") + id + "\">\n<h2>" + title + "</h2>\n";
}

double total_seconds(const std::vector<EpochStats>& h) {
  double s = 0;
  for (const EpochStats& e : h) s += e.seconds;
  return s;
}

std::string key_figures(const LabReportInput& in) {
  std::string o = "<section id=\"figures\">\n<h2>Key figures</h2>\n<dl class=\"figures\">\n";
  auto fig = [&](const std::string& name, const std::string& id, const std::string& attrs, const std::string& value) {
    o += "<div><dt>" + name + "</dt><dd id=\"" + id + "\"" + attrs + ">" + value + "</dd></div>\n";
  };
  if (in.has_test) {
    const TestEvaluation& t = in.test;
    fig("test accuracy", "test-accuracy", attr("data-accuracy", t.rep.accuracy), fmt_percent(t.rep.accuracy));
    fig("test loss", "test-loss", attr("data-loss", t.eval.loss), fmt_metric(t.eval.loss));
    fig("macro F1", "macro-f1", attr("data-f1", t.rep.macro_f1), fmt_metric(t.rep.macro_f1));
    fig("test images", "test-count", attr("data-count", t.cm.total()), with_commas(t.cm.total()));
  }
  fig("parameters", "params", attr("data-params", in.params), with_commas(in.params));
  const int epochs = in.history.empty() ? 0 : in.history.back().epoch;
  fig("epochs trained", "epochs", attr("data-epochs", epochs), std::to_string(epochs));
  if (!in.history.empty()) {
    const double total = total_seconds(in.history);
    fig("training time", "train-time", attr("data-seconds", total), fmt_seconds(total));
    fig("time per epoch", "epoch-time", attr("data-seconds", total / in.history.size()),
        fmt_seconds(total / in.history.size()));
    const EpochStats* best = nullptr;
    for (const EpochStats& e : in.history)
      if (std::isfinite(e.val_acc) && (!best || e.val_acc > best->val_acc)) best = &e;
    if (best)
      fig("best validation accuracy", "best-val",
          attr("data-accuracy", best->val_acc) + attr("data-epoch", best->epoch),
          fmt_percent(best->val_acc) + " <small>(epoch " + std::to_string(best->epoch) + ")</small>");
  }
  return o + "</dl>\n</section>\n";
}

std::string overfitting_warning(const std::vector<EpochStats>& h) {
  std::vector<const EpochStats*> over;
  for (const EpochStats& e : h)
    if (overfitting(e)) over.push_back(&e);
  if (over.empty()) return "";
  const EpochStats& last = *over.back();
  return "<aside class=\"warning\" id=\"overfitting\"" + attr("data-epochs", static_cast<int>(over.size())) +
         " role=\"note\"><strong>⚠ Overfitting.</strong> In " + std::to_string(over.size()) + " of " +
         std::to_string(h.size()) +
         " epochs the training accuracy was more than 10 points above the validation accuracy (last: epoch " +
         std::to_string(last.epoch) + ", training " + fmt_percent(last.train_acc) + ", validation " +
         fmt_percent(last.val_acc) +
         "). The model is learning its training images rather than digits: more data, dropout, weight decay or "
         "early stopping help.</aside>\n";
}

std::string model_section(const LabReportInput& in) {
  std::string o = section_open("model", "Model");
  o += "<div class=\"scroll\"><table class=\"model\">\n<thead><tr><th>layer</th><th>output shape</th>"
       "<th class=\"num\">parameters</th></tr></thead>\n<tbody>\n";
  o += "<tr><td>input</td><td>" + html_escape(in.input.str()) + "</td><td class=\"num\"></td></tr>\n";
  for (const LayerSummary& s : in.layers)
    o += "<tr><td>" + html_escape(s.name) + " <code>" + html_escape(s.spec) + "</code></td><td>" +
         html_escape(s.output.str()) + "</td><td class=\"num\"" + attr("data-params", s.params) + ">" +
         with_commas(s.params) + "</td></tr>\n";
  o += "</tbody>\n<tfoot><tr><th colspan=\"2\">total</th><td class=\"num\" id=\"model-total\"" +
       attr("data-params", in.params) + ">" + with_commas(in.params) + "</td></tr></tfoot>\n</table></div>\n";
  return o + "</section>\n";
}

// one table per INI section ([model], [training], [data]), side by side when there is room
std::string settings_section(const LabReportInput& in) {
  if (in.settings.empty()) return "";
  std::string o = section_open("settings", "Settings") + "<div class=\"groups\">\n";
  std::string group;
  for (const auto& [k, v] : in.settings) {
    const std::string g = k.substr(0, k.find('.'));
    if (g != group || group.empty()) {
      if (!group.empty()) o += "</tbody>\n</table></div>\n";
      group = g;
      o += "<div class=\"scroll\"><table class=\"settings\">\n<thead><tr><th>" + html_escape(g) +
           ".</th><th>value</th></tr></thead>\n<tbody>\n";
    }
    // a long key breaks after its dots and underscores, not inside a word
    std::string key;
    for (char c : html_escape(k)) key += c == '.' || c == '_' ? std::string(1, c) + "<wbr>" : std::string(1, c);
    o += "<tr" + attr("data-key", k) + "><th><code>" + key + "</code></th><td>" + html_escape(v) + "</td></tr>\n";
  }
  return o + "</tbody>\n</table></div>\n</div>\n</section>\n";
}

std::string curves_section(const std::vector<EpochStats>& h) {
  std::string o = section_open("curves", "Learning curves");
  if (h.empty()) return o + "<p class=\"none\">No epoch trained yet.</p>\n</section>\n";
  std::vector<int> epochs;
  ChartSeries tl{"train", "training", "#0072B2", "", {}}, vl{"validation", "validation", "#E69F00", "7 4", {}},
      sl{"test", "test", "#009E73", "2 3", {}};
  ChartSeries ta = tl, va = vl, sa = sl;
  for (const EpochStats& e : h) {
    epochs.push_back(e.epoch);
    tl.y.push_back(e.train_loss), vl.y.push_back(e.val_loss), sl.y.push_back(e.test_loss);
    ta.y.push_back(e.train_acc), va.y.push_back(e.val_acc), sa.y.push_back(e.test_acc);
  }
  o += "<div class=\"charts\"><figure>" + line_chart("loss-chart", "loss", epochs, {tl, vl, sl}, false) +
       "<figcaption>Loss (cross-entropy) per epoch. Training: the mean over the epoch's batches.</figcaption>"
       "</figure>\n<figure>" +
       line_chart("accuracy-chart", "accuracy", epochs, {ta, va, sa}, true) +
       "<figcaption>Accuracy per epoch.</figcaption></figure></div>\n";
  return o + "</section>\n";
}

std::string epochs_section(const std::vector<EpochStats>& h) {
  if (h.empty()) return "";
  std::string o = section_open("epochs", "Epochs");
  o += "<div class=\"scroll\"><table class=\"epochs\">\n<thead><tr><th>epoch</th><th class=\"num\">train loss</th>"
       "<th class=\"num\">train acc.</th><th class=\"num\">val. loss</th><th class=\"num\">val. acc.</th>"
       "<th class=\"num\">test loss</th><th class=\"num\">test acc.</th><th class=\"num\">learning rate</th>"
       "<th class=\"num\">time</th><th class=\"num\">images/s</th></tr></thead>\n<tbody>\n";
  for (const EpochStats& e : h) {
    const bool over = overfitting(e);
    o += "<tr" + std::string(over ? " class=\"over\"" : "") + attr("data-epoch", e.epoch) +
         attr("data-train-acc", e.train_acc) + attr("data-val-acc", e.val_acc) + attr("data-test-acc", e.test_acc) +
         attr("data-seconds", e.seconds) + "><td>" + std::to_string(e.epoch) + (over ? " ⚠" : "") +
         "</td><td class=\"num\">" + fmt_metric(e.train_loss) + "</td><td class=\"num\">" + fmt_percent(e.train_acc) +
         "</td><td class=\"num\">" + fmt_metric(e.val_loss) + "</td><td class=\"num\">" + fmt_percent(e.val_acc) +
         "</td><td class=\"num\">" + fmt_metric(e.test_loss) + "</td><td class=\"num\">" + fmt_percent(e.test_acc) +
         "</td><td class=\"num\">" + html_escape(exact_number(e.lr)) + "</td><td class=\"num\">" +
         fmt_seconds(e.seconds) + "</td><td class=\"num\">" + with_commas(std::lround(e.images_per_sec)) +
         "</td></tr>\n";
  }
  o += "</tbody>\n<tfoot><tr><th colspan=\"8\">total training time</th><td class=\"num\">" +
       fmt_seconds(total_seconds(h)) + "</td><td></td></tr></tfoot>\n</table></div>\n";
  o += "<p class=\"note\">Time: training only (the evaluations excluded). ⚠: training accuracy more than 10 points "
       "above validation accuracy.</p>\n";
  return o + "</section>\n";
}

// one confusion table: counts, or each row as shares of its true class
std::string confusion_table(const ConfusionMatrix& cm, bool shares) {
  const int K = cm.classes;
  std::string o = std::string("<p class=\"caption\">") +
                  (shares ? "Row-normalised: the share of each true class predicted as each class."
                          : "Counts: rows are the true class, columns the predicted class.") +
                  "</p>\n<div class=\"scroll\"><table class=\"cm\" id=\"" + (shares ? "cm-shares" : "cm-counts") +
                  "\">\n<thead><tr><th class=\"corner\">true ↓<br>pred. →</th>";
  for (int p = 0; p < K; ++p) o += "<th>" + std::to_string(p) + "</th>";
  o += shares ? "</tr></thead>\n<tbody>\n" : "<th class=\"sum\">images</th></tr></thead>\n<tbody>\n";
  for (int t = 0; t < K; ++t) {
    o += "<tr><th>" + std::to_string(t) + "</th>";
    for (int p = 0; p < K; ++p) {
      const double share = cm.row_normalized(t, p);
      const std::string bg = hex_color(confusion_color(share));
      const bool dark = std::sqrt(share) > 0.6;
      o += "<td" + attr("data-t", t) + attr("data-p", p) +
           (shares ? attr("data-share", share) : attr("data-count", cm.at(t, p))) + " style=\"background:" + bg +
           (dark ? ";color:#fff" : "") + "\"" + (t == p ? " class=\"diag\"" : "") + ">" +
           (shares ? fmt_share(share) : with_commas(cm.at(t, p))) + "</td>";
    }
    if (!shares) o += "<td class=\"sum\">" + with_commas(cm.row_sum(t)) + "</td>";
    o += "</tr>\n";
  }
  o += "</tbody>\n";
  if (!shares) {
    o += "<tfoot><tr><th>predicted</th>";
    for (int p = 0; p < K; ++p) o += "<td class=\"sum\">" + with_commas(cm.col_sum(p)) + "</td>";
    o += "<td class=\"sum\">" + with_commas(cm.total()) + "</td></tr></tfoot>\n";
  }
  return o + "</table></div>\n";
}

std::string evaluation_sections(const LabReportInput& in) {
  if (!in.has_test)
    return section_open("confusion", "Confusion matrix") + "<p class=\"none\">No test evaluation.</p>\n</section>\n";
  const TestEvaluation& t = in.test;
  const ClassificationReport& r = t.rep;
  const std::string when =
      in.test_epoch > 0 ? "after epoch " + std::to_string(in.test_epoch) : std::string("with the model's weights");
  std::string o = section_open("confusion", "Confusion matrix");
  o += "<p>" + with_commas(t.cm.total()) + " test images, " + when + ": accuracy " + fmt_percent(r.accuracy) +
       ", loss " + fmt_metric(t.eval.loss) + ".</p>\n";
  o += confusion_table(t.cm, false) + confusion_table(t.cm, true) + "</section>\n";

  o += section_open("classes", "Classification report");
  o += "<div class=\"scroll\"><table class=\"classes\">\n<thead><tr><th>class</th><th class=\"num\">precision</th>"
       "<th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr></thead>\n<tbody>\n";
  for (size_t k = 0; k < r.f1.size(); ++k)
    o += "<tr" + attr("data-class", static_cast<int>(k)) + attr("data-precision", r.precision[k]) +
         attr("data-recall", r.recall[k]) + attr("data-f1", r.f1[k]) + attr("data-support", r.support[k]) + "><th>" +
         std::to_string(k) + "</th><td class=\"num\">" + fmt_metric(r.precision[k]) + "</td><td class=\"num\">" +
         fmt_metric(r.recall[k]) + "</td><td class=\"num\">" + fmt_metric(r.f1[k]) + "</td><td class=\"num\">" +
         with_commas(r.support[k]) + "</td></tr>\n";
  const std::string n = with_commas(t.cm.total());
  o += "</tbody>\n<tfoot>\n<tr id=\"macro-avg\"" + attr("data-precision", r.macro_precision) +
       attr("data-recall", r.macro_recall) + attr("data-f1", r.macro_f1) + "><th>macro avg</th><td class=\"num\">" +
       fmt_metric(r.macro_precision) + "</td><td class=\"num\">" + fmt_metric(r.macro_recall) +
       "</td><td class=\"num\">" + fmt_metric(r.macro_f1) + "</td><td class=\"num\">" + n + "</td></tr>\n";
  o += "<tr id=\"weighted-avg\"" + attr("data-precision", r.weighted_precision) +
       attr("data-recall", r.weighted_recall) + attr("data-f1", r.weighted_f1) +
       "><th>weighted avg</th><td class=\"num\">" + fmt_metric(r.weighted_precision) + "</td><td class=\"num\">" +
       fmt_metric(r.weighted_recall) + "</td><td class=\"num\">" + fmt_metric(r.weighted_f1) +
       "</td><td class=\"num\">" + n + "</td></tr>\n";
  o += "<tr id=\"accuracy-row\"" + attr("data-accuracy", r.accuracy) + attr("data-micro-f1", r.micro_f1) +
       "><th>accuracy = micro F1</th><td></td><td></td><td class=\"num\">" + fmt_metric(r.micro_f1) +
       "</td><td class=\"num\">" + n + "</td></tr>\n</tfoot>\n</table></div>\n";
  o += "<p class=\"note\">Precision = TP / (TP + FP), recall = TP / (TP + FN) (the per-class accuracy), F1 = their "
       "harmonic mean; macro: the plain mean over classes, weighted: by support; micro F1 = accuracy for one label "
       "per image.</p>\n</section>\n";

  o += section_open("f1", "F1 per class") + "<figure>" + f1_bars(r) + "</figure>\n</section>\n";

  o += section_open("mistakes", "The most confident mistakes");
  if (t.mistakes.empty()) return o + "<p class=\"none\">No mistakes on the test images.</p>\n</section>\n";
  const int shown = in.test_images ? std::min<int>(in.max_mistakes, static_cast<int>(t.mistakes.size())) : 0;
  o += "<p>" + std::to_string(shown) + " of the " + with_commas(static_cast<long>(t.mistakes.size())) +
       " test images the model got wrong, the surest first (true → predicted, confidence).</p>\n"
       "<div class=\"mistakes\">\n";
  for (int k = 0; k < shown; ++k) {
    const int i = t.mistakes[k];
    const Dataset& d = *in.test_images;
    const std::string caption = "#" + std::to_string(t.idx[i]) + "<br>" + std::to_string(t.truth[i]) + " → " +
                                std::to_string(t.eval.predicted[i]) + " · " + fmt_percent(t.eval.confidence[i]);
    o += "<figure class=\"mistake\"" + attr("data-index", t.idx[i]) + attr("data-true", t.truth[i]) +
         attr("data-pred", t.eval.predicted[i]) + attr("data-confidence", static_cast<double>(t.eval.confidence[i])) +
         "><img src=\"" + png_data_uri(d.image(t.idx[i]), d.cols, d.rows, 1) +
         "\" width=\"84\" height=\"84\" alt=\"test image " + std::to_string(t.idx[i]) + ": a " +
         std::to_string(t.truth[i]) + " taken for a " + std::to_string(t.eval.predicted[i]) + "\"><figcaption>" +
         caption + "</figcaption></figure>\n";
  }
  return o + "</div>\n</section>\n";
}

std::string comparison_section(const LabReportInput& in) {
  if (in.comparison.empty()) return "";
  const bool fig = in.comparison_report_figures;
  const int best = experiment_winner(in.comparison);
  std::string o = section_open("comparison", "Comparison");
  if (!fig)
    o += "<p class=\"note\">The reports' figures are MNIST results: on " + html_escape(in.dataset) +
         " there is nothing to compare them with.</p>\n";
  o += "<div class=\"scroll\"><table class=\"comparison\">\n<thead><tr><th>model</th><th class=\"num\">parameters</th>"
       "<th class=\"num\">epochs</th><th class=\"num\">converged</th><th class=\"num\">train time</th>"
       "<th class=\"num\">test accuracy</th>" +
       std::string(fig ? "<th class=\"num\">report's figure</th>" : "") + "<th>winner</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < in.comparison.size(); ++i) {
    const ExperimentRun& r = in.comparison[i];
    o += "<tr" + attr("data-name", r.name) + attr("data-params", r.params) + attr("data-test-acc", r.test_acc) +
         "><td>" + html_escape(r.title.empty() ? r.name : r.title) + "</td><td class=\"num\">" + with_commas(r.params) +
         "</td><td class=\"num\">" + std::to_string(r.epochs) + "</td><td class=\"num\">" +
         (r.test_accs.empty() ? "" : std::to_string(r.converged())) + "</td><td class=\"num\">" +
         fmt_seconds(r.seconds) + "</td><td class=\"num\">" + (r.test_accs.empty() ? kNone : fmt_percent(r.test_acc)) +
         "</td>" +
         (fig ? "<td class=\"num\">" + (r.report_acc > 0 ? fmt_percent(r.report_acc) : std::string()) + "</td>"
              : std::string()) +
         "<td>" + (static_cast<int>(i) == best ? "★" : "") + "</td></tr>\n";
  }
  o += "</tbody>\n</table></div>\n<p class=\"note\">converged: the first epoch within 0.5 points of the last epoch's "
       "test accuracy; winner: the highest test accuracy (on a tie, fewer parameters).</p>\n";
  return o + "</section>\n";
}

std::string lessons_section(const std::vector<LessonAnswer>& a) {
  std::string o = section_open("lessons", "Lesson answers");
  if (a.empty()) return o + "<p class=\"none\" id=\"lessons-none\">No lesson answers in this run.</p>\n</section>\n";
  int right = 0;
  for (const LessonAnswer& x : a) right += x.right;
  o += "<p id=\"lessons-score\"" + attr("data-right", right) + attr("data-total", static_cast<int>(a.size())) + ">" +
       std::to_string(right) + " of " + std::to_string(a.size()) + " right.</p>\n";
  o += "<div class=\"scroll\"><table class=\"lessons\">\n<thead><tr><th>lesson</th><th>question</th>"
       "<th>your answer</th><th>expected</th><th></th></tr></thead>\n<tbody>\n";
  for (const LessonAnswer& x : a)
    o += std::string("<tr class=\"") + (x.right ? "right" : "wrong") + "\"" + attr("data-right", x.right ? 1 : 0) +
         "><td>" + html_escape(x.lesson) + "</td><td>" + html_escape(x.question) + "</td><td>" + html_escape(x.given) +
         "</td><td>" + html_escape(x.expected) + "</td><td>" + (x.right ? "✓ right" : "✗ wrong") + "</td></tr>\n";
  return o + "</tbody>\n</table></div>\n</section>\n";
}

// ------------------------------------------------------------------ the document
// Readable on a phone (one column, wide tables scroll sideways inside their box), printable
// (no scroll boxes, colours kept, sections not split), light and dark.
constexpr const char* kStyle = R"CSS(
:root { --fg: #1b1f24; --dim: #57606a; --bg: #fff; --line: #d0d7de; --head: #f3f5f7; --warn-bg: #fff4e5;
  --warn: #8a4b00; --accent: #0b5cad; --bar: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem 1rem 3rem; color: var(--fg); background: var(--bg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
p { margin: .4rem 0; }
.meta, .note, .caption, figcaption, small { color: var(--dim); }
.note { font-size: .9rem; }
nav { font-size: .9rem; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
nav a { color: var(--accent); white-space: nowrap; }
code { font: .88em/1.3 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .5rem; margin: 0; }
.figures div { border: 1px solid var(--line); border-radius: 6px; padding: .45rem .6rem; }
.figures dt { color: var(--dim); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figures dd small { font-size: .8rem; font-weight: 400; }
.warning { margin: 1rem 0; padding: .7rem .9rem; border-left: 4px solid #e69f00; background: var(--warn-bg);
  color: var(--warn); border-radius: 4px; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .5rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th, tfoot th { background: var(--head); }
.num, .cm td { text-align: right; white-space: nowrap; }
.caption { font-size: .88rem; margin: .8rem 0 0; }
.settings code { overflow-wrap: normal; }
.cm .corner { font-size: .75rem; font-weight: 400; color: var(--dim); white-space: nowrap; }
.cm td { min-width: 2.6em; }
.cm td.diag { font-weight: 700; }
.cm .sum { background: var(--head); color: var(--dim); }
tr.over td { background: var(--warn-bg); }
tr.right td:last-child { color: #1a7f37; }
tr.wrong td:last-child { color: #b3261e; }
figure { margin: .5rem 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 1rem; }
svg.chart { width: 100%; height: auto; display: block; }
#f1 figure { max-width: 32rem; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: var(--dim); stroke-width: 1; }
svg .tick, svg .legend, svg .value { font-size: 15px; fill: var(--dim); }
svg .label { font-size: 16px; fill: var(--fg); }
figcaption { font-size: .88rem; }
.groups { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
.groups .scroll { margin: .25rem 0; flex: 1 1 17rem; }
.groups table { width: 100%; }
.settings th { font-weight: 400; }
svg .series { fill: none; stroke-width: 2.5; stroke-linejoin: round; }
svg .bar { fill: var(--bar); }
.mistakes { display: flex; flex-wrap: wrap; gap: .75rem; }
.mistake { margin: 0; text-align: center; }
.mistake img { display: block; margin: 0 auto; width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid var(--line); }
.mistake figcaption { font-size: .8rem; font-variant-numeric: tabular-nums; }
.none { color: var(--dim); font-style: italic; }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--dim); }
@media (max-width: 480px) {
  body { padding: 1rem .75rem 2rem; font-size: 15px; }
  h1 { font-size: 1.35rem; }
  table { font-size: .82rem; }
  th, td { padding: .2rem .35rem; }
  .cm { font-size: .74rem; }
  .cm td, .cm th { padding: .15rem .2rem; min-width: 0; }
  .figures { grid-template-columns: repeat(2, 1fr); }
  .figures dd { font-size: 1.1rem; }
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --dim: #9da7b3; --bg: #0d1117; --line: #30363d; --head: #161b22; --warn-bg: #2d2006;
    --warn: #f2cc60; --accent: #58a6ff; --bar: #56B4E9; }
  .cm td:not(.sum) { color: #1b1f24; }
  .mistake img { filter: none; }
}
@media print {
  :root { --fg: #000; --dim: #333; --bg: #fff; --line: #999; --head: #eee; --warn-bg: #fff4e5; --warn: #8a4b00; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  section, figure, table, .warning { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)CSS";

}  // namespace

std::string lab_report_html(const LabReportInput& in) {
  const std::string title = in.title.empty() ? std::string("Backprop Lab report") : in.title;
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // nothing may be fetched: styles are inline, images data: URIs
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src "
      "'unsafe-inline'\">\n"
      "<meta name=\"generator\" content=\"Backprop Lab\">\n<title>" +
      html_escape(title) + " · Backprop Lab report</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  o += "<header>\n<h1 id=\"title\">" + html_escape(title) + "</h1>\n<p class=\"meta\">Backprop Lab report";
  if (!in.date.empty()) o += " · <time id=\"date\">" + html_escape(in.date) + "</time>";
  o += "</p>\n<p class=\"meta\">Data: <span id=\"dataset\">" + html_escape(in.dataset.empty() ? "—" : in.dataset) +
       "</span>";
  if (!in.split.empty()) o += " · split: <span id=\"split\">" + html_escape(in.split) + "</span>";
  o += "</p>\n<nav><a href=\"#figures\">figures</a><a href=\"#model\">model</a>";
  if (!in.settings.empty()) o += "<a href=\"#settings\">settings</a>";
  o += "<a href=\"#curves\">curves</a>";
  if (!in.history.empty()) o += "<a href=\"#epochs\">epochs</a>";
  o += "<a href=\"#confusion\">confusion</a>";
  if (in.has_test) o += "<a href=\"#classes\">per class</a><a href=\"#mistakes\">mistakes</a>";
  if (!in.comparison.empty()) o += "<a href=\"#comparison\">comparison</a>";
  o += "<a href=\"#lessons\">lessons</a></nav>\n</header>\n<main>\n";
  o += key_figures(in);
  o += overfitting_warning(in.history);
  o += model_section(in);
  o += settings_section(in);
  o += curves_section(in.history);
  o += epochs_section(in.history);
  o += evaluation_sections(in);
  o += comparison_section(in);
  o += lessons_section(in.lessons);
  o += "</main>\n<footer>Written by Backprop Lab. Every figure is the engine's: the trainer's history and the "
       "metrics of its evaluation on the test images.</footer>\n</body>\n</html>\n";
  return o;
}

}  // namespace bpl
