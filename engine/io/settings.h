// The settings table: every run setting declared once, with its INI key, CLI flag, type,
// allowed range or names, UI hints and help text, and how to read and write it in a
// RunConfig. Everything else is derived from it:
//   - the INI reader (io/run_config.h: parse_ini, apply_setting, setting_keys),
//   - the CLI flags of `bpl train` (one CLI11 option per entry),
//   - the share link (settings_query / apply_settings_query below),
//   - the app's Training and Model panels (ranges, steps, help markers),
//   - the README's key list (`bpl settings --markdown`, checked by a test).
// To add a setting: add its field to RunConfig (or TrainConfig) and one entry in settings.cpp.
#pragma once

#include "core/format.h"  // exact_number

#include "io/run_config.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bpl {

// `bpl train`'s preset when none is named; the README's "default" column shows its values.
constexpr const char* kDefaultPreset = "r2-mlp";

enum class SettingType {
  Int,     // whole number in [min, max]
  Double,  // number in [min, max], or (min, max] when min_open
  Bool,    // true/false (also 1/0, yes/no, on/off)
  Choice,  // one of `choices`
  Text,    // free text checked by the setter (the layer list)
  Seed,    // unsigned 64-bit seed in [min, max]
};

const char* setting_type_name(SettingType t);  // "int", "number", "bool", "choice", "text", "seed"

struct Setting {
  std::string key;   // "training.learning_rate": INI [training] learning_rate; also the link's key
  std::string flag;  // CLI flag without the dashes: "lr" → `bpl train --lr 0.1`
  SettingType type = SettingType::Double;
  double min = 0, max = 0;           // Int, Double, Seed
  bool min_open = false;             // Double: min itself is not allowed
  std::vector<std::string> choices;  // Choice: the valid names
  std::string label;                 // the UI's label, e.g. "learning rate η"
  std::string help;                  // one sentence: --help, the README and the UI's (?) marker
  std::string example;               // a valid value, for the README and the tests
  // UI hints: +/- steps of an integer field; a log-scale slider and the part of the range it
  // covers (an excluded 0 cannot be a log slider's end; Ctrl+click types any allowed value).
  double step = 1, step_fast = 10;
  bool log_scale = false;
  double slider_min = 0, slider_max = 0;
  // get: the value as text, exact (apply(key, get(rc)) gives back the same field).
  // set: write an already range-checked value (Choice/Text setters refuse bad names themselves).
  std::function<std::string(const RunConfig&)> get;
  std::function<void(RunConfig&, const std::string&)> set;

  std::string range_text() const;  // "[1, 4096]", "(0, 10]", "sgd | momentum | …", "true | false", "layer list"
};

// Every setting, in the order of the INI sections [model], [training], [data].
const std::vector<Setting>& settings();
// The entry of a key ("training.epochs") or a flag ("epochs"); nullptr when there is none.
const Setting* find_setting(const std::string& key);
const Setting* find_setting_by_flag(const std::string& flag);

// Check a value against its entry's type and range and write it (ConfigError naming the key,
// e.g. "training.epochs = 0 is out of range [1, 10000]"). apply_setting in run_config.h is this
// by key.
void apply_setting(RunConfig& rc, const Setting& s, const std::string& value);

// The link: every key as "key=value&…" (URL-encoded), model.preset first.
std::string settings_query(const RunConfig& rc);
// Apply a link's settings ("#…" or "?…" prefix allowed) over rc: a named preset first (it
// resets the rest; "custom" and "loaded" only name the preset), then every other key in the
// order given. All or nothing: on any bad key or value rc is unchanged and ConfigError says
// which key and value.
void apply_settings_query(RunConfig& rc, const std::string& query);

// The run's settings with `bpl train`'s precedence: the preset (named by the flags, else by
// the INI file, else kDefaultPreset) < the INI file's settings < the flags' settings.
// Both maps are "section.key" → value (the flags' keys are their table entries' keys).
RunConfig resolve_run_config(const std::map<std::string, std::string>& ini,
                             const std::map<std::string, std::string>& flags);

// The table as Markdown (the README's "Settings" section between its marker comments).
std::string settings_markdown();

}  // namespace bpl
