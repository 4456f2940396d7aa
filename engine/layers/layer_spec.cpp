// Text form of layers: "conv(6, 5, stride=1, pad=same)". Used by presets, the CLI's
// --model flag, model files and (later) the app's shareable links.
#include "layers/layer.h"

#include "core/error.h"

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

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

const std::string* find_arg(const LayerSpec& s, size_t pos, const char* key) {
  auto it = s.kwargs.find(key);
  if (it != s.kwargs.end()) return &it->second;
  if (pos < s.args.size()) return &s.args[pos];
  return nullptr;
}

}  // namespace

std::string LayerSpec::str() const {
  std::string out = name;
  if (args.empty() && kwargs.empty()) return out;
  out += "(";
  bool first = true;
  for (const auto& a : args) {
    out += (first ? "" : ", ") + a;
    first = false;
  }
  for (const auto& [k, v] : kwargs) {
    out += (first ? "" : ", ") + k + "=" + v;
    first = false;
  }
  return out + ")";
}

LayerSpec parse_layer_spec(const std::string& text_in) {
  std::string text = trim(text_in);
  LayerSpec spec;
  size_t open = text.find('(');
  if (open == std::string::npos) {
    spec.name = lower(text);
  } else {
    if (text.back() != ')') throw ConfigError("layer \"" + text + "\": missing closing parenthesis");
    spec.name = lower(trim(text.substr(0, open)));
    std::string inner = text.substr(open + 1, text.size() - open - 2);
    std::stringstream ss(inner);
    std::string item;
    while (std::getline(ss, item, ',')) {
      item = trim(item);
      if (item.empty()) throw ConfigError("layer \"" + text + "\": empty argument");
      size_t eq = item.find('=');
      if (eq == std::string::npos) {
        if (!spec.kwargs.empty()) throw ConfigError("layer \"" + text + "\": positional argument after key=value");
        spec.args.push_back(item);
      } else {
        std::string k = lower(trim(item.substr(0, eq))), v = trim(item.substr(eq + 1));
        if (k.empty() || v.empty()) throw ConfigError("layer \"" + text + "\": bad argument \"" + item + "\"");
        if (spec.kwargs.count(k)) throw ConfigError("layer \"" + text + "\": \"" + k + "\" given twice");
        spec.kwargs[k] = v;
      }
    }
  }
  if (spec.name.empty()) throw ConfigError("empty layer name in \"" + text_in + "\"");
  for (char ch : spec.name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      throw ConfigError("layer name \"" + spec.name + "\" has a character that is not a letter or digit");
  return spec;
}

std::vector<LayerSpec> parse_layer_list(const std::string& text) {
  std::vector<LayerSpec> out;
  int depth = 0;
  std::string cur;
  for (char ch : text) {
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (depth < 0) throw ConfigError("unbalanced parentheses in \"" + text + "\"");
    if ((ch == ',' || ch == ';' || ch == '\n') && depth == 0) {
      if (!trim(cur).empty()) out.push_back(parse_layer_spec(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (depth != 0) throw ConfigError("unbalanced parentheses in \"" + text + "\"");
  if (!trim(cur).empty()) out.push_back(parse_layer_spec(cur));
  if (out.empty()) throw ConfigError("the layer list is empty");
  return out;
}

void spec_check(const LayerSpec& s, size_t max_positional, const std::vector<std::string>& keys) {
  if (s.args.size() > max_positional)
    throw ConfigError(s.name + ": takes at most " + std::to_string(max_positional) + " positional argument(s), got " +
                      std::to_string(s.args.size()));
  for (const auto& [k, v] : s.kwargs) {
    bool known = false;
    for (const auto& key : keys) known |= (k == key);
    if (!known) {
      std::string list;
      for (const auto& key : keys) list += (list.empty() ? "" : ", ") + key;
      throw ConfigError(s.name + ": unknown argument \"" + k + "\"" +
                        (list.empty() ? std::string(" (it takes none)") : " (known: " + list + ")"));
    }
  }
}

int spec_int(const LayerSpec& s, size_t pos, const char* key, int fallback, int lo, int hi) {
  const std::string* v = find_arg(s, pos, key);
  if (!v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (end == v->c_str() || *end != '\0')
    throw ConfigError(s.name + ": " + key + " must be a whole number, got \"" + *v + "\"");
  if (n < lo || n > hi)
    throw ConfigError(s.name + ": " + key + " = " + *v + " is out of range [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
  return static_cast<int>(n);
}

double spec_double(const LayerSpec& s, size_t pos, const char* key, double fallback, double lo, double hi) {
  const std::string* v = find_arg(s, pos, key);
  if (!v) return fallback;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0')
    throw ConfigError(s.name + ": " + key + " must be a number, got \"" + *v + "\"");
  if (!(d >= lo && d <= hi)) {
    std::ostringstream os;
    os << s.name << ": " << key << " = " << *v << " is out of range [" << lo << ", " << hi << "]";
    throw ConfigError(os.str());
  }
  return d;
}

std::string spec_string(const LayerSpec& s, size_t pos, const char* key, const std::string& fallback) {
  const std::string* v = find_arg(s, pos, key);
  return v ? lower(*v) : fallback;
}

}  // namespace bpl
