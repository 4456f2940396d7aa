#include "io/settings.h"

#include "core/format.h"

#include "core/error.h"
#include "layers/layer.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace bpl {

namespace {

// Largest seed: seeds travel through the UI's int fields, so they stay below 2³¹.
constexpr double kMaxSeed = 2147483647.0;

// Reference accessors: one lambda names the field, get and set are made from it.
template <class T>
using Ref = T& (*)(RunConfig&);

// The field of a const config: the accessor only reads it here.
template <class T>
const T& read(Ref<T> ref, const RunConfig& rc) {
  return ref(const_cast<RunConfig&>(rc));
}

Setting entry(const char* key, const char* flag, SettingType type, const char* label, const char* help,
              const char* example) {
  Setting s;
  s.key = key;
  s.flag = flag;
  s.type = type;
  s.label = label;
  s.help = help;
  s.example = example;
  return s;
}

Setting int_setting(const char* key, const char* flag, int lo, int hi, Ref<int> ref, const char* label,
                    const char* help, const char* example, double step = 1, double step_fast = 10) {
  Setting s = entry(key, flag, SettingType::Int, label, help, example);
  s.min = lo;
  s.max = hi;
  s.slider_min = lo;
  s.slider_max = hi;
  s.step = step;
  s.step_fast = step_fast;
  s.get = [ref](const RunConfig& rc) { return std::to_string(read(ref, rc)); };
  s.set = [ref](RunConfig& rc, const std::string& v) {
    ref(rc) = static_cast<int>(std::strtol(v.c_str(), nullptr, 10));
  };
  return s;
}

Setting seed_setting(const char* key, const char* flag, Ref<uint64_t> ref, const char* label, const char* help,
                     const char* example) {
  Setting s = entry(key, flag, SettingType::Seed, label, help, example);
  s.min = 0;
  s.max = kMaxSeed;
  s.slider_min = 0;
  s.slider_max = kMaxSeed;
  s.get = [ref](const RunConfig& rc) { return std::to_string(read(ref, rc)); };
  s.set = [ref](RunConfig& rc, const std::string& v) { ref(rc) = std::strtoull(v.c_str(), nullptr, 10); };
  return s;
}

Setting double_setting(const char* key, const char* flag, double lo, double hi, bool lo_open, Ref<double> ref,
                       const char* label, const char* help, const char* example, bool log_scale = false,
                       double slider_min = 0, double slider_max = 0) {
  Setting s = entry(key, flag, SettingType::Double, label, help, example);
  s.min = lo;
  s.max = hi;
  s.min_open = lo_open;
  s.log_scale = log_scale;
  s.slider_min = slider_min > 0 ? slider_min : lo;
  s.slider_max = slider_max > 0 ? slider_max : hi;
  s.get = [ref](const RunConfig& rc) { return exact_number(read(ref, rc)); };
  s.set = [ref](RunConfig& rc, const std::string& v) { ref(rc) = std::strtod(v.c_str(), nullptr); };
  return s;
}

Setting bool_setting(const char* key, const char* flag, Ref<bool> ref, const char* label, const char* help,
                     const char* example) {
  Setting s = entry(key, flag, SettingType::Bool, label, help, example);
  s.choices = {"true", "false"};
  s.get = [ref](const RunConfig& rc) { return std::string(read(ref, rc) ? "true" : "false"); };
  s.set = [ref](RunConfig& rc, const std::string& v) { ref(rc) = v == "true" || v == "1" || v == "yes" || v == "on"; };
  return s;
}

// A choice among the names of an enum: `all` lists the values, `name_of` and `parse` convert.
template <class E>
Setting enum_setting(const char* key, const char* flag, const std::vector<E>& all, const char* (*name_of)(E),
                     E (*parse)(const std::string&), Ref<E> ref, const char* label, const char* help,
                     const char* example) {
  Setting s = entry(key, flag, SettingType::Choice, label, help, example);
  for (E e : all) s.choices.push_back(name_of(e));
  s.get = [ref, name_of](const RunConfig& rc) { return std::string(name_of(read(ref, rc))); };
  s.set = [ref, parse](RunConfig& rc, const std::string& v) { ref(rc) = parse(v); };
  return s;
}

const char* norm_name(NormKind k) {
  switch (k) {
    case NormKind::Unit:
      return "unit";
    case NormKind::Symmetric:
      return "symmetric";
    case NormKind::Standard:
      return "standard";
  }
  return "?";
}

std::vector<Setting> build() {
  std::vector<Setting> t;
  // [model]
  {
    Setting s = entry("model.preset", "preset", SettingType::Choice, "preset",
                      "the run starts from this preset (see `bpl presets`); the other settings override it", "r3-mlp");
    for (const Preset& p : presets()) s.choices.push_back(p.name);
    s.get = [](const RunConfig& rc) { return rc.preset; };
    s.set = [](RunConfig& rc, const std::string& v) { rc = RunConfig::from_preset(find_preset(v)); };
    t.push_back(s);
  }
  {
    Setting s = entry(
        "model.layers", "model", SettingType::Text, "layers",
        "the model as text: dense(units), relu, sigmoid, tanh, conv(filters, k, stride=, "
        "pad=valid|same|N), maxpool(k), avgpool(k), flatten, dropout(p); dense and conv take init=xavier|he|pytorch",
        "dense(64), tanh, dense(10)");
    s.get = [](const RunConfig& rc) { return rc.layers; };
    s.set = [](RunConfig& rc, const std::string& v) {
      parse_layer_list(v);  // refuses a bad list before it is stored
      rc.layers = v;
    };
    t.push_back(s);
  }
  t.push_back(enum_setting<Init>(
      "model.init", "init", inits(), init_name, parse_init, [](RunConfig& r) -> Init& { return r.init; },
      "initialisation",
      "weights of the layers without their own init=: xavier U(±√(6/(in+out))), he N(0, 2/in), or pytorch "
      "(PyTorch's default for Linear and Conv2d: weights and biases U(±1/√in))",
      "pytorch"));
  t.push_back(seed_setting(
      "model.init_seed", "init-seed", [](RunConfig& r) -> uint64_t& { return r.init_seed; }, "seed",
      "seed of the weight initialisation: the same seed gives the same initial weights everywhere", "7"));
  // [training]
  t.push_back(int_setting(
      "training.epochs", "epochs", 0, 10000, [](RunConfig& r) -> int& { return r.train.epochs; }, "epochs",
      "passes over the training images the run makes in all; with --load the run goes on until it has this many "
      "(it counts the file's epochs); 0 with --save writes the untrained model",
      "3", 1, 5));
  t.push_back(int_setting(
      "training.batch_size", "batch", 1, 4096, [](RunConfig& r) -> int& { return r.train.batch; }, "batch size",
      "images per mini-batch: one gradient step per batch", "64", 1, 16));
  t.push_back(double_setting(
      "training.learning_rate", "lr", 0.0, 10.0, true, [](RunConfig& r) -> double& { return r.train.optimizer.lr; },
      "learning rate η", "step size η of every update", "0.05", true, 1e-5));
  t.push_back(enum_setting<OptimizerKind>(
      "training.optimizer", "optimizer", optimizer_kinds(), kind_name, parse_optimizer_kind,
      [](RunConfig& r) -> OptimizerKind& { return r.train.optimizer.kind; }, "optimizer",
      "SGD: θ ← θ − η·g.  Momentum: v ← μv + g, θ ← θ − η·v.  Nesterov looks ahead: θ ← θ − η(g + μv).  "
      "Adam keeps running means of g and g² and steps by η·m̂/(√v̂ + ε).",
      "adam"));
  t.push_back(enum_setting<Reduction>(
      "training.reduction", "reduction", reductions(), reduction_name, parse_reduction,
      [](RunConfig& r) -> Reduction& { return r.train.optimizer.reduction; }, "loss over the batch",
      "the batch's loss (and so its gradient) is the mean of the images' losses, ∂L/∂z = (ŷ − y)/B, or their sum "
      "(R1's NumPy code), ∂L/∂z = ŷ − y: B times larger steps at the same learning rate",
      "sum"));
  t.push_back(double_setting(
      "training.momentum", "momentum", 0.0, 0.999, false,
      [](RunConfig& r) -> double& { return r.train.optimizer.momentum; }, "momentum μ",
      "momentum μ of the momentum and Nesterov optimizers", "0.8"));
  t.push_back(double_setting(
      "training.beta1", "beta1", 0.0, 0.999999, false, [](RunConfig& r) -> double& { return r.train.optimizer.beta1; },
      "Adam β₁", "Adam: decay β₁ of the running mean of the gradient, m ← β₁m + (1−β₁)g", "0.8"));
  t.push_back(double_setting(
      "training.beta2", "beta2", 0.0, 0.999999, false, [](RunConfig& r) -> double& { return r.train.optimizer.beta2; },
      "Adam β₂", "Adam: decay β₂ of the running mean of the squared gradient, v ← β₂v + (1−β₂)g²", "0.99"));
  t.push_back(double_setting(
      "training.epsilon", "eps", 0.0, 0.1, true, [](RunConfig& r) -> double& { return r.train.optimizer.eps; },
      "Adam ε", "Adam: ε in θ ← θ − η·m̂ / (√v̂ + ε), keeps the step finite where v̂ ≈ 0", "1e-07", true, 1e-10));
  t.push_back(double_setting(
      "training.weight_decay", "weight-decay", 0.0, 0.999, false,
      [](RunConfig& r) -> double& { return r.train.optimizer.weight_decay; }, "weight decay λ",
      "L2 weight decay λ on the weights (not the biases): g = ∂L/∂θ + λ·θ", "0.0005", true, 0, 0.1));
  t.push_back(int_setting(
      "training.early_stop_patience", "early-stop", 0, 1000,
      [](RunConfig& r) -> int& { return r.train.early_stop_patience; }, "patience (0 = off)",
      "early stopping: stop after this many epochs without a validation-loss improvement (0 = off)", "3", 1, 5));
  t.push_back(double_setting(
      "training.early_stop_min_delta", "min-delta", 0.0, 100.0, false,
      [](RunConfig& r) -> double& { return r.train.early_stop_min_delta; }, "min delta",
      "early stopping: a validation-loss drop smaller than this is no improvement", "0.001", true, 0, 0.1));
  t.push_back(bool_setting(
      "training.restore_best", "restore-best", [](RunConfig& r) -> bool& { return r.train.restore_best; },
      "restore the best epoch", "after early stopping, go back to the weights of the best epoch", "false"));
  t.push_back(enum_setting<ScheduleKind>(
      "training.schedule", "schedule", schedule_kinds(), kind_name, parse_schedule_kind,
      [](RunConfig& r) -> ScheduleKind& { return r.train.schedule.kind; }, "lr schedule",
      "learning-rate schedule: none, step decay (× gamma every N epochs) or reduce on plateau", "step"));
  t.push_back(int_setting(
      "training.step_epochs", "step-epochs", 1, 10000,
      [](RunConfig& r) -> int& { return r.train.schedule.step_epochs; }, "every N epochs",
      "step schedule: decay the learning rate every N epochs", "2", 1, 5));
  t.push_back(double_setting(
      "training.gamma", "gamma", 0.0, 1.0, true, [](RunConfig& r) -> double& { return r.train.schedule.gamma; },
      "× gamma", "step schedule: multiply the learning rate by gamma", "0.3", true, 0.01));
  t.push_back(int_setting(
      "training.plateau_patience", "plateau-patience", 1, 1000,
      [](RunConfig& r) -> int& { return r.train.schedule.plateau_patience; }, "plateau patience",
      "plateau schedule: epochs without a validation-loss improvement before the learning rate drops", "4", 1, 5));
  t.push_back(double_setting(
      "training.plateau_factor", "plateau-factor", 0.0, 0.999, true,
      [](RunConfig& r) -> double& { return r.train.schedule.plateau_factor; }, "× factor",
      "plateau schedule: multiply the learning rate by this factor", "0.25", true, 0.01));
  t.push_back(double_setting(
      "training.min_lr", "min-lr", 0.0, 1.0, false, [](RunConfig& r) -> double& { return r.train.schedule.min_lr; },
      "min lr", "plateau schedule: the learning rate never drops below this", "0.0001", true));
  t.push_back(seed_setting(
      "training.seed", "seed", [](RunConfig& r) -> uint64_t& { return r.train.seed; }, "shuffle seed",
      "seed of the validation split and the shuffling order", "11"));
  // [data]
  t.push_back(int_setting(
      "data.subset", "subset", 0, 10000000, [](RunConfig& r) -> int& { return r.subset; }, "subset",
      "use only the first N training images (0 = all)", "2000", 100, 1000));
  t.push_back(double_setting(
      "data.val_fraction", "val", 0.0, 0.5, false, [](RunConfig& r) -> double& { return r.val_frac; },
      "validation share",
      "share of the training images held out to measure generalisation after each epoch (the test images are "
      "never trained on)",
      "0.2"));
  t.push_back(double_setting(
      "data.test_fraction", "test-frac", 0.0, 0.9, false, [](RunConfig& r) -> double& { return r.test_frac; },
      "test share", "take this share of the training file as the test set (R4) instead of the test file", "0.1"));
  t.push_back(int_setting(
      "data.test_subset", "test-subset", 0, 10000000, [](RunConfig& r) -> int& { return r.test_subset; }, "test subset",
      "evaluate on the first N test images (0 = all)", "500", 100, 1000));
  {
    Setting s = entry("data.normalize", "normalize", SettingType::Choice, "normalisation",
                      "pixel normalisation: unit [0, 1], symmetric [−1, 1], or standard (mean 0, std 1 over the "
                      "training split)",
                      "standard");
    s.choices = {"unit", "symmetric", "standard"};
    s.get = [](const RunConfig& rc) { return std::string(norm_name(rc.norm)); };
    s.set = [](RunConfig& rc, const std::string& v) { rc.norm = parse_norm(v); };
    t.push_back(s);
  }
  return t;
}

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

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

const char* setting_type_name(SettingType t) {
  switch (t) {
    case SettingType::Int:
      return "int";
    case SettingType::Double:
      return "number";
    case SettingType::Bool:
      return "bool";
    case SettingType::Choice:
      return "choice";
    case SettingType::Text:
      return "text";
    case SettingType::Seed:
      return "seed";
  }
  return "?";
}

std::string Setting::range_text() const {
  switch (type) {
    case SettingType::Int:
    case SettingType::Seed:
      return "[" + std::to_string(static_cast<long long>(min)) + ", " + std::to_string(static_cast<long long>(max)) +
             "]";
    case SettingType::Double:
      return (min_open ? "(" : "[") + exact_number(min) + ", " + exact_number(max) + "]";
    case SettingType::Bool:
    case SettingType::Choice:
      return join(choices, " | ");
    case SettingType::Text:
      return "layer list";
  }
  return "";
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = build();
  return table;
}

const Setting* find_setting(const std::string& key) {
  for (const Setting& s : settings())
    if (s.key == key) return &s;
  return nullptr;
}

const Setting* find_setting_by_flag(const std::string& flag) {
  for (const Setting& s : settings())
    if (s.flag == flag) return &s;
  return nullptr;
}

void apply_setting(RunConfig& rc, const Setting& s, const std::string& v) {
  const std::string& key = s.key;
  auto out_of_range = [&] { throw ConfigError(key + " = " + v + " is out of range " + s.range_text()); };
  switch (s.type) {
    case SettingType::Int:
    case SettingType::Seed: {
      // strtoll: a seed's or a count's text, whole and within the range
      char* end = nullptr;
      errno = 0;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || errno == ERANGE)
        throw ConfigError(key + " must be a whole number, got \"" + v + "\"");
      if (n < s.min || n > s.max) out_of_range();
      break;
    }
    case SettingType::Double: {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') throw ConfigError(key + " must be a number, got \"" + v + "\"");
      if (!(s.min_open ? d > s.min : d >= s.min) || !(d <= s.max)) out_of_range();  // NaN fails both
      break;
    }
    case SettingType::Bool:
      if (v != "true" && v != "1" && v != "yes" && v != "on" && v != "false" && v != "0" && v != "no" && v != "off")
        throw ConfigError(key + " must be true or false, got \"" + v + "\"");
      break;
    case SettingType::Choice:
    case SettingType::Text: {
      // the setter refuses a bad name or layer list; say which key it was
      RunConfig probe = rc;
      try {
        s.set(probe, v);
      } catch (const std::exception& e) {
        throw ConfigError(key + " = \"" + v + "\": " + e.what());
      }
      rc = probe;
      return;
    }
  }
  s.set(rc, v);
}

std::string settings_query(const RunConfig& rc) {
  std::string q;
  for (const Setting& s : settings()) q += (q.empty() ? "" : "&") + s.key + "=" + url_encode(s.get(rc));
  return q;
}

void apply_settings_query(RunConfig& rc_io, const std::string& query_in) {
  std::string query = query_in;
  if (!query.empty() && (query[0] == '#' || query[0] == '?')) query = query.substr(1);
  if (query.size() > 8192) throw ConfigError("the link is too long");
  std::vector<std::pair<std::string, std::string>> kv;
  std::stringstream ss(query);
  std::string item;
  while (std::getline(ss, item, '&')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw ConfigError("\"" + url_decode(item) + "\" is not key=value");
    kv.emplace_back(url_decode(item.substr(0, eq)), url_decode(item.substr(eq + 1)));
  }
  RunConfig rc = rc_io;
  // a preset first (it resets the rest), then everything else over it
  for (const auto& [k, v] : kv) {
    if (k != "model.preset") continue;
    if (v == "custom" || v == "loaded")
      rc.preset = v;  // the app's names for "no preset"
    else
      apply_setting(rc, k, v);
  }
  for (const auto& [k, v] : kv) {
    if (k == "model.preset") continue;
    const Setting* s = find_setting(k);
    if (!s) throw ConfigError("unknown setting \"" + k + "\"");
    apply_setting(rc, *s, v);
  }
  rc_io = rc;
}

RunConfig resolve_run_config(const std::map<std::string, std::string>& ini,
                             const std::map<std::string, std::string>& flags) {
  std::string preset = kDefaultPreset;
  for (const auto* src : {&ini, &flags}) {
    auto it = src->find("model.preset");
    if (it != src->end()) preset = it->second;
  }
  RunConfig rc;
  apply_setting(rc, "model.preset", preset);
  for (const auto* src : {&ini, &flags})
    for (const auto& [k, v] : *src)
      if (k != "model.preset") apply_setting(rc, k, v);
  return rc;
}

std::string settings_markdown() {
  const RunConfig d = RunConfig::from_preset(find_preset(kDefaultPreset));
  std::string md = "| key | flag | type | allowed | default | meaning |\n|---|---|---|---|---|---|\n";
  auto cell = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (const Setting& s : settings()) {
    std::string def = s.get(d);
    md += "| `" + s.key + "` | `--" + s.flag + "` | " + setting_type_name(s.type) + " | " + cell(s.range_text()) +
          " | " + (def.empty() ? "" : "`" + cell(def) + "`") + " | " + cell(s.help) + " |\n";
  }
  return md;
}

}  // namespace bpl
