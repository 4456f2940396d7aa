#include "io/run_config.h"

#include "core/error.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace bpl {

namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

long to_long(const std::string& key, const std::string& v, long lo, long hi) {
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE)
    throw ConfigError(key + " must be a whole number, got \"" + v + "\"");
  if (n < lo || n > hi)
    throw ConfigError(key + " = " + v + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return n;
}

double to_double(const std::string& key, const std::string& v, double lo, double hi, bool open_lo = false) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0') throw ConfigError(key + " must be a number, got \"" + v + "\"");
  if (!(open_lo ? d > lo : d >= lo) || !(d <= hi)) {
    std::ostringstream os;
    os << key << " = " << v << " is out of range " << (open_lo ? "(" : "[") << lo << ", " << hi << "]";
    throw ConfigError(os.str());
  }
  return d;
}

bool to_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw ConfigError(key + " must be true or false, got \"" + v + "\"");
}

}  // namespace

RunConfig RunConfig::from_preset(const Preset& p) {
  RunConfig rc;
  rc.preset = p.name;
  rc.layers = p.layers;
  rc.norm = p.norm;
  rc.subset = p.subset;
  rc.val_frac = p.val_frac;
  rc.test_frac = p.test_frac;
  rc.train = p.train;
  return rc;
}

const std::vector<std::string>& setting_keys() {
  static const std::vector<std::string> keys = {
      "model.preset", "model.layers", "model.init_seed",
      "training.epochs", "training.batch_size", "training.learning_rate", "training.optimizer",
      "training.momentum", "training.weight_decay", "training.early_stop_patience",
      "training.early_stop_min_delta", "training.restore_best", "training.schedule", "training.step_epochs",
      "training.gamma", "training.plateau_patience", "training.plateau_factor", "training.min_lr", "training.seed",
      "data.subset", "data.val_fraction", "data.test_fraction", "data.test_subset", "data.normalize"};
  return keys;
}

std::map<std::string, std::string> parse_ini(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line, section;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string where = "config line " + std::to_string(lineno) + ": ";
    size_t hash = line.find_first_of("#;");
    if (hash != std::string::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') throw FormatError(where + "section header \"" + line + "\" has no closing ]");
      section = trim(line.substr(1, line.size() - 2));
      std::transform(section.begin(), section.end(), section.begin(), ::tolower);
      if (section != "model" && section != "training" && section != "data")
        throw FormatError(where + "unknown section [" + section + "] (use [model], [training], [data])");
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) throw FormatError(where + "expected \"key = value\", got \"" + line + "\"");
    if (section.empty()) throw FormatError(where + "\"" + line + "\" comes before any [section]");
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    const std::string full = section + "." + key;
    const auto& keys = setting_keys();
    if (std::find(keys.begin(), keys.end(), full) == keys.end()) {
      std::string known;
      for (const auto& k : keys)
        if (k.rfind(section + ".", 0) == 0) known += (known.empty() ? "" : ", ") + k.substr(section.size() + 1);
      throw FormatError(where + "unknown key \"" + key + "\" in [" + section + "] (known: " + known + ")");
    }
    if (out.count(full)) throw FormatError(where + "\"" + key + "\" is given twice in [" + section + "]");
    out[full] = value;
  }
  return out;
}

void apply_setting(RunConfig& rc, const std::string& key, const std::string& v) {
  TrainConfig& t = rc.train;
  if (key == "model.preset") rc = RunConfig::from_preset(find_preset(v));
  else if (key == "model.layers") { parse_layer_list(v); rc.layers = v; }
  else if (key == "model.init_seed") rc.init_seed = static_cast<uint64_t>(to_long(key, v, 0, 2147483647));
  else if (key == "training.epochs") t.epochs = static_cast<int>(to_long(key, v, 1, 10000));
  else if (key == "training.batch_size") t.batch = static_cast<int>(to_long(key, v, 1, 4096));
  else if (key == "training.learning_rate") t.optimizer.lr = to_double(key, v, 0.0, 10.0, true);
  else if (key == "training.optimizer") t.optimizer.kind = parse_optimizer_kind(v);
  else if (key == "training.momentum") t.optimizer.momentum = to_double(key, v, 0.0, 0.999);
  else if (key == "training.weight_decay") t.optimizer.weight_decay = to_double(key, v, 0.0, 0.999);
  else if (key == "training.early_stop_patience") t.early_stop_patience = static_cast<int>(to_long(key, v, 0, 1000));
  else if (key == "training.early_stop_min_delta") t.early_stop_min_delta = to_double(key, v, 0.0, 100.0);
  else if (key == "training.restore_best") t.restore_best = to_bool(key, v);
  else if (key == "training.schedule") t.schedule.kind = parse_schedule_kind(v);
  else if (key == "training.step_epochs") t.schedule.step_epochs = static_cast<int>(to_long(key, v, 1, 10000));
  else if (key == "training.gamma") t.schedule.gamma = to_double(key, v, 0.0, 1.0, true);
  else if (key == "training.plateau_patience") t.schedule.plateau_patience = static_cast<int>(to_long(key, v, 1, 1000));
  else if (key == "training.plateau_factor") t.schedule.plateau_factor = to_double(key, v, 0.0, 0.999, true);
  else if (key == "training.min_lr") t.schedule.min_lr = to_double(key, v, 0.0, 1.0);
  else if (key == "training.seed") t.seed = static_cast<uint64_t>(to_long(key, v, 0, 2147483647));
  else if (key == "data.subset") rc.subset = static_cast<int>(to_long(key, v, 0, 10000000));
  else if (key == "data.val_fraction") rc.val_frac = to_double(key, v, 0.0, 0.9);
  else if (key == "data.test_fraction") rc.test_frac = to_double(key, v, 0.0, 0.9);
  else if (key == "data.test_subset") rc.test_subset = static_cast<int>(to_long(key, v, 0, 10000000));
  else if (key == "data.normalize") rc.norm = parse_norm(v);
  else throw ConfigError("unknown setting \"" + key + "\"");
}

}  // namespace bpl
