// The lab report (engine/report/lab_report.*, evaluation.*, png.*): the numbers read back out of
// the HTML's data attributes equal the inputs, every text is escaped, nothing is fetched.
#include "core/error.h"
#include "core/rng.h"
#include "io/run_config.h"
#include "model/presets.h"
#include "report/evaluation.h"
#include "report/lab_report.h"
#include "report/png.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

using namespace bpl;

namespace {

// 200 random 28×28 images of 10 classes, a linear model evaluated on them by the engine
struct Fixture {
  Dataset test;
  Model model;
  std::vector<int> idx;
  TestEvaluation ev;
  Fixture() {
    Rng rng(7, 1);
    test.name = "synthetic test";
    for (int i = 0; i < 200; ++i) {
      test.labels.push_back(static_cast<uint8_t>(i % 10));
      for (int p = 0; p < 784; ++p) test.pixels.push_back(static_cast<uint8_t>(rng.uniform() * 255));
      idx.push_back(i);
    }
    model = Model::from_text("flatten, dense(10)", Shape{1, 28, 28}, 3);
    Normalizer norm;
    ev = make_test_evaluation(test, idx, evaluate(model, test, idx, norm));
  }
};

std::vector<EpochStats> history3() {
  std::vector<EpochStats> h(3);
  for (int e = 0; e < 3; ++e) {
    h[e].epoch = e + 1;
    h[e].train_loss = 2.0 / (e + 1);
    h[e].train_acc = 0.5 + 0.15 * e;  // 0.50, 0.65, 0.80
    h[e].val_loss = 2.1 / (e + 1);
    h[e].val_acc = 0.5 + 0.05 * e;  // 0.50, 0.55, 0.60: epoch 3 is 20 points apart
    h[e].test_acc = 0.49 + 0.05 * e;
    h[e].test_loss = 2.2 / (e + 1);
    h[e].seconds = 0.25 * (e + 1);
    h[e].images_per_sec = 1000;
    h[e].lr = 0.01;
  }
  return h;
}

LabReportInput input(Fixture& f) {
  LabReportInput in;
  in.title = "MLP <on> \"MNIST\" & co";
  in.date = "2026-12-06 14:00 UTC";
  in.dataset = "MNIST";
  in.split = "180 training · 20 validation · 200 test images";
  in.input = f.model.input_shape();
  in.layers = f.model.summary();
  in.params = f.model.param_count();
  RunConfig rc = RunConfig::from_preset(find_preset("r2-mlp"));
  in.settings = settings_rows(rc);
  in.settings.emplace_back("model.layers", "dense(10), <script>alert(1)</script>");
  in.history = history3();
  in.has_test = true;
  in.test = f.ev;
  in.test_epoch = 3;
  in.test_images = &f.test;
  return in;
}

// every match of `re` in `html`, its first capture group(s)
std::vector<std::smatch> all(const std::string& html, const std::string& re) {
  std::vector<std::smatch> out;
  const std::regex r(re);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), r); it != std::sregex_iterator(); ++it)
    out.push_back(*it);
  return out;
}

std::string one(const std::string& html, const std::string& re) {
  const auto m = all(html, re);
  REQUIRE(m.size() == 1);
  return m[0][1];
}

double num(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

TEST_CASE("The lab report's key numbers read back exactly from its HTML", "[report]") {
  Fixture f;
  const LabReportInput in = input(f);
  const std::string html = lab_report_html(in);
  // test accuracy: the exact value in data-accuracy, the text at the report's one precision
  CHECK(num(one(html, R"re(id="test-accuracy" data-accuracy="([^"]*)")re")) == f.ev.rep.accuracy);
  CHECK(f.ev.rep.accuracy ==
        static_cast<double>(f.ev.cm.at(0, 0) + f.ev.cm.at(1, 1) + f.ev.cm.at(2, 2) + f.ev.cm.at(3, 3) +
                            f.ev.cm.at(4, 4) + f.ev.cm.at(5, 5) + f.ev.cm.at(6, 6) + f.ev.cm.at(7, 7) +
                            f.ev.cm.at(8, 8) + f.ev.cm.at(9, 9)) /
            200);
  CHECK(html.find(">" + fmt_percent(f.ev.rep.accuracy) + "<") != std::string::npos);
  // parameters: the key figure, the summary's total, and each layer's row
  CHECK(num(one(html, R"re(id="params" data-params="([^"]*)")re")) == 7850);
  CHECK(num(one(html, R"re(id="model-total" data-params="([^"]*)")re")) == 7850);
  long layer_sum = 0;
  for (const auto& m : all(html, R"re(<td class="num" data-params="(\d+)")re")) layer_sum += std::stol(m[1]);
  CHECK(layer_sum == 7850);
  // the confusion matrix: every cell's count and row share
  const auto counts = all(html, R"re(data-t="(\d+)" data-p="(\d+)" data-count="(\d+)")re");
  REQUIRE(counts.size() == 100);
  long total = 0;
  for (const auto& m : counts) {
    CHECK(std::stol(m[3]) == f.ev.cm.at(std::stoi(m[1]), std::stoi(m[2])));
    total += std::stol(m[3]);
  }
  CHECK(total == 200);
  const auto shares = all(html, R"re(data-t="(\d+)" data-p="(\d+)" data-share="([^"]*)")re");
  REQUIRE(shares.size() == 100);
  for (const auto& m : shares) CHECK(num(m[3]) == f.ev.cm.row_normalized(std::stoi(m[1]), std::stoi(m[2])));
  // the classification report, per class and averaged; micro F1 = accuracy
  const auto classes = all(
      html,
      R"re(data-class="(\d+)" data-precision="([^"]*)" data-recall="([^"]*)" data-f1="([^"]*)" data-support="(\d+)")re");
  REQUIRE(classes.size() == 10);
  for (const auto& m : classes) {
    const int k = std::stoi(m[1]);
    CHECK(num(m[2]) == f.ev.rep.precision[k]);
    CHECK(num(m[3]) == f.ev.rep.recall[k]);
    CHECK(num(m[4]) == f.ev.rep.f1[k]);
    CHECK(std::stol(m[5]) == f.ev.rep.support[k]);
  }
  CHECK(num(one(html, R"re(id="macro-avg" data-precision="[^"]*" data-recall="[^"]*" data-f1="([^"]*)")re")) ==
        f.ev.rep.macro_f1);
  CHECK(num(one(html, R"re(id="weighted-avg" data-precision="[^"]*" data-recall="[^"]*" data-f1="([^"]*)")re")) ==
        f.ev.rep.weighted_f1);
  CHECK(num(one(html, R"re(id="accuracy-row" data-accuracy="[^"]*" data-micro-f1="([^"]*)")re")) == f.ev.rep.accuracy);
  // F1 bars: one per class with its value
  const auto bars = all(html, R"re(<rect class="bar" data-class="(\d+)" data-f1="([^"]*)")re");
  REQUIRE(bars.size() == 10);
  for (const auto& m : bars) CHECK(num(m[2]) == f.ev.rep.f1[std::stoi(m[1])]);
  // the per-epoch table and its times; the curves have one point per epoch and series
  const auto epochs = all(html, R"re(data-epoch="(\d+)" data-train-acc="([^"]*)" data-val-acc="([^"]*)" )re"
                                R"re(data-test-acc="([^"]*)" data-seconds="([^"]*)")re");
  REQUIRE(epochs.size() == 3);
  for (size_t e = 0; e < 3; ++e) {
    CHECK(std::stoi(epochs[e][1]) == in.history[e].epoch);
    CHECK(num(epochs[e][2]) == in.history[e].train_acc);
    CHECK(num(epochs[e][3]) == in.history[e].val_acc);
    CHECK(num(epochs[e][4]) == in.history[e].test_acc);
    CHECK(num(epochs[e][5]) == in.history[e].seconds);
    CHECK(html.find(fmt_seconds(in.history[e].seconds)) != std::string::npos);
  }
  CHECK(num(one(html, R"re(id="train-time" data-seconds="([^"]*)")re")) == Approx(1.5));
  for (const char* s : {"train", "validation", "test"})
    CHECK(all(html, std::string(R"re(data-series=")re") + s + R"re(" data-points="3")re").size() ==
          2);  // loss, accuracy
  // the most confident mistakes: the first 12, in order, each a PNG data URI
  const auto mistakes = all(
      html,
      R"re(data-index="(\d+)" data-true="(\d+)" data-pred="(\d+)" data-confidence="([^"]*)"><img src="data:image/png;base64,([A-Za-z0-9+/=]+)")re");
  REQUIRE(f.ev.mistakes.size() > 12);
  REQUIRE(mistakes.size() == 12);
  for (size_t k = 0; k < 12; ++k) {
    const int i = f.ev.mistakes[k];
    CHECK(std::stoi(mistakes[k][1]) == f.ev.idx[i]);
    CHECK(std::stoi(mistakes[k][2]) == f.ev.truth[i]);
    CHECK(std::stoi(mistakes[k][3]) == f.ev.eval.predicted[i]);
    CHECK(num(mistakes[k][4]) == static_cast<double>(f.ev.eval.confidence[i]));
    if (k > 0) CHECK(f.ev.eval.confidence[f.ev.mistakes[k - 1]] >= f.ev.eval.confidence[i]);
  }
  CHECK(mistakes[0][5].str().rfind("iVBORw0KGgo", 0) == 0);  // base64 of the PNG signature
  // the settings: every key of the table, with its value
  for (const auto& [k, v] : in.settings)
    if (k != "model.layers") CHECK(html.find("data-key=\"" + k + "\"") != std::string::npos);
}

TEST_CASE("The lab report escapes every text and fetches nothing", "[report]") {
  Fixture f;
  LabReportInput in = input(f);
  in.layers[0].name = "Flatten <b>bold</b>";
  in.lessons = {{"Lesson <1>", "What is ∂L/∂b & why?", "<img src=x onerror=alert(1)>", "0.25", false}};
  in.comparison = {ExperimentRun{"r0-mlp", "MLP <784>", 101770, 2, 3.0, 0.9, 0.92, {0.8, 0.9}, {}}};
  const std::string html = lab_report_html(in);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("MLP &lt;on&gt; &quot;MNIST&quot; &amp; co") != std::string::npos);
  CHECK(html.find("Flatten &lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("Lesson &lt;1&gt;") != std::string::npos);
  CHECK(html.find("∂L/∂b &amp; why?") != std::string::npos);
  CHECK(html.find("<img src=x") == std::string::npos);
  CHECK(html.find("MLP &lt;784&gt;") != std::string::npos);
  // nothing external: no URL, every src a data: URI, every href an anchor in the page, and a
  // policy that forbids any request
  CHECK(html.find("http:") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
  const std::string text = std::regex_replace(html, std::regex("data:image/png;base64,[A-Za-z0-9+/=]+"), "");
  CHECK(text.find("//") == std::string::npos);  // not even a protocol-relative URL
  for (const auto& m : all(html, R"re(\ssrc="([^"]*)")re")) CHECK(m[1].str().rfind("data:image/png;base64,", 0) == 0);
  for (const auto& m : all(html, R"re(\shref="([^"]*)")re")) CHECK(m[1].str().rfind("#", 0) == 0);
  CHECK(all(html, R"re(<img [^>]*src=)re").size() == 12);  // the mistakes; the lesson's <img is text
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("content=\"default-src 'none'; img-src data:;") != std::string::npos);
  // every in-page link has its target
  for (const auto& m : all(html, R"re(href="#([a-z-]+)")re"))
    CHECK(html.find("id=\"" + m[1].str() + "\"") != std::string::npos);
}

TEST_CASE("The lab report warns of overfitting as R4 did, and lists the lessons and the comparison", "[report]") {
  Fixture f;
  LabReportInput in = input(f);
  // epoch 3: training 80% against validation 60%
  std::string html = lab_report_html(in);
  CHECK(one(html, R"re(id="overfitting" data-epochs="(\d+)")re") == "1");
  CHECK(html.find("training 80.00%, validation 60.00%") != std::string::npos);
  CHECK(all(html, R"re(<tr class="over" data-epoch="3")re").size() == 1);
  in.history[2].val_acc = 0.71;  // 9 points: no warning
  html = lab_report_html(in);
  CHECK(html.find("id=\"overfitting\"") == std::string::npos);
  CHECK(html.find("class=\"over\"") == std::string::npos);
  // no lessons: a line says so; lessons: the score and a row each
  CHECK(html.find("id=\"lessons-none\"") != std::string::npos);
  in.lessons = {{"Forward", "z¹[0]?", "0.5", "0.5", true},
                {"Forward", "a¹[0]?", "1", "0.5", false},
                {"Backward", "∂L/∂z²[3]?", "-0.1", "-0.1", true}};
  html = lab_report_html(in);
  CHECK(html.find("id=\"lessons-none\"") == std::string::npos);
  CHECK(one(html, R"re(id="lessons-score" data-right="(\d+)" data-total="3")re") == "2");
  CHECK(all(html, R"re(<tr class="right" data-right="1")re").size() == 2);
  CHECK(all(html, R"re(<tr class="wrong" data-right="0")re").size() == 1);
  // no comparison: no section; a comparison: its rows, the winner starred, the reports' figures
  // only when asked for (they are MNIST results)
  CHECK(html.find("id=\"comparison\"") == std::string::npos);
  in.comparison = {ExperimentRun{"r0-mlp", "MLP", 101770, 3, 2.0, 0.95, 0.92, {0.9, 0.94, 0.95}, {}},
                   ExperimentRun{"r0-lenet5", "LeNet-5", 61706, 3, 9.0, 0.985, 0.99, {0.97, 0.98, 0.985}, {}}};
  html = lab_report_html(in);
  const auto rows = all(html, R"re(<tr data-name="([^"]*)" data-params="(\d+)" data-test-acc="([^"]*)">(.*)</tr>)re");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][1] == "r0-mlp");
  CHECK(std::stol(rows[1][2]) == 61706);
  CHECK(num(rows[1][3]) == 0.985);
  CHECK(rows[0][4].str().find("★") == std::string::npos);
  CHECK(rows[1][4].str().find("★") != std::string::npos);
  CHECK(rows[1][4].str().find("99.00%") != std::string::npos);  // the report's figure
  in.comparison_report_figures = false;
  html = lab_report_html(in);
  CHECK(html.find("99.00%") == std::string::npos);
  CHECK(html.find("report's figure") == std::string::npos);
}

TEST_CASE("A lab report without training or test set still makes a page", "[report]") {
  LabReportInput in;
  Model m = Model::from_text("flatten, dense(10)", Shape{1, 28, 28}, 1);
  in.layers = m.summary();
  in.params = m.param_count();
  in.input = m.input_shape();
  const std::string html = lab_report_html(in);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(num(one(html, R"re(id="model-total" data-params="([^"]*)")re")) == 7850);
  CHECK(html.find("No epoch trained yet") != std::string::npos);
  CHECK(html.find("No test evaluation") != std::string::npos);
  CHECK(html.find("id=\"test-accuracy\"") == std::string::npos);
}

TEST_CASE("The test evaluation, its CSV files and PNG, base64 and the number formats", "[report]") {
  Fixture f;
  const TestEvaluation& e = f.ev;
  CHECK(e.truth.size() == 200);
  CHECK(e.cm.total() == 200);
  long wrong = 0;
  for (size_t i = 0; i < e.idx.size(); ++i) wrong += e.eval.predicted[i] != e.truth[i];
  CHECK(static_cast<long>(e.mistakes.size()) == wrong);
  // report.csv: ten classes whose supports add up to the images, then the two averages
  const std::string csv = report_csv(e);
  long support = 0;
  for (const auto& m : all(csv, R"re(\n\d,[^,]*,[^,]*,[^,]*,(\d+))re")) support += std::stol(m[1]);
  CHECK(support == 200);
  CHECK(csv.find("macro avg,") != std::string::npos);
  CHECK(confusion_csv(e.cm).rfind("true\\predicted,0,1,2,3,4,5,6,7,8,9\n0,", 0) == 0);
  CHECK(all(mistakes_csv(e), "\n").size() == e.mistakes.size() + 1);
  CHECK_THROWS_AS(make_test_evaluation(f.test, {0, 1}, EvalResult{}), ConfigError);
  // the PNG: signature, and the colour scale's ends
  const std::vector<uint8_t> png = confusion_png(e.cm);
  REQUIRE(png.size() > 8);
  CHECK(std::string(png.begin() + 1, png.begin() + 4) == "PNG");
  CHECK(confusion_color(0.0) == std::array<uint8_t, 3>{255, 255, 255});
  CHECK(confusion_color(1.0) == std::array<uint8_t, 3>{0, 114, 178});
  CHECK_THROWS_AS(encode_png(nullptr, 0, 0, 1), FormatError);
  CHECK(base64({'M', 'a', 'n'}) == "TWFu");
  CHECK(base64({'M', 'a'}) == "TWE=");
  CHECK(base64({'M'}) == "TQ==");
  CHECK(base64({}).empty());
  CHECK(fmt_percent(0.97126) == "97.13%");
  CHECK(fmt_percent(NAN) == "—");
  CHECK(fmt_metric(0.98765) == "0.9877");
  CHECK(fmt_share(0.987) == "0.99");
  CHECK(fmt_seconds(1.234) == "1.23 s");
  CHECK(html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}
