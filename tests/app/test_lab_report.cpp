// The lab report through the App: File → Export lab report builds it from the App's state and
// hands it to the platform as one HTML file.
#include "app_test_helpers.h"

#include <regex>

using namespace bpl;
using namespace bpl::app;
using namespace bpl::app::test;

namespace {
std::string attribute(const std::string& html, const std::string& re) {
  std::smatch m;
  REQUIRE(std::regex_search(html, m, std::regex(re)));
  return m[1];
}
}  // namespace

TEST_CASE("the lab report repeats the App's run: accuracy, parameters, confusion counts, epochs", "[app][report]") {
  FakePlatform platform;
  App app(&platform);
  give_synthetic_data(app, 400, 100);
  small_model(app);
  app.cfg.train.epochs = 2;
  // a lesson answered (its title needs escaping in HTML): the answer goes into the report
  REQUIRE(app.open_lesson_text("# Forward <1>\n\n## A question\n@ask z?\n@answer 0.5\n@explain z is 0.5.\n", "t.md")
              .empty());
  REQUIRE(app.lesson_answer_number("0.5"));
  app.start();
  train_until_stopped(app);
  REQUIRE(app.history().size() == 2);
  // the report of the last epoch is the weights' own: the export uses it as it is
  REQUIRE(app.report.ready);
  const uint64_t version = app.report.version;
  app.export_lab_report();
  CHECK(app.report.version == version);
  REQUIRE(platform.download_name == "backprop-lab-report.html");
  const std::string html(platform.downloaded.begin(), platform.downloaded.end());
  CHECK(std::strtod(attribute(html, R"re(id="test-accuracy" data-accuracy="([^"]*)")re").c_str(), nullptr) ==
        app.report.eval.accuracy);
  CHECK(std::stol(attribute(html, R"re(id="model-total" data-params="(\d+)")re")) == app.model().param_count());
  const std::regex cell(R"re(data-t="(\d+)" data-p="(\d+)" data-count="(\d+)")re");
  int cells = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), cell); it != std::sregex_iterator(); ++it, ++cells)
    CHECK(std::stol((*it)[3]) == app.report.cm.at(std::stoi((*it)[1]), std::stoi((*it)[2])));
  CHECK(cells == 100);
  // the epochs with their test accuracy, the settings the model trained with, the lesson escaped
  for (const EpochRecord& r : app.history())
    CHECK(html.find("data-epoch=\"" + std::to_string(r.stats.epoch) + "\"") != std::string::npos);
  CHECK(std::strtod(attribute(html, R"re(data-epoch="2" [^>]*data-test-acc="([^"]*)")re").c_str(), nullptr) ==
        app.history().back().test_acc);
  CHECK(attribute(html, R"re(data-key="training.epochs"><th><code>[^<]*<wbr>[^<]*</code></th><td>(\d+)<)re") == "2");
  CHECK(html.find("Forward &lt;1&gt;") != std::string::npos);
  CHECK(html.find("http:") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
}

TEST_CASE("the lab report evaluates the test split when the report is not of the current weights", "[app][report]") {
  FakePlatform platform;
  App app(&platform);
  give_synthetic_data(app, 400, 100);
  small_model(app);
  app.step_batch();  // trained, but no epoch ended: no report yet
  REQUIRE_FALSE(app.report.ready);
  const std::string html = app.lab_report_html();
  REQUIRE(app.report.ready);
  CHECK(app.report.at_weights == app.weights_version());
  CHECK(std::strtod(attribute(html, R"re(id="test-accuracy" data-accuracy="([^"]*)")re").c_str(), nullptr) ==
        app.report.eval.accuracy);
  CHECK(html.find("No epoch trained yet") != std::string::npos);
  CHECK(html.find("id=\"lessons-none\"") != std::string::npos);
}

TEST_CASE("the lab report lists an Experiments comparison that ran, without the reports' figures off MNIST",
          "[app][report][experiments]") {
  FakePlatform platform;
  App app(&platform);
  give_synthetic_data(app, 300, 60);
  app.dataset_name = "synthetic";
  CHECK(app.lab_report_html().find("id=\"comparison\"") == std::string::npos);
  app.exp.choose(0);  // R0: MLP and LeNet-5
  app.exp.set_max_epochs(1);
  app.experiments_start();
  for (int i = 0; i < 100000 && app.exp.running; ++i) app.experiments_tick(20.0);
  REQUIRE(app.exp.runs.size() == 2);
  const std::string html = app.lab_report_html();
  const std::regex row(R"re(<tr data-name="([^"]*)" data-params="(\d+)" data-test-acc="([^"]*)">)re");
  std::vector<std::smatch> rows;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), row); it != std::sregex_iterator(); ++it)
    rows.push_back(*it);
  REQUIRE(rows.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(rows[i][1] == app.exp.runs[i].name);
    CHECK(std::stol(rows[i][2]) == app.exp.runs[i].params);
    CHECK(std::strtod(rows[i][3].str().c_str(), nullptr) == app.exp.runs[i].test_acc);
  }
  CHECK(html.find("report's figure") == std::string::npos);  // the reports' figures are MNIST's
  CHECK(html.find("there is nothing to compare them with") != std::string::npos);
}
