// A sequential model: layers applied in order to a batch (one sample per column).
//   build(input, seed)   checks every layer against the shape it receives and initialises
//                        weights from one Rng seeded with `seed` (ConfigError naming the layer)
//   forward(x)           logits; every layer's output is kept (activation(i)) for backward
//                        and for the app's views; x must stay alive until backward. A large
//                        evaluation batch runs in chunks (only its logits are kept whole)
//   backward(dlogits)    fills every Param::grad; the input gradient too when asked
#pragma once

#include "core/init.h"
#include "layers/layer.h"

#include <memory>
#include <string>
#include <vector>

namespace bpl {

struct LayerSummary {
  std::string name;  // "Conv2D 6@5×5 pad valid"
  std::string spec;  // "conv(6, 5)"
  Shape output;
  long params = 0;
};

// Everything a training step changes in a model, in params() / buffers() order: weights,
// optimizer state (m, v) and buffers (running statistics). The trainer's roll-back points and
// the stepper's start state are snapshots.
struct ModelSnapshot {
  std::vector<Matrix> value, m, v, buffers;
};

class Model {
 public:
  static constexpr long kMaxParams = 20'000'000;     // 80 MB of weights
  static constexpr long kMaxActivation = 4'000'000;  // values per image after any layer
  static constexpr int kEvalChunk = 16;              // images per pass when evaluating a large batch

  Model() = default;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;

  // "conv(6,5), relu, maxpool(2), flatten, dense(10)" on a 1×28×28 input, seeded; weight layers
  // without their own init= use default_init (and then name it in spec(), so a file is explicit)
  static Model from_text(const std::string& layers, Shape input, uint64_t seed, Init default_init = Init::Xavier);

  void add(std::unique_ptr<Layer> layer);
  void build(Shape input, uint64_t seed);
  bool built() const { return built_; }

  const Matrix& forward(const Matrix& x, Mode mode);
  void backward(const Matrix& dlogits, bool need_input_grad = false);
  const Matrix& input_grad() const { return input_grad_; }

  std::vector<Param*> params();
  std::vector<Matrix*> buffers();  // every layer's saved non-trainable state
  std::vector<Rng*> rngs();        // every layer's own generator (dropout), in layer order
  ModelSnapshot snapshot();
  void restore(const ModelSnapshot& s);  // ConfigError if the shapes differ
  long param_count();
  std::vector<LayerSummary> summary();
  std::string spec() const;  // layer list text, parseable by from_text

  int size() const { return static_cast<int>(layers_.size()); }
  Layer& layer(int i) { return *layers_[i]; }
  const Layer& layer(int i) const { return *layers_[i]; }
  const Matrix& activation(int i) const { return acts_[i]; }  // output of layer i
  const Matrix& gradient(int i) const { return grads_[i]; }   // ∂L/∂(output of layer i)
  Shape input_shape() const { return input_; }
  Shape output_shape() const { return layers_.empty() ? input_ : layers_.back()->output_shape(); }
  uint64_t seed() const { return seed_; }

  // per-layer timing for `bpl bench` (off by default: two clock reads per layer when on), in
  // seconds of `clock` (the benchmark's), else of the steady clock; forward_ms/backward_ms add up
  void set_profiling(bool on, double (*clock)() = nullptr) {
    profiling_ = on;
    clock_ = clock;
    fwd_ms_.assign(layers_.size(), 0.0);
    bwd_ms_.assign(layers_.size(), 0.0);
  }
  const std::vector<double>& forward_ms() const { return fwd_ms_; }
  const std::vector<double>& backward_ms() const { return bwd_ms_; }

  // FNV-1a over the bits of every weight: equal hashes ⇔ (practically) equal weights; used to
  // check determinism across builds and that a reload restored the same model
  uint64_t weights_hash();

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  const Matrix& forward_chunked(const Matrix& x);
  std::vector<Matrix> acts_, grads_;
  Matrix chunk_, logits_;  // a chunked evaluation's input slice and whole-batch logits
  Matrix input_grad_;
  const Matrix* x_ = nullptr;  // the batch of the last forward (not owned)
  Shape input_{1, 28, 28};
  uint64_t seed_ = 0;
  bool built_ = false;
  bool profiling_ = false;
  double (*clock_)() = nullptr;
  double now_ms() const;
  std::vector<double> fwd_ms_, bwd_ms_;
};

}  // namespace bpl
