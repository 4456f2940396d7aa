#include "persistence.h"

#include "core/error.h"
#include "model/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

namespace bpl::app {

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+')
      out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else
      out += s[i];
  }
  return out;
}

namespace {

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

std::string settings_to_query(const RunConfig& cfg, const std::string& layers, int val_percent) {
  const TrainConfig& t = cfg.train;
  std::vector<std::pair<std::string, std::string>> kv = {
      {"model.preset", cfg.preset},
      {"model.layers", layers},
      {"model.init_seed", std::to_string(cfg.init_seed)},
      {"training.optimizer", t.optimizer.kind},
      {"training.learning_rate", num(t.optimizer.lr)},
      {"training.momentum", num(t.optimizer.momentum)},
      {"training.weight_decay", num(t.optimizer.weight_decay)},
      {"training.batch_size", std::to_string(t.batch)},
      {"training.epochs", std::to_string(t.epochs)},
      {"training.seed", std::to_string(t.seed)},
      {"training.early_stop_patience", std::to_string(t.early_stop_patience)},
      {"training.early_stop_min_delta", num(t.early_stop_min_delta)},
      {"training.schedule", t.schedule.kind},
      {"training.step_epochs", std::to_string(t.schedule.step_epochs)},
      {"training.gamma", num(t.schedule.gamma)},
      {"data.val_fraction", num(val_percent / 100.0)},
      {"data.normalize", cfg.norm == NormKind::Unit        ? "unit"
                         : cfg.norm == NormKind::Symmetric ? "symmetric"
                                                           : "standard"},
  };
  std::string q;
  for (const auto& [k, v] : kv) q += (q.empty() ? "" : "&") + k + "=" + url_encode(v);
  return q;
}

std::string settings_from_query(const std::string& query_in, RunConfig& cfg, std::string& layers_out, int& val_out,
                                bool& preset_named) {
  std::string query = query_in;
  if (!query.empty() && (query[0] == '#' || query[0] == '?')) query = query.substr(1);
  RunConfig rc = cfg;
  std::string layers = layers_out;
  int val = val_out;
  try {
    if (query.size() > 8192) throw ConfigError("the link is too long");
    std::vector<std::pair<std::string, std::string>> kv;
    std::stringstream ss(query);
    std::string item;
    while (std::getline(ss, item, '&')) {
      if (item.empty()) continue;
      size_t eq = item.find('=');
      if (eq == std::string::npos) throw ConfigError("\"" + url_decode(item) + "\" is not key=value");
      kv.emplace_back(url_decode(item.substr(0, eq)), url_decode(item.substr(eq + 1)));
    }
    // a preset first (it resets the rest), then everything else over it
    for (const auto& [k, v] : kv)
      if (k == "model.preset" && v != "custom" && v != "loaded") {
        rc = RunConfig::from_preset(find_preset(v));
        layers = rc.layers;
      }
    for (const auto& [k, v] : kv) {
      if (k == "model.preset") continue;
      const auto& keys = setting_keys();
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) throw ConfigError("unknown setting \"" + k + "\"");
      apply_setting(rc, k, v);
      if (k == "model.layers") layers = v;
      if (k == "data.val_fraction") val = static_cast<int>(std::lround(rc.val_frac * 100));
    }
    Model probe = Model::from_text(layers, Shape{1, 28, 28}, rc.init_seed);
    if (probe.output_shape().size() != 10) throw ConfigError("the model must end with 10 outputs");
    rc.train.validate(1 << 20);
    if (val > 50) throw ConfigError("validation share above 50%");
  } catch (const std::exception& e) {
    return e.what();
  }
  preset_named = query.find("model.preset=") != std::string::npos;
  cfg = rc;
  layers_out = layers;
  val_out = val;
  return "";
}

}  // namespace bpl::app
