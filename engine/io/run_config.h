// Everything a training run needs, from a preset, an INI file and command-line flags, in
// that order of precedence (a flag beats the file, the file beats the preset).
//
// INI format (R4's habit): sections [model], [training], [data]; "key = value"; '#' or ';'
// start a comment. Every key is checked; an unknown section or key is refused with its line.
// The keys, their types, ranges and help are the settings table (io/settings.h): one entry
// per key, "section.key" (e.g. training.learning_rate); `bpl settings` lists them and the
// README's "Settings" section is `bpl settings --markdown`.
#pragma once

#include "model/presets.h"

#include <map>
#include <string>

namespace bpl {

struct RunConfig {
  std::string preset;        // name of the preset the run started from
  std::string layers;        // layer list text
  uint64_t init_seed = 42;   // weight initialisation
  Init init = Init::Xavier;  // of the weight layers that name no init= of their own
  NormKind norm = NormKind::Unit;
  int subset = 0, test_subset = 0;
  double val_frac = 0.0, test_frac = 0.0;
  TrainConfig train;

  static RunConfig from_preset(const Preset& p);
  // the model these settings describe, freshly initialised (1×28×28 input)
  Model build_model() const;
};

// "section.key" → value, from INI text; FormatError naming the line on bad syntax,
// unknown sections or keys, or a key given twice.
std::map<std::string, std::string> parse_ini(const std::string& text);

// Apply one "section.key" = value to the config with the table's range checks (ConfigError
// naming the key and the range, e.g. "training.epochs = 0 is out of range [1, 10000]").
void apply_setting(RunConfig& rc, const std::string& key, const std::string& value);

// The keys apply_setting knows, "section.key", in the table's order.
const std::vector<std::string>& setting_keys();

}  // namespace bpl
