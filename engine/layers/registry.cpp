// The layer registry: one line per layer type. make_layer() is how presets, the CLI,
// model files and the app turn text into layers.
#include "core/error.h"
#include "layers/batchnorm.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/flatten.h"
#include "layers/leaky_relu.h"
#include "layers/pool2d.h"
#include "layers/relu.h"
#include "layers/sigmoid.h"
#include "layers/tanh.h"

namespace bpl {

namespace {

using Factory = std::unique_ptr<Layer> (*)(const LayerSpec&);

struct Entry {
  const char* name;
  Factory make;
  const char* example;  // a small instance, for help texts and the registry-wide tests
};

const std::vector<Entry>& registry() {
  static const std::vector<Entry> r = {
      {"dense", &Dense::from_spec, "dense(5)"},
      {"relu", &ReLU::from_spec, "relu"},
      {"leaky_relu", &LeakyReLU::from_spec, "leaky_relu(0.1)"},
      {"sigmoid", &Sigmoid::from_spec, "sigmoid"},
      {"tanh", &Tanh::from_spec, "tanh"},
      {"conv", &Conv2D::from_spec, "conv(3, 3, pad=1, stride=2)"},
      {"maxpool", &Pool2D::from_spec_max, "maxpool(2)"},
      {"avgpool", &Pool2D::from_spec_avg, "avgpool(2)"},
      {"flatten", &Flatten::from_spec, "flatten"},
      {"dropout", &Dropout::from_spec, "dropout(0.5)"},
      {"batchnorm", &BatchNorm::from_spec, "batchnorm"},
  };
  return r;
}

}  // namespace

std::unique_ptr<Layer> make_layer(const LayerSpec& spec) {
  for (const Entry& e : registry())
    if (spec.name == e.name) return e.make(spec);
  std::string known;
  for (const Entry& e : registry()) known += std::string(known.empty() ? "" : ", ") + e.name;
  throw ConfigError("unknown layer \"" + spec.name + "\" (known: " + known + ")");
}

std::vector<std::string> layer_names() {
  std::vector<std::string> out;
  for (const Entry& e : registry()) out.push_back(e.name);
  return out;
}

std::string layer_example(const std::string& name) {
  for (const Entry& e : registry())
    if (name == e.name) return e.example;
  throw ConfigError("unknown layer \"" + name + "\"");
}

}  // namespace bpl
