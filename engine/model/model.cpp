#include "model/model.h"

#include "core/error.h"

#include <chrono>
#include <cstring>

namespace bpl {

Model Model::from_text(const std::string& text, Shape input, uint64_t seed, Init default_init) {
  Model m;
  int i = 0;
  for (LayerSpec& s : parse_layer_list(text)) {
    ++i;
    s.default_init = init_name(default_init);
    try {
      m.add(make_layer(s));
    } catch (const ConfigError& e) {
      throw ConfigError("layer " + std::to_string(i) + " (" + s.str() + "): " + e.what());
    }
  }
  m.build(input, seed);
  return m;
}

void Model::add(std::unique_ptr<Layer> layer) {
  layers_.push_back(std::move(layer));
  built_ = false;
}

void Model::build(Shape input, uint64_t seed) {
  if (layers_.empty()) throw ConfigError("the model has no layers");
  if (input.c < 1 || input.h < 1 || input.w < 1 || input.size() > 4'000'000)
    throw ConfigError("input shape " + input.str() + " is not usable");
  input_ = input;
  seed_ = seed;
  Rng rng(seed);
  Shape s = input;
  long params = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    try {
      s = layers_[i]->setup(s, rng);
      params += layers_[i]->param_count();
      // hard caps, so no layer list (typed, or read from a file) can ask for absurd memory
      if (s.size() > kMaxActivation)
        throw ConfigError("its output of " + std::to_string(s.size()) + " values per image is more than the " +
                          std::to_string(kMaxActivation) + " this lab allows");
      if (params > kMaxParams)
        throw ConfigError("the model would have more than " + std::to_string(kMaxParams) + " parameters");
    } catch (const ConfigError& e) {
      throw ConfigError("layer " + std::to_string(i + 1) + " (" + layers_[i]->spec() + "): " + e.what());
    }
  }
  acts_.assign(layers_.size(), Matrix());
  fwd_ms_.assign(layers_.size(), 0.0);
  bwd_ms_.assign(layers_.size(), 0.0);
  grads_.assign(layers_.size(), Matrix());
  x_ = nullptr;
  built_ = true;
}

double Model::now_ms() const {
  if (clock_) return 1000.0 * clock_();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const Matrix& Model::forward(const Matrix& x, Mode mode) {
  if (!built_) throw ConfigError("the model is not built");
  if (x.rows() != input_.size())
    throw ConfigError("input has " + std::to_string(x.rows()) + " values per sample, the model expects " +
                      std::to_string(input_.size()) + " (" + input_.str() + ")");
  if (mode == Mode::Eval && x.cols() > kEvalChunk) return forward_chunked(x);
  x_ = &x;
  const Matrix* in = &x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const double t0 = profiling_ ? now_ms() : 0.0;
    layers_[i]->forward(*in, acts_[i], mode);  // a_i = f_i(a_{i−1})
    if (profiling_) fwd_ms_[i] += now_ms() - t0;
    in = &acts_[i];
  }
  return acts_.back();
}

// Evaluation of a large batch, kEvalChunk images at a time: every layer's buffers (a convolution's
// im2col matrix is ~58 KB per image for LeNet-5's first layer) stay cache-sized, so a batch of 256
// is not slower per image than one image at a time. The logits are kept for the whole batch;
// activation(i) then holds the last chunk, and there is nothing to run backward through.
const Matrix& Model::forward_chunked(const Matrix& x) {
  const Eigen::Index B = x.cols();
  logits_.resize(output_shape().size(), B);
  for (Eigen::Index s = 0; s < B; s += kEvalChunk) {
    const Eigen::Index n = std::min<Eigen::Index>(kEvalChunk, B - s);
    chunk_ = x.middleCols(s, n);
    const Matrix* in = &chunk_;
    for (size_t i = 0; i < layers_.size(); ++i) {
      const double t0 = profiling_ ? now_ms() : 0.0;
      // nothing is kept for backward (there is none); a layer followed by ReLU may apply it as it
      // writes, and a max pooling after that may be taken before anything is stored (the
      // pooling's output then)
      const bool relu = i + 1 < layers_.size() && layers_[i + 1]->is_rectifier();
      const int pool = relu && i + 2 < layers_.size() ? layers_[i + 2]->max_pool_size() : 0;
      int fused = 0;  // layers after i whose work layer i did
      if (pool && layers_[i]->infer_relu_pool(*in, pool, acts_[i + 2]))
        fused = 2;
      else if (relu && layers_[i]->infer_relu(*in, acts_[i + 1]))
        fused = 1;
      else
        layers_[i]->infer(*in, acts_[i]);
      if (profiling_) fwd_ms_[i] += now_ms() - t0;
      i += fused;
      in = &acts_[i];
    }
    logits_.middleCols(s, n) = acts_.back();
  }
  x_ = nullptr;
  return logits_;
}

void Model::backward(const Matrix& dlogits, bool need_input_grad) {
  if (!x_) throw ConfigError("backward before forward");
  if (dlogits.rows() != acts_.back().rows() || dlogits.cols() != acts_.back().cols())
    throw ConfigError("backward: gradient shape does not match the last forward");
  grads_.back() = dlogits;
  for (int i = static_cast<int>(layers_.size()) - 1; i >= 0; --i) {
    const Matrix& xin = i == 0 ? *x_ : acts_[i - 1];
    // the first layer's ∂L/∂x is only needed for saliency and input-gradient checks
    Matrix* dx = i == 0 ? (need_input_grad ? &input_grad_ : nullptr) : &grads_[i - 1];
    const double t0 = profiling_ ? now_ms() : 0.0;
    layers_[i]->backward(xin, acts_[i], grads_[i], dx);  // chain rule, layer by layer
    if (profiling_) bwd_ms_[i] += now_ms() - t0;
  }
}

std::vector<Param*> Model::params() {
  std::vector<Param*> out;
  for (auto& l : layers_)
    for (Param* p : l->params()) out.push_back(p);
  return out;
}

std::vector<Rng*> Model::rngs() {
  std::vector<Rng*> out;
  for (auto& l : layers_)
    if (Rng* r = l->rng()) out.push_back(r);
  return out;
}

std::vector<Matrix*> Model::buffers() {
  std::vector<Matrix*> out;
  for (auto& l : layers_)
    for (Matrix* b : l->buffers()) out.push_back(b);
  return out;
}

ModelSnapshot Model::snapshot() {
  ModelSnapshot s;
  for (Param* p : params()) {
    s.value.push_back(p->value);
    s.m.push_back(p->m);
    s.v.push_back(p->v);
  }
  for (Matrix* b : buffers()) s.buffers.push_back(*b);
  return s;
}

void Model::restore(const ModelSnapshot& s) {
  auto ps = params();
  auto bs = buffers();
  if (s.value.size() != ps.size() || s.buffers.size() != bs.size())
    throw ConfigError("the model changed since the snapshot was taken");
  for (size_t i = 0; i < ps.size(); ++i)
    if (s.value[i].rows() != ps[i]->value.rows() || s.value[i].cols() != ps[i]->value.cols())
      throw ConfigError("the model changed since the snapshot was taken");
  for (size_t i = 0; i < bs.size(); ++i)
    if (s.buffers[i].rows() != bs[i]->rows() || s.buffers[i].cols() != bs[i]->cols())
      throw ConfigError("the model changed since the snapshot was taken");
  for (size_t i = 0; i < ps.size(); ++i) {
    ps[i]->value = s.value[i];
    ps[i]->m = s.m[i];
    ps[i]->v = s.v[i];
  }
  for (size_t i = 0; i < bs.size(); ++i) *bs[i] = s.buffers[i];
}

long Model::param_count() {
  long n = 0;
  for (auto& l : layers_) n += l->param_count();
  return n;
}

std::vector<LayerSummary> Model::summary() {
  std::vector<LayerSummary> out;
  for (auto& l : layers_) out.push_back({l->describe(), l->spec(), l->output_shape(), l->param_count()});
  return out;
}

std::string Model::spec() const {
  std::string s;
  for (const auto& l : layers_) s += (s.empty() ? "" : ", ") + l->spec();
  return s;
}

uint64_t Model::weights_hash() {
  uint64_t h = 1469598103934665603ULL;
  for (Param* p : params())
    for (Eigen::Index i = 0; i < p->value.size(); ++i) {
      uint32_t bits;
      std::memcpy(&bits, p->value.data() + i, 4);
      for (int k = 0; k < 4; ++k) {
        h ^= (bits >> (8 * k)) & 0xFF;
        h *= 1099511628211ULL;
      }
    }
  return h;
}

}  // namespace bpl
