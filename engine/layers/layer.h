// The layer contract. Every layer of Backprop Lab implements exactly this, in its own file
// pair under engine/layers/, plus one line in layers/registry.cpp and its test:
//
// The maths
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
//   forward_reference / backward_reference
//                     the same maths as plain loops over the equation's indices, readable
//                     next to the equations (the fast path is tested against them); layers
//                     whose fast path already is that loop need not override them
//   params()          the trainable parameters (value + grad + optimizer state)
//   buffers()         state that is not trained but saved with the model (running statistics)
//   flops(batch)      floating-point operations of one forward pass (a multiply-add = 2)
//   infer(x, y)       y = f(x) for evaluation only, keeping nothing for backward (a large
//                     evaluation batch: Model::forward_chunked); forward(x, y, Eval) unless
//                     a layer has a leaner way (max pooling without its winners)
//   infer_relu(x, y)  y = max(0, f(x)) in one pass, for a layer followed by ReLU
//                     (is_rectifier()) in an evaluation batch; false: the layer cannot
//   infer_relu_pool(x, k, y)
//                     y = k×k max pooling (stride k) of max(0, f(x)) in one pass, for a layer
//                     followed by ReLU and a max pooling whose max_pool_size() is k; false:
//                     the layer cannot
//
// The lesson (what the stepper, the panels and the CLI ask a layer, never its type)
//   describe()        one line for a model summary, e.g. "Conv2D 6@5×5 stride 1 valid"
//   kind()            a short name for the network strip, e.g. "Conv"
//   symbol()          the letter of its output in the stepper, e.g. z (weighted sums), a
//                     (activations), p (pooled), f (flat), d (dropped)
//   param_roles()     for each parameter: its name ("W"), role ("weights") and how to lay it
//                     out on screen (matrix, kernels, vector)
//   lesson(names)     the forward and backward equations in the stepper's names (padding and
//                     stride where they apply) and one sentence on each
//   explain_forward(v, s, k) / explain_backward(v, what, s, k)
//                     the chain-rule story of one value it writes (output k, ∂L/∂x k, or
//                     element k of ∂L/∂θ), with the real operands as an Explanation whose
//                     arithmetic adds up
//   backward_reads_output()  the output is an operand of the derivative (sigmoid, tanh)
//   hold_randomness(on), winners()
//                     for the stepper's re-runs: freeze random masks; which input won each
//                     output (max pooling), or null
//   rng()             the layer's own generator (dropout's masks) or null: a model file saves
//                     its state so a resumed run draws the masks it would have drawn
//
// Buffers are members and keep their capacity between batches, so a training step does not
// allocate once the batch size is steady.
#pragma once

#include "core/explain.h"
#include "core/param.h"
#include "core/rng.h"
#include "core/tensor.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bpl {

enum class Mode { Train, Eval };

// How a parameter is laid out on screen (the stepper, the filters view).
enum class ParamLayout {
  Matrix,   // rows × cols (a dense layer's W)
  Kernels,  // rows × (cin·kh·kw), shown as rows × cin kernels of kh × kw (a conv layer's W)
  Vector,   // n × 1 (biases, per-channel scales)
};

struct ParamRole {
  std::string name;  // "W", "b", "γ", "β": the stepper's name (layer number appended)
  std::string role;  // "weights", "biases", "scale", "shift"
  ParamLayout layout = ParamLayout::Vector;
  int cin = 1, kh = 1, kw = 1;   // Kernels only
  bool read_by_backward = true;  // backward multiplies by it (weights, γ), or not (biases, β)
};
// a parameter backward does not read: a bias or a shift, n × 1
inline ParamRole additive_role(const char* name, const char* role) {
  ParamRole r{name, role, ParamLayout::Vector};
  r.read_by_backward = false;
  return r;
}

// The stepper's names of one layer's tensors: x = "a²", y = "z³", layer number L = "³".
struct TensorNames {
  std::string x, y, L;
  std::string dx() const { return "∂L/∂" + x; }
  std::string dy() const { return "∂L/∂" + y; }
};

// The values of one traced training step that a layer's explanations read. Every batched
// matrix has one sample per column. w[i] and dw[i] follow params(); names of the parameters
// as the stepper prints them (e.g. "W³") in param_names.
struct StepValues {
  const Matrix& x;   // input
  const Matrix& y;   // output
  const Matrix& dy;  // ∂L/∂y
  const Matrix& dx;  // ∂L/∂x (may be empty for the first layer)
  std::vector<const Matrix*> w, dw;
  TensorNames names;
  std::vector<std::string> param_names;
  int batch = 1;
  // "z³[2, 11, 5]" for value k of the input / output (index labels in the layer's shapes)
  std::string x_at(long k) const;
  std::string y_at(long k) const;
  std::string dx_at(long k) const { return "∂L/∂" + x_at(k); }
  std::string dy_at(long k) const { return "∂L/∂" + y_at(k); }
  Shape in, out;
};

// A layer written as text: name(arg, arg, key=value). Positional and named arguments are
// kept in order; each layer reads the ones it knows and rejects the rest.
struct LayerSpec {
  std::string name;
  std::vector<std::string> args;              // positional
  std::map<std::string, std::string> kwargs;  // key=value
  std::string default_init = "xavier";        // init= of a weight layer that names none (not printed)
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
  virtual void infer(const Matrix& x, Matrix& y) { forward(x, y, Mode::Eval); }
  virtual bool infer_relu(const Matrix&, Matrix&) { return false; }
  virtual bool infer_relu_pool(const Matrix&, int, Matrix&) { return false; }
  virtual bool is_rectifier() const { return false; }  // y = max(0, x): ReLU
  virtual int max_pool_size() const { return 0; }      // k of k×k max pooling with stride k, else 0
  virtual std::vector<Param*> params() { return {}; }
  virtual std::vector<Matrix*> buffers() { return {}; }
  virtual void forward_reference(const Matrix& x, Matrix& y, Mode mode) { forward(x, y, mode); }
  virtual void backward_reference(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) {
    backward(x, y, dy, dx);
  }
  virtual double flops(int batch) const { return static_cast<double>(out_.size()) * batch; }

  // ---- the lesson
  virtual std::string kind() const = 0;
  virtual std::string symbol() const { return "a"; }
  virtual std::vector<ParamRole> param_roles() const { return {}; }
  virtual Lesson lesson(const TensorNames& n) const = 0;
  virtual Explanation explain_forward(const StepValues& v, int sample, long k) const = 0;
  // what: −1 for ∂L/∂x, else the index of the parameter whose gradient holds value k
  virtual Explanation explain_backward(const StepValues& v, int what, int sample, long k) const = 0;
  // backward reads its own output (σ′ = a(1 − a), tanh′ = 1 − a²) besides its input: the stepper shows it
  virtual bool backward_reads_output() const { return false; }
  virtual void hold_randomness(bool) {}
  virtual Rng* rng() { return nullptr; }
  virtual const Eigen::MatrixXi* winners() const { return nullptr; }

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

// "{} · {} + {} · {} + …" for n terms (products: pairs of operands), for short sums in explanations
std::string sum_pattern(int n, bool products);
// Sums longer than this are explained by their value and their largest term, not term by term.
constexpr int kMaxExplainedTerms = 9;

// A sum of products a·b that an explanation shows: term by term when it is short, else its
// value and its largest term. `tail` adds operands after the sum (e.g. " + {}" and a bias).
struct ProductSum {
  double total = 0;
  std::vector<double> operands;     // a₀, b₀, a₁, b₁, …
  std::vector<std::string> labels;  // "W³[4, 17] · a²[17]" per term
  int largest = -1;
  void add(double a, double b, std::string label);
  int terms() const { return static_cast<int>(labels.size()); }
  Explanation& explain(Explanation& e, const std::string& lhs, double result, const std::string& tail = "",
                       const std::vector<double>& tail_operands = {}) const;
};

// Parse "conv(6, 5, stride=1, pad=same)" into a LayerSpec (ConfigError on bad syntax).
LayerSpec parse_layer_spec(const std::string& text);
// Split "conv(6,5), relu, maxpool(2)" at top-level commas and parse each.
std::vector<LayerSpec> parse_layer_list(const std::string& text);
// Build a layer from its spec through the registry (ConfigError for unknown names/args).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec);
// Names the registry knows, for help texts, and a small example of each ("dense(5)").
std::vector<std::string> layer_names();
std::string layer_example(const std::string& name);

// Helpers for layers reading their spec arguments with range checks.
int spec_int(const LayerSpec& s, size_t pos, const char* key, int fallback, int lo, int hi);
double spec_double(const LayerSpec& s, size_t pos, const char* key, double fallback, double lo, double hi);
std::string spec_string(const LayerSpec& s, size_t pos, const char* key, const std::string& fallback);
// Refuse arguments a layer does not know: positional beyond max_positional, unknown keys.
void spec_check(const LayerSpec& s, size_t max_positional, const std::vector<std::string>& keys);

}  // namespace bpl
