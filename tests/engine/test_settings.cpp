// The settings table (io/settings.h) and what is derived from it: the INI reader, the flag
// path of `bpl train`, the share link and the README's key list.
#include "core/error.h"
#include "io/run_config.h"
#include "io/settings.h"
#include "model/presets.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

using namespace bpl;

namespace {

// Every field of a RunConfig, compared directly (not through the table, so a table entry
// that reads or writes the wrong field is caught).
void check_same(const RunConfig& a, const RunConfig& b) {
  CHECK(a.preset == b.preset);
  CHECK(a.layers == b.layers);
  CHECK(a.init_seed == b.init_seed);
  CHECK(a.init == b.init);
  CHECK(a.norm == b.norm);
  CHECK(a.subset == b.subset);
  CHECK(a.test_subset == b.test_subset);
  CHECK(a.val_frac == b.val_frac);
  CHECK(a.test_frac == b.test_frac);
  const TrainConfig &s = a.train, &t = b.train;
  CHECK(s.batch == t.batch);
  CHECK(s.epochs == t.epochs);
  CHECK(s.seed == t.seed);
  CHECK(s.optimizer.kind == t.optimizer.kind);
  CHECK(s.optimizer.lr == t.optimizer.lr);
  CHECK(s.optimizer.momentum == t.optimizer.momentum);
  CHECK(s.optimizer.beta1 == t.optimizer.beta1);
  CHECK(s.optimizer.beta2 == t.optimizer.beta2);
  CHECK(s.optimizer.eps == t.optimizer.eps);
  CHECK(s.optimizer.weight_decay == t.optimizer.weight_decay);
  CHECK(s.optimizer.reduction == t.optimizer.reduction);
  CHECK(s.schedule.kind == t.schedule.kind);
  CHECK(s.schedule.step_epochs == t.schedule.step_epochs);
  CHECK(s.schedule.gamma == t.schedule.gamma);
  CHECK(s.schedule.plateau_patience == t.schedule.plateau_patience);
  CHECK(s.schedule.plateau_factor == t.schedule.plateau_factor);
  CHECK(s.schedule.min_lr == t.schedule.min_lr);
  CHECK(s.early_stop_patience == t.early_stop_patience);
  CHECK(s.early_stop_min_delta == t.early_stop_min_delta);
  CHECK(s.restore_best == t.restore_best);
}

// A number as the table's type writes it.
std::string text_of(const Setting& s, double x) {
  return s.type == SettingType::Double ? exact_number(x) : std::to_string(static_cast<long long>(x));
}

// A valid value of a setting that differs from its value in rc: the table's example, else
// another allowed name, else the range's other end.
std::string other_value(const Setting& s, const RunConfig& rc) {
  const std::string cur = s.get(rc);
  if (s.example != cur) return s.example;
  for (const std::string& c : s.choices)
    if (c != cur) return c;
  if (s.type == SettingType::Text) return "dense(10)";
  return text_of(s, s.max) != cur ? text_of(s, s.max) : text_of(s, s.min_open ? s.max / 2 : s.min);
}

std::string url(const std::string& v) {
  std::string out;
  for (char c : v) out += c == ' ' ? std::string("%20") : c == ',' ? std::string("%2C") : std::string(1, c);
  return out;
}

std::string section_of(const Setting& s) {
  return s.key.substr(0, s.key.find('.'));
}
std::string name_in_section(const Setting& s) {
  return s.key.substr(s.key.find('.') + 1);
}

// Values of a setting that must be refused: just outside the range, wrong type, unknown names.
std::vector<std::string> bad_values(const Setting& s) {
  const double inf = std::numeric_limits<double>::infinity();
  switch (s.type) {
    case SettingType::Int:
    case SettingType::Seed:
      return {std::to_string(static_cast<long long>(s.min) - 1), std::to_string(static_cast<long long>(s.max) + 1),
              "1.5", "abc", ""};
    case SettingType::Double:
      return {s.min_open ? exact_number(s.min) : exact_number(std::nextafter(s.min, -inf)),
              exact_number(std::nextafter(s.max, inf)), "nan", "abc", ""};
    case SettingType::Bool:
      return {"maybe", "2", ""};
    case SettingType::Choice:
      return {"bogus", ""};
    case SettingType::Text:
      return {"dense(10", "dense(10))", ""};
  }
  return {};
}

RunConfig default_run() {
  return RunConfig::from_preset(find_preset(kDefaultPreset));
}

}  // namespace

TEST_CASE(
    "Settings table: every key once, the 24 INI keys of before and issue 15's five, a flag, help and a valid "
    "example each",
    "[settings]") {
  // the keys INI files, flags and links used before the table: all still known, in this order,
  // with the initialisation, the loss reduction and Adam's β₁, β₂, ε (issue 15) among them
  const std::vector<std::string> before = {"model.preset",
                                           "model.layers",
                                           "model.init",
                                           "model.init_seed",
                                           "training.epochs",
                                           "training.batch_size",
                                           "training.learning_rate",
                                           "training.optimizer",
                                           "training.reduction",
                                           "training.momentum",
                                           "training.beta1",
                                           "training.beta2",
                                           "training.epsilon",
                                           "training.weight_decay",
                                           "training.early_stop_patience",
                                           "training.early_stop_min_delta",
                                           "training.restore_best",
                                           "training.schedule",
                                           "training.step_epochs",
                                           "training.gamma",
                                           "training.plateau_patience",
                                           "training.plateau_factor",
                                           "training.min_lr",
                                           "training.seed",
                                           "data.subset",
                                           "data.val_fraction",
                                           "data.test_fraction",
                                           "data.test_subset",
                                           "data.normalize"};
  CHECK(setting_keys() == before);
  std::set<std::string> keys, flags;
  for (const Setting& s : settings()) {
    INFO(s.key);
    CHECK(keys.insert(s.key).second);
    CHECK(flags.insert(s.flag).second);
    CHECK(find_setting(s.key) == &s);
    CHECK(find_setting_by_flag(s.flag) == &s);
    CHECK((section_of(s) == "model" || section_of(s) == "training" || section_of(s) == "data"));
    CHECK(!s.help.empty());
    CHECK(!s.label.empty());
    RunConfig rc = default_run();
    CHECK_NOTHROW(apply_setting(rc, s, s.example));
    if (s.type == SettingType::Int || s.type == SettingType::Double || s.type == SettingType::Seed) {
      CHECK(s.min < s.max);
      CHECK(s.slider_min >= s.min);
      CHECK(s.slider_min < s.slider_max);
      CHECK(s.slider_max <= s.max);
    }
    if (s.type == SettingType::Choice) CHECK(s.choices.size() >= 2);
  }
  // the flags scripts, tests and the README use
  for (const char* f : {"preset",       "model",      "epochs",    "batch",     "lr",          "optimizer", "momentum",
                        "weight-decay", "early-stop", "min-delta", "schedule",  "step-epochs", "gamma",     "seed",
                        "init-seed",    "subset",     "val",       "test-frac", "test-subset", "normalize", "init",
                        "reduction",    "beta1",      "beta2",     "eps"})
    CHECK(find_setting_by_flag(f) != nullptr);
}

TEST_CASE("Settings: every preset → link → settings is the identity", "[settings]") {
  for (const Preset& p : presets()) {
    INFO(p.name);
    const RunConfig rc = RunConfig::from_preset(p);
    RunConfig back;  // a default config
    apply_settings_query(back, settings_query(rc));
    check_same(back, rc);
    // the same with every other setting away from the preset's value, so that a key the link
    // writer forgot would come back as the preset's value and differ
    RunConfig changed = rc;
    for (const Setting& s : settings())
      if (s.key != "model.preset") apply_setting(changed, s, other_value(s, rc));
    const RunConfig preset_only = RunConfig::from_preset(p);
    for (const Setting& s : settings())
      if (s.key != "model.preset") {
        INFO(s.key);
        CHECK(s.get(changed) != s.get(preset_only));
      }
    RunConfig back2;
    apply_settings_query(back2, settings_query(changed));
    check_same(back2, changed);
  }
}

TEST_CASE("Settings: the INI file, the flags and the link set every key the same way", "[settings]") {
  const RunConfig d = default_run();
  for (const Setting& s : settings()) {
    const std::string v = other_value(s, d);
    INFO(s.key << " = " << v);
    const RunConfig by_ini =
        resolve_run_config(parse_ini("[" + section_of(s) + "]\n" + name_in_section(s) + " = " + v + "\n"), {});
    // the flag path of `bpl train`: --flag → its table entry's key (tests/cli/settings.sh runs the CLI itself)
    const Setting* by_flag_entry = find_setting_by_flag(s.flag);
    REQUIRE(by_flag_entry != nullptr);
    const RunConfig by_flag = resolve_run_config({}, {{by_flag_entry->key, v}});
    RunConfig by_link = d;
    apply_settings_query(by_link, "#" + s.key + "=" + url(v));
    check_same(by_flag, by_ini);
    check_same(by_link, by_ini);
    CHECK(s.get(by_ini) != s.get(d));  // the value arrived
    // and the key is the only difference (a preset resets everything to that preset)
    RunConfig expect = d;
    apply_setting(expect, s, v);
    check_same(by_ini, expect);
  }
}

TEST_CASE("Settings: flags beat the INI file, which beats the preset", "[settings]") {
  const auto ini = parse_ini("[model]\npreset = r3-mlp\n[training]\nepochs = 7\nlearning_rate = 0.02\n");
  const RunConfig rc = resolve_run_config(ini, {{"training.epochs", "9"}});
  CHECK(rc.preset == "r3-mlp");
  CHECK(rc.train.epochs == 9);
  CHECK(rc.train.optimizer.lr == 0.02);
  CHECK(rc.train.batch == find_preset("r3-mlp").train.batch);
  CHECK(resolve_run_config(ini, {{"model.preset", "r0-mlp"}}).preset == "r0-mlp");
  CHECK(resolve_run_config({}, {}).preset == kDefaultPreset);
}

TEST_CASE("Settings: out-of-range and unknown values are refused for every key, by INI, flag and link", "[settings]") {
  const RunConfig d = default_run();
  for (const Setting& s : settings()) {
    for (const std::string& v : bad_values(s)) {
      INFO(s.key << " = \"" << v << "\"");
      RunConfig rc = d;
      CHECK_THROWS_WITH(apply_setting(rc, s.key, v), Catch::Contains(s.key));
      check_same(rc, d);
      CHECK_THROWS_AS(resolve_run_config({}, {{s.key, v}}), ConfigError);
      if (!v.empty())  // an INI line "key =" with no value is the same refusal, by parse_ini's caller
        CHECK_THROWS_AS(
            resolve_run_config(parse_ini("[" + section_of(s) + "]\n" + name_in_section(s) + " = " + v + "\n"), {}),
            ConfigError);
      // the link: all or nothing, and the message names the key
      RunConfig linked = d;
      CHECK_THROWS_WITH(apply_settings_query(linked, "training.epochs=3&" + s.key + "=" + url(v)),
                        Catch::Contains(s.key));
      check_same(linked, d);
    }
    // the range's ends are allowed (the range comes from the table)
    if (s.type == SettingType::Int || s.type == SettingType::Seed || s.type == SettingType::Double) {
      INFO(s.key << " " << s.range_text());
      RunConfig rc = d;
      CHECK_NOTHROW(apply_setting(rc, s, text_of(s, s.max)));
      CHECK(s.get(rc) == text_of(s, s.max));
      if (!s.min_open) {
        CHECK_NOTHROW(apply_setting(rc, s, text_of(s, s.min)));
        CHECK(s.get(rc) == text_of(s, s.min));
      }
      CHECK_THROWS_WITH(apply_setting(rc, s, bad_values(s)[1]), Catch::Contains("out of range " + s.range_text()));
    }
  }
  RunConfig rc = d;
  CHECK_THROWS_WITH(apply_settings_query(rc, "training.epocs=3"),
                    Catch::Contains("unknown setting \"training.epocs\""));
  CHECK_THROWS_WITH(apply_settings_query(rc, "training.epochs"), Catch::Contains("not key=value"));
  CHECK_THROWS_WITH(apply_settings_query(rc, std::string(9000, 'a')), Catch::Contains("too long"));
  check_same(rc, d);
}

TEST_CASE("Settings: links written before the table still open", "[settings]") {
  // App::settings_query's 17 keys as it wrote them (a custom model, numbers with %g)
  const std::string old =
      "model.preset=custom&model.layers=dense%2864%29%2C%20tanh%2C%20dense%2810%29&model.init_seed=7&"
      "training.optimizer=momentum&training.learning_rate=0.005&training.momentum=0.8&training.weight_decay=0.0001&"
      "training.batch_size=64&training.epochs=3&training.seed=7&training.early_stop_patience=2&"
      "training.early_stop_min_delta=0.001&training.schedule=step&training.step_epochs=2&training.gamma=0.3&"
      "data.val_fraction=0.15&data.normalize=symmetric";
  RunConfig rc = default_run();
  apply_settings_query(rc, "#" + old);
  CHECK(rc.preset == "custom");
  CHECK(rc.layers == "dense(64), tanh, dense(10)");
  CHECK(rc.init_seed == 7);
  CHECK(rc.train.optimizer.kind == OptimizerKind::Momentum);
  CHECK(rc.train.optimizer.lr == 0.005);
  CHECK(rc.train.optimizer.weight_decay == 0.0001);
  CHECK(rc.train.batch == 64);
  CHECK(rc.train.schedule.kind == ScheduleKind::Step);
  CHECK(rc.train.schedule.gamma == 0.3);
  CHECK(rc.val_frac == 0.15);
  CHECK(rc.norm == NormKind::Symmetric);
  // a named preset resets the rest first, whatever the order
  RunConfig p = default_run();
  apply_settings_query(p, "?training.epochs=4&model.preset=r1-cnn-k5");
  CHECK(p.preset == "r1-cnn-k5");
  CHECK(p.layers == find_preset("r1-cnn-k5").layers);
  CHECK(p.train.epochs == 4);
}

TEST_CASE("Settings: numbers are written exactly", "[settings]") {
  for (double v : {0.1, 0.001, 1e-6, 10.0, 0.1 + 0.2, 1.0 / 3.0, 2147483647.0})
    CHECK(std::strtod(exact_number(v).c_str(), nullptr) == v);
  CHECK(exact_number(10) == "10");
  CHECK(exact_number(0.01) == "0.01");
}

TEST_CASE("Settings: the README's key list is `bpl settings --markdown`", "[settings]") {
  std::ifstream f(std::string(BPL_ASSETS_DIR) + "/../README.md");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string readme = ss.str();
  const std::string begin = "<!-- settings:begin -->\n", end = "<!-- settings:end -->";
  const size_t a = readme.find(begin), b = readme.find(end);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  REQUIRE(a < b);
  INFO("regenerate it: build/native/bpl settings --markdown");
  CHECK(readme.substr(a + begin.size(), b - a - begin.size()) == settings_markdown());
}
