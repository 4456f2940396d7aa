#include "io/run_config.h"

#include "core/error.h"
#include "io/settings.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bpl {

namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

}  // namespace

RunConfig RunConfig::from_preset(const Preset& p) {
  RunConfig rc;
  rc.preset = p.name;
  rc.layers = p.layers;
  rc.init = p.init;
  rc.norm = p.norm;
  rc.subset = p.subset;
  rc.val_frac = p.val_frac;
  rc.test_frac = p.test_frac;
  rc.train = p.train;
  return rc;
}

Model RunConfig::build_model() const {
  return Model::from_text(layers, Shape{1, 28, 28}, init_seed, init);
}

const std::vector<std::string>& setting_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const Setting& s : settings()) k.push_back(s.key);
    return k;
  }();
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
    if (!find_setting(full)) {
      std::string known;
      for (const auto& k : setting_keys())
        if (k.rfind(section + ".", 0) == 0) known += (known.empty() ? "" : ", ") + k.substr(section.size() + 1);
      throw FormatError(where + "unknown key \"" + key + "\" in [" + section + "] (known: " + known + ")");
    }
    if (out.count(full)) throw FormatError(where + "\"" + key + "\" is given twice in [" + section + "]");
    out[full] = value;
  }
  return out;
}

void apply_setting(RunConfig& rc, const std::string& key, const std::string& v) {
  const Setting* s = find_setting(key);
  if (!s) throw ConfigError("unknown setting \"" + key + "\"");
  apply_setting(rc, *s, v);
}

}  // namespace bpl
