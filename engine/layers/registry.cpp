// The layer registry: one line per layer type. make_layer() is how presets, the CLI,
// model files and the app turn text into layers.
#include "core/error.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/flatten.h"
#include "layers/pool2d.h"
#include "layers/relu.h"
#include "layers/sigmoid.h"
#include "layers/tanh.h"

namespace bpl {

namespace {

using Factory = std::unique_ptr<Layer> (*)(const LayerSpec&);

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> r = {
      {"dense", &Dense::from_spec},
      {"relu", &ReLU::from_spec},
      {"sigmoid", &Sigmoid::from_spec},
      {"tanh", &Tanh::from_spec},
      {"conv", &Conv2D::from_spec},
      {"maxpool", &Pool2D::from_spec_max},
      {"avgpool", &Pool2D::from_spec_avg},
      {"flatten", &Flatten::from_spec},
      {"dropout", &Dropout::from_spec},
  };
  return r;
}

}  // namespace

std::unique_ptr<Layer> make_layer(const LayerSpec& spec) {
  for (const auto& [name, factory] : registry())
    if (name == spec.name) return factory(spec);
  std::string known;
  for (const auto& [name, f] : registry()) known += (known.empty() ? "" : ", ") + name;
  throw ConfigError("unknown layer \"" + spec.name + "\" (known: " + known + ")");
}

std::vector<std::string> layer_names() {
  std::vector<std::string> out;
  for (const auto& [name, f] : registry()) out.push_back(name);
  return out;
}

}  // namespace bpl
