// The layer contract. Every layer of Backprop Lab implements exactly this:
//
//   type()            registry key, e.g. "dense"; spec() gives the full text form,
//                     "dense(128)", that make_layer() parses back (save/load, CLI, URL)
//   setup(in, rng)    check that the layer fits input shape `in` (ConfigError with a
//                     learner-readable message if not), allocate and initialise parameters,
//                     remember the shapes; returns the output shape
//   forward(x, y)     y = f(x) for a batch (one sample per column); may keep what backward
//                     needs (argmax of a pool, dropout mask, im2col buffer)
//   backward(x, y, dy, dx)
//                     given ∂L/∂y, write ∂L/∂θ into each Param::grad and, when dx is not
//                     null, ∂L/∂x into *dx. x and y are the same tensors forward saw.
//   params()          the trainable parameters (value + grad + optimizer state)
//   describe()        one line for a model summary, e.g. "Conv2D 6@5×5 stride 1 valid"
//
// Adding a layer = one file pair in engine/layers/, one line in layers/registry.cpp and a
// test in tests/engine/. Buffers are members and keep their capacity between batches, so
// a training step does not allocate once the batch size is steady.
#pragma once

#include "core/param.h"
#include "core/rng.h"
#include "core/tensor.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bpl {

enum class Mode { Train, Eval };

// A layer written as text: name(arg, arg, key=value). Positional and named arguments are
// kept in order; each layer reads the ones it knows and rejects the rest.
struct LayerSpec {
  std::string name;
  std::vector<std::string> args;               // positional
  std::map<std::string, std::string> kwargs;   // key=value
  std::string str() const;
};

class Layer {
 public:
  virtual ~Layer() = default;

  virtual std::string type() const = 0;
  virtual std::string spec() const = 0;
  virtual std::string describe() const = 0;
  virtual Shape setup(const Shape& in, Rng& rng) = 0;
  virtual void forward(const Matrix& x, Matrix& y, Mode mode) = 0;
  virtual void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) = 0;
  virtual std::vector<Param*> params() { return {}; }

  Shape input_shape() const { return in_; }
  Shape output_shape() const { return out_; }
  long param_count() {
    long n = 0;
    for (Param* p : params()) n += p->size();
    return n;
  }

 protected:
  Shape in_, out_;
};

// Parse "conv(6, 5, stride=1, pad=same)" into a LayerSpec (ConfigError on bad syntax).
LayerSpec parse_layer_spec(const std::string& text);
// Split "conv(6,5), relu, maxpool(2)" at top-level commas and parse each.
std::vector<LayerSpec> parse_layer_list(const std::string& text);
// Build a layer from its spec through the registry (ConfigError for unknown names/args).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec);
// Names the registry knows, for help texts.
std::vector<std::string> layer_names();

// Helpers for layers reading their spec arguments with range checks.
int spec_int(const LayerSpec& s, size_t pos, const char* key, int fallback, int lo, int hi);
double spec_double(const LayerSpec& s, size_t pos, const char* key, double fallback, double lo, double hi);
std::string spec_string(const LayerSpec& s, size_t pos, const char* key, const std::string& fallback);
// Refuse arguments a layer does not know: positional beyond max_positional, unknown keys.
void spec_check(const LayerSpec& s, size_t max_positional, const std::vector<std::string>& keys);

}  // namespace bpl
