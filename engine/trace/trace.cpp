#include "trace/trace.h"

#include "core/error.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/pool2d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl {

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::Forward: return "forward";
    case OpKind::Loss: return "loss";
    case OpKind::LossBackward: return "loss gradient";
    case OpKind::Backward: return "backward";
    case OpKind::Update: return "update";
  }
  return "?";
}

namespace {

std::string sup(int n) {
  static const char* d[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string digits = std::to_string(n), s;
  for (char c : digits) s += d[c - '0'];
  return s;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

// the symbol of a layer's output: pre-activations z, activations a, pooled p, flat f, dropped d
std::string symbol(const std::string& type) {
  if (type == "dense" || type == "conv") return "z";
  if (type == "maxpool" || type == "avgpool") return "p";
  if (type == "flatten") return "f";
  if (type == "dropout") return "d";
  return "a";
}

std::string join_idx(std::initializer_list<int> v) {
  std::string s = "[";
  bool first = true;
  for (int i : v) {
    s += (first ? "" : ", ") + std::to_string(i);
    first = false;
  }
  return s + "]";
}

}  // namespace

Trace::Trace() = default;
Trace::~Trace() = default;
Trace::Trace(Trace&&) noexcept = default;
Trace& Trace::operator=(Trace&&) noexcept = default;

int Trace::add_tensor(TraceTensor t) {
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size()) - 1;
}

int Trace::first_op(OpKind k) const {
  for (size_t i = 0; i < ops_.size(); ++i)
    if (ops_[i].kind == k) return static_cast<int>(i);
  return -1;
}

void Trace::capture(Model& model, const OptimizerConfig& opt, long steps, const Matrix& x, const std::vector<int>& labels) {
  if (!model.built()) throw ConfigError("the model is not built");
  if (x.cols() < 1 || x.cols() != static_cast<Eigen::Index>(labels.size()))
    throw ConfigError("the trace needs one label per sample");
  if (x.rows() != model.input_shape().size()) throw ConfigError("the sample does not fit the model's input");
  opt.validate();
  auto copy = std::make_unique<Model>(Model::from_text(model.spec(), model.input_shape(), model.seed()));
  auto src = model.params(), dst = copy->params();
  for (size_t i = 0; i < src.size(); ++i) {
    dst[i]->value = src[i]->value;
    dst[i]->m = src[i]->m;
    dst[i]->v = src[i]->v;
  }
  for (int i = 0; i < copy->size(); ++i)
    if (auto* d = dynamic_cast<Dropout*>(&copy->layer(i))) d->hold_mask(true);
  work_ = std::move(copy);
  opt_cfg_ = opt;
  steps_ = steps;
  x0_ = x;
  labels_ = labels;
  start_w_.clear();
  start_m_.clear();
  start_v_.clear();
  for (Param* p : work_->params()) {
    start_w_.push_back(p->value);
    start_m_.push_back(p->m);
    start_v_.push_back(p->v);
  }
  edits_.clear();
  build_ops();
  run();
  baseline_.clear();
  for (const TraceTensor& t : tensors_) baseline_.push_back(t.data);
}

void Trace::build_ops() {
  tensors_.clear();
  ops_.clear();
  out_.assign(work_->size(), -1);
  dout_.assign(work_->size(), -1);
  layer_params_.assign(work_->size(), {});
  pid_.clear();
  const bool uses_m = opt_cfg_.kind != OptimizerKind::Sgd, uses_v = opt_cfg_.kind == OptimizerKind::Adam;

  TraceTensor in;
  in.name = "x";
  in.what = "the input image (normalised pixels)";
  in.shape = work_->input_shape();
  in.batched = in.editable = true;
  input_ = add_tensor(in);
  std::vector<std::string> names;
  int pcount = 0;
  for (int i = 0; i < work_->size(); ++i) {
    Layer& l = work_->layer(i);
    TraceTensor t;
    t.name = symbol(l.type()) + sup(i + 1);
    t.what = "output of layer " + std::to_string(i + 1) + ", " + l.describe();
    t.shape = l.output_shape();
    t.batched = true;
    out_[i] = add_tensor(t);
    names.push_back(t.name);
    TraceTensor g = t;
    g.name = "∂L/∂" + t.name;
    g.what = "gradient of the loss with respect to " + t.name;
    dout_[i] = add_tensor(g);
    auto ps = l.params();
    for (size_t k = 0; k < ps.size(); ++k) {
      Param* p = ps[k];
      const bool is_w = p->name == "W";
      TraceTensor w;
      w.name = p->name + sup(i + 1);
      w.what = std::string(is_w ? "weights" : "biases") + " of layer " + std::to_string(i + 1);
      w.param = pcount;
      w.editable = true;
      if (!is_w) {
        w.layout = TensorLayout::Vector;
        w.shape = {static_cast<int>(p->value.rows()), 1, 1};
      } else if (auto* conv = dynamic_cast<Conv2D*>(&l)) {
        const ConvGeometry& cg = conv->geometry();
        w.layout = TensorLayout::Kernels;
        w.shape = {static_cast<int>(p->value.rows()), cg.cin, 1};
        w.kh = cg.kh;
        w.kw = cg.kw;
      } else {
        w.layout = TensorLayout::Matrix;
        w.shape = {1, static_cast<int>(p->value.rows()), static_cast<int>(p->value.cols())};
      }
      ParamIds id;
      id.before = add_tensor(w);
      TraceTensor gw = w;
      gw.editable = false;
      gw.name = "∂L/∂" + w.name;
      gw.what = "gradient of the loss with respect to " + w.name;
      id.grad = add_tensor(gw);
      TraceTensor aw = gw;
      aw.name = w.name + " new";
      aw.what = w.name + " after the update";
      id.after = add_tensor(aw);
      aw.name = "Δ" + w.name;
      aw.what = "the change the update makes to " + w.name;
      id.delta = add_tensor(aw);
      aw.name = (uses_v ? "m(" : "v(") + w.name + ")";
      aw.what = uses_v ? "Adam's first moment (after the update)" : "the momentum velocity (after the update)";
      id.m = add_tensor(aw);
      aw.name = "v(" + w.name + ")";
      aw.what = "Adam's second moment (after the update)";
      id.v = add_tensor(aw);
      pid_.push_back(id);
      layer_params_[i].push_back(pcount++);
    }
  }
  TraceTensor y;
  y.name = "y";
  y.what = "the true label, one-hot";
  y.shape = work_->output_shape();
  y.batched = true;
  labels_t_ = add_tensor(y);
  TraceTensor p = y;
  p.name = "ŷ";
  p.what = "the predicted probabilities, softmax of the logits";
  probs_ = add_tensor(p);
  TraceTensor dx;
  dx.name = "∂L/∂x";
  dx.what = "gradient of the loss with respect to the input pixels (saliency)";
  dx.shape = work_->input_shape();
  dx.batched = true;
  input_grad_ = add_tensor(dx);

  // ---- the operations
  auto in_name = [&](int i) { return i == 0 ? std::string("x") : names[i - 1]; };
  auto in_id = [&](int i) { return i == 0 ? input_ : out_[i - 1]; };
  for (int i = 0; i < work_->size(); ++i) {
    Layer& l = work_->layer(i);
    const std::string L = sup(i + 1), a = in_name(i), o = names[i], type = l.type();
    TraceOp op;
    op.kind = OpKind::Forward;
    op.layer = i;
    op.title = "Layer " + std::to_string(i + 1) + " · " + l.describe() + " · forward";
    op.reads = {in_id(i)};
    for (int pi : layer_params_[i]) op.reads.push_back(pid_[pi].before);
    op.writes = {out_[i]};
    if (type == "dense") {
      op.equation = o + " = W" + L + " · " + a + " + b" + L;
      op.note = "Each output is a weighted sum of all inputs plus a bias.";
    } else if (type == "conv") {
      op.equation = o + "[c,i,j] = b" + L + "[c] + Σ_{c′,u,v} W" + L + "[c,c′,u,v] · " + a + "[c′, i·s+u, j·s+v]";
      op.note = "Each filter slides over the input; every output is the filter's dot product with one window.";
    } else if (type == "relu") {
      op.equation = o + " = max(0, " + a + ")";
      op.note = "Negative values become 0; positive values pass unchanged.";
    } else if (type == "sigmoid") {
      op.equation = o + " = σ(" + a + ") = 1 / (1 + e^(−" + a + "))";
      op.note = "Squashes every value into (0, 1).";
    } else if (type == "tanh") {
      op.equation = o + " = tanh(" + a + ")";
      op.note = "Squashes every value into (−1, 1).";
    } else if (type == "maxpool") {
      op.equation = o + "[c,i,j] = max_{u,v} " + a + "[c, i·s+u, j·s+v]";
      op.note = "Keeps the largest value of each window (and remembers which one won).";
    } else if (type == "avgpool") {
      op.equation = o + "[c,i,j] = (1/k²) Σ_{u,v} " + a + "[c, i·s+u, j·s+v]";
      op.note = "Averages each window (LeNet's subsampling).";
    } else if (type == "flatten") {
      op.equation = o + " = reshape(" + a + ")  (c×h×w → vector)";
      op.note = "The same numbers, read as one long vector for the dense layers.";
    } else if (type == "dropout") {
      op.equation = o + " = " + a + " ⊙ m,  m ∈ {0, 1/(1−p)}";
      op.note = "Zeroes a random share p of the values in training; the mask is held for this trace.";
    } else {
      op.equation = o + " = f(" + a + ")";
    }
    ops_.push_back(op);
  }
  const int last = work_->size() - 1;
  const std::string z = names[last];
  {
    TraceOp op;
    op.kind = OpKind::Loss;
    op.title = "Loss · softmax cross-entropy";
    op.equation = "ŷ = softmax(" + z + "),   L = (1/B) Σₙ −log ŷ_y";
    op.note = "Softmax turns the logits into probabilities; the loss is −log of the true class's probability.";
    op.reads = {out_[last], labels_t_};
    op.writes = {probs_};
    ops_.push_back(op);
    op.kind = OpKind::LossBackward;
    op.title = "Loss · gradient";
    op.equation = "∂L/∂" + z + " = (ŷ − y) / B";
    op.note = "The famous shortcut: softmax and cross-entropy together have this simple gradient.";
    op.reads = {probs_, labels_t_};
    op.writes = {dout_[last]};
    ops_.push_back(op);
  }
  for (int i = last; i >= 0; --i) {
    Layer& l = work_->layer(i);
    const std::string L = sup(i + 1), a = in_name(i), o = names[i], type = l.type();
    const std::string da = "∂L/∂" + a, dz = "∂L/∂" + o;
    TraceOp op;
    op.kind = OpKind::Backward;
    op.layer = i;
    op.title = "Layer " + std::to_string(i + 1) + " · " + l.describe() + " · backward";
    op.reads = {dout_[i], in_id(i)};
    op.writes = {};
    for (int pi : layer_params_[i]) {
      if (tensors_[pid_[pi].before].name[0] == 'W') op.reads.push_back(pid_[pi].before);
      op.writes.push_back(pid_[pi].grad);
    }
    if (type != "dense" && type != "conv" && type != "flatten") op.reads.push_back(out_[i]);
    op.writes.push_back(i == 0 ? input_grad_ : dout_[i - 1]);
    if (type == "dense") {
      op.equation = "∂L/∂W" + L + " = " + dz + " · " + a + "ᵀ,   ∂L/∂b" + L + " = Σₙ " + dz + ",   " + da + " = W" + L +
                    "ᵀ · " + dz;
      op.note = "Chain rule through z = W·a + b: the weight gradient is an outer product, the input gradient flows back through Wᵀ.";
    } else if (type == "conv") {
      op.equation = "∂L/∂W" + L + "[c,c′,u,v] = Σ_{i,j} " + dz + "[c,i,j] · " + a + "[c′, i·s+u, j·s+v],   ∂L/∂b" + L +
                    "[c] = Σ_{i,j} " + dz + "[c,i,j],   " + da + " = Σ over the windows covering it of W · " + dz;
      op.note = "The weight gradient correlates the input with the output gradient; the input gradient is a full convolution with the flipped filters.";
    } else if (type == "relu") {
      op.equation = da + " = " + dz + " ⊙ 1[" + a + " > 0]";
      op.note = "The gradient passes where the input was positive and is blocked where it was not.";
    } else if (type == "sigmoid") {
      op.equation = da + " = " + dz + " ⊙ " + o + "(1 − " + o + ")";
      op.note = "σ′(z) = σ(z)(1 − σ(z)): at most 0.25, so gradients shrink through sigmoids.";
    } else if (type == "tanh") {
      op.equation = da + " = " + dz + " ⊙ (1 − " + o + "²)";
      op.note = "tanh′(z) = 1 − tanh²(z).";
    } else if (type == "maxpool") {
      op.equation = da + "[winner] = " + dz + "[c,i,j],   0 for every other input of the window";
      op.note = "Only the value that won each window gets the gradient.";
    } else if (type == "avgpool") {
      op.equation = da + "[c, i·s+u, j·s+v] = " + dz + "[c,i,j] / k²";
      op.note = "Each input of a window gets an equal share of the window's gradient.";
    } else if (type == "flatten") {
      op.equation = da + " = reshape(" + dz + ")  (vector → c×h×w)";
      op.note = "Nothing to compute: the gradient is read back in the image's shape.";
    } else if (type == "dropout") {
      op.equation = da + " = " + dz + " ⊙ m";
      op.note = "Dropped values get no gradient.";
    }
    ops_.push_back(op);
  }
  std::string rule;
  if (opt_cfg_.kind == OptimizerKind::Sgd) rule = "θ ← θ − η·g";
  else if (opt_cfg_.kind == OptimizerKind::Momentum) rule = "v ← μ·v + g,   θ ← θ − η·v";
  else if (opt_cfg_.kind == OptimizerKind::Nesterov) rule = "v ← μ·v + g,   θ ← θ − η·(g + μ·v)";
  else rule = "m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − η·m̂ / (√v̂ + ε)";
  const std::string g = opt_cfg_.weight_decay > 0 ? "g = ∂L/∂θ + λθ" : "g = ∂L/∂θ";
  for (int i = 0; i < work_->size(); ++i) {
    if (layer_params_[i].empty()) continue;
    TraceOp op;
    op.kind = OpKind::Update;
    op.layer = i;
    op.title = "Layer " + std::to_string(i + 1) + " · " + work_->layer(i).describe() + " · update";
    char lr[96];
    std::snprintf(lr, sizeof lr, "η = %g", opt_cfg_.lr);
    op.equation = rule + ",   " + g + ",   " + lr;
    if (opt_cfg_.kind != OptimizerKind::Sgd && opt_cfg_.kind != OptimizerKind::Adam) op.equation += ", μ = " + num(opt_cfg_.momentum);
    op.note = opt_cfg_.kind == OptimizerKind::Adam ? "Adam scales each step by a running estimate of the gradient's size (m̂, v̂ are bias-corrected)."
                                      : "Each parameter takes a small step against its gradient.";
    for (int pi : layer_params_[i]) {
      op.reads.push_back(pid_[pi].before);
      op.reads.push_back(pid_[pi].grad);
    }
    for (int pi : layer_params_[i]) {
      op.writes.push_back(pid_[pi].after);
      op.writes.push_back(pid_[pi].delta);
      if (uses_m) op.writes.push_back(pid_[pi].m);
      if (uses_v) op.writes.push_back(pid_[pi].v);
    }
    ops_.push_back(op);
  }
}

void Trace::restore_start() {
  auto ps = work_->params();
  for (size_t i = 0; i < ps.size(); ++i) {
    ps[i]->value = start_w_[i];
    ps[i]->m = start_m_[i];
    ps[i]->v = start_v_[i];
  }
  x_ = x0_;
  for (const auto& [key, v] : edits_) {
    const TraceTensor& t = tensors_[key.first];
    if (key.first == input_) x_.data()[key.second] = v;
    else ps[t.param]->value.data()[key.second] = v;
  }
  opt_ = make_optimizer(opt_cfg_);
  opt_->set_steps(steps_);
}

double Trace::loss_now() {
  const Matrix& z = work_->forward(x_, Mode::Train);
  SoftmaxCrossEntropy ce;
  return ce.forward(z, labels_);
}

void Trace::run() {
  restore_start();
  auto ps = work_->params();
  tensors_[input_].data = x_;
  for (size_t k = 0; k < ps.size(); ++k) tensors_[pid_[k].before].data = ps[k]->value;
  // the training step, exactly as Trainer::step runs it
  const Matrix& z = work_->forward(x_, Mode::Train);
  loss_before_ = ce_.forward(z, labels_);
  sample_losses_ = ce_.sample_losses();
  Matrix dz;
  ce_.backward(dz);
  work_->backward(dz, /*need_input_grad=*/true);
  for (int i = 0; i < work_->size(); ++i) {
    tensors_[out_[i]].data = work_->activation(i);
    tensors_[dout_[i]].data = work_->gradient(i);
  }
  tensors_[input_grad_].data = work_->input_grad();
  tensors_[probs_].data = ce_.probabilities();
  Matrix onehot = Matrix::Zero(z.rows(), z.cols());
  for (size_t n = 0; n < labels_.size(); ++n) onehot(labels_[n], static_cast<Eigen::Index>(n)) = 1.0f;
  tensors_[labels_t_].data = onehot;
  for (size_t k = 0; k < ps.size(); ++k) tensors_[pid_[k].grad].data = ps[k]->grad;
  opt_->step(ps);
  for (size_t k = 0; k < ps.size(); ++k) {
    tensors_[pid_[k].after].data = ps[k]->value;
    tensors_[pid_[k].delta].data = ps[k]->value - tensors_[pid_[k].before].data;
    tensors_[pid_[k].m].data = ps[k]->m;
    tensors_[pid_[k].v].data = ps[k]->v;
  }
  // max-pool winners of this step (the forward below would overwrite them)
  winners_.assign(work_->size(), Eigen::MatrixXi());
  for (int i = 0; i < work_->size(); ++i)
    if (auto* p = dynamic_cast<Pool2D*>(&work_->layer(i)); p && p->type() == "maxpool") winners_[i] = p->argmax();
  loss_after_ = loss_now();
}

void Trace::set_value(int tensor, int sample, int index, float value) {
  if (tensor < 0 || tensor >= static_cast<int>(tensors_.size()) || !tensors_[tensor].editable)
    throw ConfigError("this value cannot be edited");
  const TraceTensor& t = tensors_[tensor];
  if (index < 0 || index >= t.size_per_sample() || (t.batched && (sample < 0 || sample >= batch())))
    throw ConfigError("no such value");
  if (!std::isfinite(value) || std::abs(value) > 1e6f) throw ConfigError("the value must be a finite number within ±10⁶");
  const int flat = t.batched ? sample * static_cast<int>(t.data.rows()) + index : index;
  edits_[{tensor, flat}] = value;
  run();
}

void Trace::reset_edits() {
  edits_.clear();
  run();
}

bool Trace::edited(int tensor, int sample, int index) const {
  const TraceTensor& t = tensors_[tensor];
  const int flat = t.batched ? sample * static_cast<int>(t.data.rows()) + index : index;
  return edits_.count({tensor, flat}) > 0;
}

std::vector<int> Trace::edited_indices(int tensor, int sample) const {
  std::vector<int> out;
  const TraceTensor& t = tensors_[tensor];
  const int rows = static_cast<int>(t.data.rows());
  for (const auto& [key, v] : edits_) {
    if (key.first != tensor) continue;
    if (!t.batched) out.push_back(key.second);
    else if (key.second / rows == sample) out.push_back(key.second % rows);
  }
  return out;
}

bool Trace::changed(int tensor, int sample, int index) const {
  if (edits_.empty()) return false;
  const TraceTensor& t = tensors_[tensor];
  const Matrix& b = baseline_[tensor];
  if (b.size() != t.data.size()) return true;
  const int flat = t.batched ? sample * static_cast<int>(t.data.rows()) + index : index;
  return b.data()[flat] != t.data.data()[flat];
}

int Trace::changed_count(int tensor) const {
  if (edits_.empty()) return 0;
  const Matrix& b = baseline_[tensor];
  const Matrix& d = tensors_[tensor].data;
  if (b.size() != d.size()) return static_cast<int>(d.size());
  int n = 0;
  for (Eigen::Index i = 0; i < d.size(); ++i) n += b.data()[i] != d.data()[i];
  return n;
}

std::string Trace::index_label(int tensor, int index) const {
  const TraceTensor& t = tensors_[tensor];
  switch (t.layout) {
    case TensorLayout::Image: return t.name + t.shape.index_str(index);
    case TensorLayout::Vector: return t.name + "[" + std::to_string(index) + "]";
    case TensorLayout::Matrix: {
      const int rows = static_cast<int>(t.data.rows());
      return t.name + join_idx({index % rows, index / rows});
    }
    case TensorLayout::Kernels: {
      const int rows = static_cast<int>(t.data.rows());
      const int co = index % rows, k = index / rows;
      return t.name + join_idx({co, k / (t.kh * t.kw), (k / t.kw) % t.kh, k % t.kw});
    }
  }
  return t.name;
}

GradCheckResult Trace::check_gradient(int tensor, int index, int sample, double h) {
  GradCheckResult r;
  r.tensor = tensor;
  r.index = index;
  r.h = h;
  const bool is_input = tensor == input_;
  if (!is_input && (tensor < 0 || tensor >= static_cast<int>(tensors_.size()) || tensors_[tensor].param < 0 ||
                    !tensors_[tensor].editable))
    throw ConfigError("pick a weight, a bias or an input pixel to check");
  const TraceTensor& t = tensors_[tensor];
  if (index < 0 || index >= t.size_per_sample()) throw ConfigError("no such value");
  r.label = index_label(tensor, index);
  if (is_input && batch() > 1) r.label += " of sample " + std::to_string(sample);
  restore_start();
  float* v = is_input ? &x_(index, sample) : &work_->params()[t.param]->value.data()[index];
  const float old = *v;
  const float up = static_cast<float>(old + h), down = static_cast<float>(old - h);
  const double f0 = loss_now();
  *v = up;
  const double fp = loss_now();
  *v = down;
  const double fm = loss_now();
  const float up2 = static_cast<float>(old + 2 * h), down2 = static_cast<float>(old - 2 * h);
  *v = up2;
  const double fp2 = loss_now();
  *v = down2;
  const double fm2 = loss_now();
  *v = old;
  const double numeric2 = (fp2 - fm2) / (static_cast<double>(up2) - static_cast<double>(down2));
  r.numeric = (fp - fm) / (static_cast<double>(up) - static_cast<double>(down));
  r.slope_right = (fp - f0) / (static_cast<double>(up) - old);
  r.slope_left = (f0 - fm) / (static_cast<double>(old) - down);
  r.kink = std::abs(r.slope_right - r.slope_left) > 0.2 * std::max({std::abs(r.slope_right), std::abs(r.slope_left), 1e-4});
  r.analytic = is_input ? tensors_[input_grad_].at(sample, index) : tensors_[pid_[t.param].grad].data.data()[index];
  r.rel_error = std::abs(r.analytic - r.numeric) / std::max({std::abs(r.analytic), std::abs(r.numeric), 1e-8});
  r.uncertainty = std::abs(r.numeric - numeric2);
  // a derivative lies between the two one-sided slopes; they differ when a ReLU input or a max-pool
  // window switches within ±h, and the central difference is then their average, not the derivative
  const double tol = 2 * r.uncertainty + 1e-2 * std::abs(r.numeric);
  const bool between = r.analytic >= std::min(r.slope_left, r.slope_right) - tol &&
                       r.analytic <= std::max(r.slope_left, r.slope_right) + tol;
  r.agrees = !r.kink && (r.rel_error < 1e-2 || std::abs(r.analytic - r.numeric) <= 2 * r.uncertainty || between);
  return r;
}

std::vector<GradCheckResult> Trace::check_some() {
  std::vector<GradCheckResult> out;
  for (const ParamIds& id : pid_) {
    const Matrix& g = tensors_[id.grad].data;
    Eigen::Index r = 0, c = 0;
    g.cwiseAbs().maxCoeff(&r, &c);
    out.push_back(check_gradient(id.before, static_cast<int>(c * g.rows() + r)));
  }
  const Matrix& gx = tensors_[input_grad_].data;
  Eigen::Index r = 0, c = 0;
  gx.cwiseAbs().maxCoeff(&r, &c);
  out.push_back(check_gradient(input_, static_cast<int>(r), static_cast<int>(c)));
  return out;
}

long Trace::apply_to(Model& model) const {
  auto ps = model.params();
  if (ps.size() != pid_.size()) throw ConfigError("the model changed since the trace was taken");
  for (size_t k = 0; k < ps.size(); ++k) {
    const Matrix& w = tensors_[pid_[k].after].data;
    if (w.rows() != ps[k]->value.rows() || w.cols() != ps[k]->value.cols())
      throw ConfigError("the model changed since the trace was taken");
  }
  for (size_t k = 0; k < ps.size(); ++k) {
    ps[k]->value = tensors_[pid_[k].after].data;
    if (opt_cfg_.kind != OptimizerKind::Sgd) ps[k]->m = tensors_[pid_[k].m].data;
    if (opt_cfg_.kind == OptimizerKind::Adam) ps[k]->v = tensors_[pid_[k].v].data;
  }
  return steps_ + 1;
}

// ------------------------------------------------------------------ explanations
std::string Trace::explain(int op_index, int tensor, int s, int k) const {
  const TraceTensor& t = tensors_[tensor];
  const std::string here = index_label(tensor, k) + (t.batched && batch() > 1 ? " (sample " + std::to_string(s) + ")" : "");
  const double val = t.at(s, k);
  const std::string plain = here + " = " + num(val);
  if (op_index < 0 || op_index >= static_cast<int>(ops_.size())) return plain;
  const TraceOp& op = ops_[op_index];
  if (std::find(op.writes.begin(), op.writes.end(), tensor) == op.writes.end()) return plain;
  const int B = batch();
  char buf[512];

  if (op.kind == OpKind::Loss) {   // ŷ_k
    const TraceTensor& z = tensors_[out_.back()];
    double m = -INFINITY, den = 0;
    for (int j = 0; j < z.size_per_sample(); ++j) m = std::max(m, static_cast<double>(z.at(s, j)));
    for (int j = 0; j < z.size_per_sample(); ++j) den += std::exp(z.at(s, j) - m);
    std::snprintf(buf, sizeof buf, "%s = e^(%s − max z) / Σⱼ e^(zⱼ − max z) = %s / %s = %s", here.c_str(),
                  num(z.at(s, k)).c_str(), num(std::exp(z.at(s, k) - m)).c_str(), num(den).c_str(), num(val).c_str());
    std::string r = buf;
    if (k == labels_[s]) r += "\nthe true class: L = −log ŷ[" + std::to_string(k) + "] = −log " + num(val) + " = " +
                              num(sample_losses_[s]);
    return r;
  }
  if (op.kind == OpKind::LossBackward) {
    std::snprintf(buf, sizeof buf, "%s = (ŷ[%d] − y[%d]) / B = (%s − %d) / %d = %s", here.c_str(), k, k,
                  num(tensors_[probs_].at(s, k)).c_str(), k == labels_[s] ? 1 : 0, B, num(val).c_str());
    return buf;
  }
  if (op.kind == OpKind::Update) {
    const int pi = t.param;
    const TraceTensor& before = tensors_[pid_[pi].before];
    const double w0 = before.data.data()[k], g0 = tensors_[pid_[pi].grad].data.data()[k];
    const double w1 = tensors_[pid_[pi].after].data.data()[k];
    const bool decays = opt_cfg_.weight_decay > 0 && before.name[0] == 'W';
    const double g = g0 + (decays ? opt_cfg_.weight_decay * w0 : 0.0);
    const std::string wl = index_label(pid_[pi].before, k);
    std::string r;
    if (decays) r = "g = ∂L/∂θ + λθ = " + num(g0) + " + " + num(opt_cfg_.weight_decay) + "·" + num(w0) + " = " + num(g) + "\n";
    if (opt_cfg_.kind == OptimizerKind::Sgd) {
      r += wl + " ← " + num(w0) + " − " + num(opt_cfg_.lr) + " · " + num(g) + " = " + num(w1);
    } else if (opt_cfg_.kind == OptimizerKind::Adam) {
      const double m = tensors_[pid_[pi].m].data.data()[k], v = tensors_[pid_[pi].v].data.data()[k];
      const double tt = static_cast<double>(steps_ + 1);
      const double mh = m / (1 - std::pow(opt_cfg_.beta1, tt)), vh = v / (1 - std::pow(opt_cfg_.beta2, tt));
      r += "m = " + num(m) + ", v = " + num(v) + " (step t = " + num(tt) + ")\nm̂ = " + num(mh) + ", v̂ = " + num(vh) + "\n" +
           wl + " ← " + num(w0) + " − " + num(opt_cfg_.lr) + " · " + num(mh) + " / (√" + num(vh) + " + ε) = " + num(w1);
    } else {
      const double v = tensors_[pid_[pi].m].data.data()[k];
      r += "v = μ·v + g = " + num(v) + "\n" + wl + " ← " + num(w0) + " − " + num(opt_cfg_.lr) + " · " +
           (opt_cfg_.kind == OptimizerKind::Nesterov ? "(" + num(g) + " + " + num(opt_cfg_.momentum) + "·" + num(v) + ")" : num(v)) +
           " = " + num(w1);
    }
    if (tensor == pid_[pi].delta) r = here + " = " + num(w1) + " − " + num(w0) + " = " + num(val) + "\n" + r;
    return r;
  }

  Layer& l = work_->layer(op.layer);
  const std::string type = l.type();
  const int in_id = op.layer == 0 ? input_ : out_[op.layer - 1];
  const TraceTensor& in = tensors_[in_id];
  const TraceTensor& out = tensors_[out_[op.layer]];
  const TraceTensor& dout = tensors_[dout_[op.layer]];

  if (op.kind == OpKind::Forward) {
    if (type == "dense") {
      const auto& ps = layer_params_[op.layer];
      const Matrix& W = tensors_[pid_[ps[0]].before].data;
      const double b = tensors_[pid_[ps[1]].before].data(k, 0);
      double sum = 0, best = 0;
      int arg = 0;
      for (int j = 0; j < W.cols(); ++j) {
        const double term = static_cast<double>(W(k, j)) * in.at(s, j);
        sum += term;
        if (std::abs(term) > std::abs(best)) best = term, arg = j;
      }
      std::snprintf(buf, sizeof buf, "%s = Σⱼ W[%d, j]·%s[j] + b[%d] = %s + (%s) = %s\n%d terms; the largest: W[%d, %d]·%s[%d] = %s · %s = %s",
                    here.c_str(), k, in.name.c_str(), k, num(sum).c_str(), num(b).c_str(), num(val).c_str(),
                    static_cast<int>(W.cols()), k, arg, in.name.c_str(), arg, num(W(k, arg)).c_str(), num(in.at(s, arg)).c_str(),
                    num(best).c_str());
      return buf;
    }
    if (type == "conv") {
      const ConvGeometry& g = dynamic_cast<Conv2D&>(l).geometry();
      const auto& ps = layer_params_[op.layer];
      const Matrix& W = tensors_[pid_[ps[0]].before].data;
      const int co = k / g.patches(), oi = (k / g.wo) % g.ho, oj = k % g.wo;
      const double b = tensors_[pid_[ps[1]].before].data(co, 0);
      double sum = 0;
      int terms = 0;
      for (int ci = 0; ci < g.cin; ++ci)
        for (int u = 0; u < g.kh; ++u)
          for (int v = 0; v < g.kw; ++v) {
            const int r = oi * g.stride + u - g.pt, c = oj * g.stride + v - g.pl;
            ++terms;
            if (r < 0 || r >= g.h || c < 0 || c >= g.w) continue;   // zero padding
            sum += static_cast<double>(W(co, (ci * g.kh + u) * g.kw + v)) * in.at(s, (ci * g.h + r) * g.w + c);
          }
      std::snprintf(buf, sizeof buf, "%s = b[%d] + Σ W[%d, c′, u, v]·%s[c′, %d+u, %d+v] = %s + (%s) = %s\n%d terms: the %d×%d window at row %d, column %d of %d input channel%s",
                    here.c_str(), co, co, in.name.c_str(), oi * g.stride - g.pt, oj * g.stride - g.pl, num(b).c_str(), num(sum).c_str(),
                    num(val).c_str(), terms, g.kh, g.kw, oi * g.stride - g.pt, oj * g.stride - g.pl, g.cin, g.cin == 1 ? "" : "s");
      return buf;
    }
    if (type == "relu") return here + " = max(0, " + index_label(in_id, k) + ") = max(0, " + num(in.at(s, k)) + ") = " + num(val);
    if (type == "sigmoid") return here + " = 1 / (1 + e^(−" + num(in.at(s, k)) + ")) = " + num(val);
    if (type == "tanh") return here + " = tanh(" + num(in.at(s, k)) + ") = " + num(val);
    if (type == "flatten") return here + " = " + index_label(in_id, k) + " = " + num(val);
    if (type == "dropout") {
      const Matrix& m = dynamic_cast<Dropout&>(l).mask();
      const double mk = m.rows() == in.data.rows() ? m(k, s) : 1.0;
      return here + " = " + index_label(in_id, k) + " · m = " + num(in.at(s, k)) + " · " + num(mk) + " = " + num(val);
    }
    if (type == "maxpool" || type == "avgpool") {
      auto& p = dynamic_cast<Pool2D&>(l);
      const Shape os = out.shape, is = in.shape;
      const int c = k / (os.h * os.w), oi = (k / os.w) % os.h, oj = k % os.w;
      const int r0 = oi * p.stride(), c0 = oj * p.stride(), K = p.kernel();
      std::string vals;
      double sum = 0;
      for (int u = 0; u < K; ++u)
        for (int v = 0; v < K; ++v) {
          const double x = in.at(s, (c * is.h + r0 + u) * is.w + c0 + v);
          sum += x;
          vals += (vals.empty() ? "" : ", ") + num(x);
        }
      if (type == "avgpool")
        return here + " = (" + vals + ") / " + std::to_string(K * K) + " = " + num(sum) + " / " + std::to_string(K * K) + " = " + num(val);
      const int w = winners_[op.layer].rows() ? winners_[op.layer](k, s) : -1;
      return here + " = max(" + vals + ") = " + num(val) + (w >= 0 ? "\nthe winner: " + index_label(in_id, w) : "");
    }
    return plain;
  }

  // ---- backward
  if (type == "dense") {
    const auto& ps = layer_params_[op.layer];
    if (tensor == pid_[ps[0]].grad) {
      const int rows = static_cast<int>(t.data.rows()), i = k % rows, j = k / rows;
      if (B == 1) {
        std::snprintf(buf, sizeof buf, "%s = %s[%d] · %s[%d] = %s · %s = %s", here.c_str(), dout.name.c_str(), i,
                      in.name.c_str(), j, num(dout.at(0, i)).c_str(), num(in.at(0, j)).c_str(), num(val).c_str());
      } else {
        std::snprintf(buf, sizeof buf, "%s = Σₙ %s[%d]ₙ · %s[%d]ₙ = %s  (a sum over the %d samples)", here.c_str(),
                      dout.name.c_str(), i, in.name.c_str(), j, num(val).c_str(), B);
      }
      return buf;
    }
    if (tensor == pid_[ps[1]].grad) {
      if (B == 1) return here + " = " + dout.name + "[" + std::to_string(k) + "] = " + num(val);
      return here + " = Σₙ " + dout.name + "[" + std::to_string(k) + "]ₙ = " + num(val) + "  (" + std::to_string(B) + " samples)";
    }
    const Matrix& W = tensors_[pid_[ps[0]].before].data;
    double best = 0;
    int arg = 0;
    for (int i = 0; i < W.rows(); ++i) {
      const double term = static_cast<double>(W(i, k)) * dout.at(s, i);
      if (std::abs(term) > std::abs(best)) best = term, arg = i;
    }
    std::snprintf(buf, sizeof buf, "%s = Σᵢ W[i, %d] · %s[i] = %s\n%d terms; the largest: W[%d, %d] · %s[%d] = %s · %s = %s",
                  here.c_str(), k, dout.name.c_str(), num(val).c_str(), static_cast<int>(W.rows()), arg, k, dout.name.c_str(),
                  arg, num(W(arg, k)).c_str(), num(dout.at(s, arg)).c_str(), num(best).c_str());
    return buf;
  }
  if (type == "conv") {
    const ConvGeometry& g = dynamic_cast<Conv2D&>(l).geometry();
    const auto& ps = layer_params_[op.layer];
    if (tensor == pid_[ps[0]].grad) {
      const int rows = static_cast<int>(t.data.rows()), co = k % rows, kk = k / rows;
      std::snprintf(buf, sizeof buf, "%s = Σ_{i,j} %s[%d, i, j] · %s[%d, i·s+%d, j·s+%d] = %s\n%d terms (%d positions × %d sample%s)",
                    here.c_str(), dout.name.c_str(), co, in.name.c_str(), kk / (g.kh * g.kw), (kk / g.kw) % g.kh - g.pt,
                    kk % g.kw - g.pl, num(val).c_str(), g.patches() * B, g.patches(), B, B == 1 ? "" : "s");
      return buf;
    }
    if (tensor == pid_[ps[1]].grad) {
      std::snprintf(buf, sizeof buf, "%s = Σ_{i,j} %s[%d, i, j] = %s  (%d terms)", here.c_str(), dout.name.c_str(), k,
                    num(val).c_str(), g.patches() * B);
      return buf;
    }
    // ∂L/∂in[ci, r, c]: every (co, oi, oj, u, v) with oi·s + u − pt = r, oj·s + v − pl = c
    const Matrix& W = tensors_[pid_[ps[0]].before].data;
    const int ci = k / (g.h * g.w), r = (k / g.w) % g.h, c = k % g.w;
    int terms = 0;
    for (int co = 0; co < W.rows(); ++co)
      for (int u = 0; u < g.kh; ++u)
        for (int v = 0; v < g.kw; ++v) {
          const int a = r + g.pt - u, b = c + g.pl - v;
          if (a < 0 || b < 0 || a % g.stride || b % g.stride) continue;
          const int oi = a / g.stride, oj = b / g.stride;
          if (oi >= g.ho || oj >= g.wo) continue;
          ++terms;
        }
    std::snprintf(buf, sizeof buf, "%s = Σ W[c, %d, u, v] · %s[c, i, j] over the windows that cover it = %s\n%d terms (%d filters × the window positions that include this pixel)",
                  here.c_str(), ci, dout.name.c_str(), num(val).c_str(), terms, static_cast<int>(W.rows()));
    return buf;
  }
  if (type == "relu") {
    const double zk = in.at(s, k);
    return here + " = " + dout.name + dout.shape.index_str(k) + " · 1[" + index_label(in_id, k) + " > 0] = " +
           num(dout.at(s, k)) + " · " + (zk > 0 ? "1" : "0") + " = " + num(val);
  }
  if (type == "sigmoid") {
    const double a = out.at(s, k);
    return here + " = " + dout.name + dout.shape.index_str(k) + " · a(1 − a) = " + num(dout.at(s, k)) + " · " + num(a) +
           "·(1 − " + num(a) + ") = " + num(val);
  }
  if (type == "tanh") {
    const double a = out.at(s, k);
    return here + " = " + dout.name + dout.shape.index_str(k) + " · (1 − a²) = " + num(dout.at(s, k)) + " · (1 − " + num(a) +
           "²) = " + num(val);
  }
  if (type == "flatten") return here + " = " + dout.name + "[" + std::to_string(k) + "] = " + num(val);
  if (type == "dropout") {
    const Matrix& m = dynamic_cast<Dropout&>(l).mask();
    const double mk = m.rows() == in.data.rows() ? m(k, s) : 1.0;
    return here + " = " + dout.name + "[" + std::to_string(k) + "] · m = " + num(dout.at(s, k)) + " · " + num(mk) + " = " + num(val);
  }
  if (type == "maxpool" || type == "avgpool") {
    auto& p = dynamic_cast<Pool2D&>(l);
    const Shape os = out.shape, is = in.shape;
    const int c = k / (is.h * is.w), r = (k / is.w) % is.h, col = k % is.w, K = p.kernel(), S = p.stride();
    if (type == "avgpool") {
      std::string terms;
      for (int oi = 0; oi < os.h; ++oi)
        for (int oj = 0; oj < os.w; ++oj)
          if (r >= oi * S && r < oi * S + K && col >= oj * S && col < oj * S + K) {
            const int o = (c * os.h + oi) * os.w + oj;
            terms += (terms.empty() ? "" : " + ") + num(dout.at(s, o)) + "/" + std::to_string(K * K);
          }
      return here + " = Σ over its windows of " + dout.name + " / k² = " + (terms.empty() ? "0 (in no window)" : terms) +
             " = " + num(val);
    }
    std::string won;
    for (int o = 0; o < winners_[op.layer].rows(); ++o)
      if (winners_[op.layer](o, s) == k)
        won += (won.empty() ? "" : " + ") + index_label(dout_[op.layer], o) + " = " + num(dout.at(s, o));
    if (won.empty()) return here + " = 0: this value did not win its window, so no gradient reaches it";
    return here + " = " + won + "\nit won its window in the forward pass (max pooling), so the window's gradient passes to it";
  }
  return plain;
}

}  // namespace bpl
