#include "trace/trace.h"

#include "core/error.h"
#include "train/step.h"

#include <algorithm>
#include <cmath>

namespace bpl {

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::Forward:
      return "forward";
    case OpKind::Loss:
      return "loss";
    case OpKind::LossBackward:
      return "loss gradient";
    case OpKind::Backward:
      return "backward";
    case OpKind::Update:
      return "update";
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

std::string join_idx(std::initializer_list<int> v) {
  std::string s = "[";
  bool first = true;
  for (int i : v) {
    s += (first ? "" : ", ") + std::to_string(i);
    first = false;
  }
  return s + "]";
}

TensorLayout layout_of(ParamLayout l) {
  switch (l) {
    case ParamLayout::Matrix:
      return TensorLayout::Matrix;
    case ParamLayout::Kernels:
      return TensorLayout::Kernels;
    case ParamLayout::Vector:
      return TensorLayout::Vector;
  }
  return TensorLayout::Vector;
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

void Trace::capture(Model& model, const OptimizerConfig& opt, long steps, const Matrix& x,
                    const std::vector<int>& labels) {
  if (!model.built()) throw ConfigError("the model is not built");
  if (x.cols() < 1 || x.cols() != static_cast<Eigen::Index>(labels.size()))
    throw ConfigError("the trace needs one label per sample");
  if (x.rows() != model.input_shape().size()) throw ConfigError("the sample does not fit the model's input");
  opt.validate();
  auto copy = std::make_unique<Model>(Model::from_text(model.spec(), model.input_shape(), model.seed()));
  copy->restore(model.snapshot());
  for (int i = 0; i < copy->size(); ++i) copy->layer(i).hold_randomness(true);
  work_ = std::move(copy);
  opt_cfg_ = opt;
  steps_ = steps;
  x0_ = x;
  labels_ = labels;
  start_ = work_->snapshot();
  edits_.clear();
  opt_ = make_optimizer(opt_cfg_);
  build_ops();
  run();
  baseline_.clear();
  for (const TraceTensor& t : tensors_) baseline_.push_back(t.data);
}

void Trace::build_ops() {
  tensors_.clear();
  ops_.clear();
  const int n_layers = work_->size();
  out_.assign(n_layers, -1);
  dout_.assign(n_layers, -1);
  layer_params_.assign(n_layers, {});
  pid_.clear();

  TraceTensor in;
  in.name = "x";
  in.what = "the input image (normalised pixels)";
  in.shape = work_->input_shape();
  in.batched = in.editable = true;
  input_ = add_tensor(in);
  std::vector<std::string> names;
  int pcount = 0;
  for (int i = 0; i < n_layers; ++i) {
    Layer& l = work_->layer(i);
    TraceTensor t;
    t.name = l.symbol() + sup(i + 1);
    t.what = "output of layer " + std::to_string(i + 1) + ", " + l.describe();
    t.shape = l.output_shape();
    t.batched = true;
    out_[i] = add_tensor(t);
    names.push_back(t.name);
    TraceTensor g = t;
    g.name = "∂L/∂" + t.name;
    g.what = "gradient of the loss with respect to " + t.name;
    dout_[i] = add_tensor(g);
    const auto ps = l.params();
    const auto roles = l.param_roles();
    for (size_t k = 0; k < ps.size(); ++k) {
      const Param* p = ps[k];
      const ParamRole role = k < roles.size() ? roles[k] : ParamRole{p->name, "parameters", ParamLayout::Matrix};
      TraceTensor w;
      w.name = role.name + sup(i + 1);
      w.what = role.role + " of layer " + std::to_string(i + 1);
      w.param = pcount;
      w.editable = true;
      w.layout = layout_of(role.layout);
      if (role.layout == ParamLayout::Vector) {
        w.shape = {static_cast<int>(p->value.rows()), 1, 1};
      } else if (role.layout == ParamLayout::Kernels) {
        w.shape = {static_cast<int>(p->value.rows()), role.cin, 1};
        w.kh = role.kh;
        w.kw = role.kw;
      } else {
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
      aw.name = (opt_->uses_v() ? "m(" : "v(") + w.name + ")";
      aw.what = opt_->uses_v() ? "Adam's first moment (after the update)" : "the momentum velocity (after the update)";
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

  // ---- the operations: every layer's forward, the loss, every layer's backward, the updates
  auto in_id = [&](int i) { return i == 0 ? input_ : out_[i - 1]; };
  auto tensor_names = [&](int i) {
    return TensorNames{i == 0 ? std::string("x") : names[i - 1], names[i], sup(i + 1)};
  };
  auto title = [&](int i, const char* dir) {
    return "Layer " + std::to_string(i + 1) + " · " + work_->layer(i).describe() + " · " + dir;
  };
  for (int i = 0; i < n_layers; ++i) {
    const Lesson lesson = work_->layer(i).lesson(tensor_names(i));
    TraceOp op;
    op.kind = OpKind::Forward;
    op.layer = i;
    op.title = title(i, "forward");
    op.equation = lesson.forward;
    op.note = lesson.forward_note;
    op.reads = {in_id(i)};
    for (int pi : layer_params_[i]) op.reads.push_back(pid_[pi].before);
    op.writes = {out_[i]};
    ops_.push_back(op);
  }
  const int last = n_layers - 1;
  const Lesson loss = SoftmaxCrossEntropy::lesson(names[last], opt_cfg_.reduction);
  TraceOp lop;
  lop.kind = OpKind::Loss;
  lop.title = "Loss · softmax cross-entropy";
  lop.equation = loss.forward;
  lop.note = loss.forward_note;
  lop.reads = {out_[last], labels_t_};
  lop.writes = {probs_};
  ops_.push_back(lop);
  lop.kind = OpKind::LossBackward;
  lop.title = "Loss · gradient";
  lop.equation = loss.backward;
  lop.note = loss.backward_note;
  lop.reads = {probs_, labels_t_};
  lop.writes = {dout_[last]};
  ops_.push_back(lop);
  for (int i = last; i >= 0; --i) {
    const Lesson lesson = work_->layer(i).lesson(tensor_names(i));
    TraceOp op;
    op.kind = OpKind::Backward;
    op.layer = i;
    op.title = title(i, "backward");
    op.equation = lesson.backward;
    op.note = lesson.backward_note;
    op.reads = {dout_[i], in_id(i)};
    const std::vector<ParamRole> roles = work_->layer(i).param_roles();
    for (size_t j = 0; j < layer_params_[i].size(); ++j) {
      const int pi = layer_params_[i][j];
      if (j >= roles.size() || roles[j].read_by_backward) op.reads.push_back(pid_[pi].before);
      op.writes.push_back(pid_[pi].grad);
    }
    if (work_->layer(i).backward_reads_output()) op.reads.push_back(out_[i]);
    op.writes.push_back(i == 0 ? input_grad_ : dout_[i - 1]);
    ops_.push_back(op);
  }
  const Lesson update = opt_->lesson();
  for (int i = 0; i < n_layers; ++i) {
    if (layer_params_[i].empty()) continue;
    TraceOp op;
    op.kind = OpKind::Update;
    op.layer = i;
    op.title = title(i, "update");
    op.equation = update.forward;
    op.note = update.forward_note;
    for (int pi : layer_params_[i]) {
      op.reads.push_back(pid_[pi].before);
      op.reads.push_back(pid_[pi].grad);
    }
    for (int pi : layer_params_[i]) {
      op.writes.push_back(pid_[pi].after);
      op.writes.push_back(pid_[pi].delta);
      if (opt_->uses_m()) op.writes.push_back(pid_[pi].m);
      if (opt_->uses_v()) op.writes.push_back(pid_[pi].v);
    }
    ops_.push_back(op);
  }
}

void Trace::restore_start() {
  work_->restore(start_);
  x_ = x0_;
  auto ps = work_->params();
  for (const auto& [key, v] : edits_) {
    const TraceTensor& t = tensors_[key.first];
    if (key.first == input_)
      x_.data()[key.second] = v;
    else
      ps[t.param]->value.data()[key.second] = v;
  }
  opt_ = make_optimizer(opt_cfg_);
  opt_->set_steps(steps_);
}

double Trace::loss_now() {
  return training_loss(*work_, x_, labels_, opt_cfg_.reduction);
}

void Trace::run() {
  restore_start();
  auto ps = work_->params();
  tensors_[input_].data = x_;
  for (size_t k = 0; k < ps.size(); ++k) tensors_[pid_[k].before].data = ps[k]->value;
  // the training step, the trainer's own code
  Matrix dz;
  const StepOutcome out = train_step(*work_, ce_, *opt_, x_, labels_, dz, /*input_grad=*/true);
  after_ = work_->snapshot();
  loss_before_ = out.loss;
  sample_losses_ = ce_.sample_losses();
  for (int i = 0; i < work_->size(); ++i) {
    tensors_[out_[i]].data = work_->activation(i);
    tensors_[dout_[i]].data = work_->gradient(i);
  }
  tensors_[input_grad_].data = work_->input_grad();
  tensors_[probs_].data = ce_.probabilities();
  Matrix onehot = Matrix::Zero(ce_.probabilities().rows(), ce_.probabilities().cols());
  for (size_t n = 0; n < labels_.size(); ++n) onehot(labels_[n], static_cast<Eigen::Index>(n)) = 1.0f;
  tensors_[labels_t_].data = onehot;
  for (size_t k = 0; k < ps.size(); ++k) {
    tensors_[pid_[k].grad].data = ps[k]->grad;
    tensors_[pid_[k].after].data = ps[k]->value;
    tensors_[pid_[k].delta].data = ps[k]->value - tensors_[pid_[k].before].data;
    tensors_[pid_[k].m].data = ps[k]->m;
    tensors_[pid_[k].v].data = ps[k]->v;
  }
  // which input won each output (max pooling) in this step: the forward below would overwrite it
  winners_.assign(work_->size(), Eigen::MatrixXi());
  for (int i = 0; i < work_->size(); ++i)
    if (const Eigen::MatrixXi* w = work_->layer(i).winners()) winners_[i] = *w;
  loss_after_ = loss_now();
}

void Trace::set_value(int tensor, int sample, int index, float value) {
  if (tensor < 0 || tensor >= static_cast<int>(tensors_.size()) || !tensors_[tensor].editable)
    throw ConfigError("this value cannot be edited");
  const TraceTensor& t = tensors_[tensor];
  if (index < 0 || index >= t.size_per_sample() || (t.batched && (sample < 0 || sample >= batch())))
    throw ConfigError("no such value");
  if (!std::isfinite(value) || std::abs(value) > 1e6f)
    throw ConfigError("the value must be a finite number within ±10⁶");
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
    if (!t.batched)
      out.push_back(key.second);
    else if (key.second / rows == sample)
      out.push_back(key.second % rows);
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
    case TensorLayout::Image:
      return t.name + t.shape.index_str(index);
    case TensorLayout::Vector:
      return t.name + "[" + std::to_string(index) + "]";
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
  const bool is_input = tensor == input_;
  if (!is_input && (tensor < 0 || tensor >= static_cast<int>(tensors_.size()) || tensors_[tensor].param < 0 ||
                    !tensors_[tensor].editable))
    throw ConfigError("pick a weight, a bias or an input pixel to check");
  const TraceTensor& t = tensors_[tensor];
  if (index < 0 || index >= t.size_per_sample()) throw ConfigError("no such value");
  restore_start();
  float* v = is_input ? &x_(index, sample) : &work_->params()[t.param]->value.data()[index];
  const double analytic =
      is_input ? tensors_[input_grad_].at(sample, index) : tensors_[pid_[t.param].grad].data.data()[index];
  GradCheckResult r = bpl::check_gradient([&] { return loss_now(); }, v, analytic, h);
  r.tensor = tensor;
  r.index = index;
  r.label = index_label(tensor, index);
  if (is_input && batch() > 1) r.label += " of sample " + std::to_string(sample);
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
  if (model.spec() != work_->spec() || model.input_shape() != work_->input_shape())
    throw ConfigError("the model changed since the trace was taken");
  model.restore(after_);
  return steps_ + 1;
}

// ------------------------------------------------------------------ explanations
StepValues Trace::values(int i) const {
  const Layer& l = work_->layer(i);
  const int in_id = i == 0 ? input_ : out_[i - 1];
  StepValues v{tensors_[in_id].data,
               tensors_[out_[i]].data,
               tensors_[dout_[i]].data,
               tensors_[i == 0 ? input_grad_ : dout_[i - 1]].data,
               {},
               {},
               {},
               {},
               batch(),
               {},
               {}};
  v.names = {tensors_[in_id].name, tensors_[out_[i]].name, sup(i + 1)};
  for (int pi : layer_params_[i]) {
    v.w.push_back(&tensors_[pid_[pi].before].data);
    v.dw.push_back(&tensors_[pid_[pi].grad].data);
    v.param_names.push_back(tensors_[pid_[pi].before].name);
  }
  v.in = l.input_shape();
  v.out = l.output_shape();
  return v;
}

Explanation Trace::explanation(int op_index, int tensor, int s, int k) const {
  if (tensor < 0 || tensor >= static_cast<int>(tensors_.size())) throw ConfigError("no such tensor");
  const TraceTensor& t = tensors_[tensor];
  if (k < 0 || k >= t.size_per_sample() || (t.batched && (s < 0 || s >= batch()))) throw ConfigError("no such value");
  const double val = t.at(s, k);
  Explanation plain(index_label(tensor, k) + " = " + format_number(val, 6));
  if (op_index < 0 || op_index >= static_cast<int>(ops_.size())) return plain;
  const TraceOp& op = ops_[op_index];
  if (std::find(op.writes.begin(), op.writes.end(), tensor) == op.writes.end()) return plain;
  Explanation e(t.batched && batch() > 1 ? "sample " + std::to_string(s) + ":\n" : "");
  Explanation body;
  const int last = work_->size() - 1;
  switch (op.kind) {
    case OpKind::Loss:
      body = ce_.explain_probability(tensors_[out_[last]].data, tensors_[out_[last]].name, s, k);
      break;
    case OpKind::LossBackward:
      body = ce_.explain_gradient(t.data, tensors_[out_[last]].name, s, k);
      break;
    case OpKind::Forward:
      body = work_->layer(op.layer).explain_forward(values(op.layer), s, k);
      break;
    case OpKind::Backward: {
      int what = -1;  // ∂L/∂x, or the gradient of the layer's parameter `what`
      const auto& lp = layer_params_[op.layer];
      for (size_t j = 0; j < lp.size(); ++j)
        if (pid_[lp[j]].grad == tensor) what = static_cast<int>(j);
      body = work_->layer(op.layer).explain_backward(values(op.layer), what, s, k);
      break;
    }
    case OpKind::Update: {
      const int pi = t.param;
      const ParamIds& id = pid_[pi];
      UpdateValues u;
      u.label = index_label(id.before, k);
      u.w0 = tensors_[id.before].data.data()[k];
      u.g0 = tensors_[id.grad].data.data()[k];
      u.w1 = tensors_[id.after].data.data()[k];
      const Matrix& m0 = start_.m[pi];
      const Matrix& v0 = start_.v[pi];
      u.m0 = m0.size() > k ? m0.data()[k] : 0.0;
      u.v0 = v0.size() > k ? v0.data()[k] : 0.0;
      u.m1 = tensors_[id.m].data.size() > k ? tensors_[id.m].data.data()[k] : 0.0;
      u.v1 = tensors_[id.v].data.size() > k ? tensors_[id.v].data.data()[k] : 0.0;
      u.decay = work_->params()[pi]->decay;
      if (tensor == id.delta)
        body.calc(index_label(tensor, k) + " = new − old", "{} − {}", {u.w1, u.w0}, val).say("", true);
      body.append(opt_->explain(u, steps_ + 1));
      break;
    }
  }
  return e.append(body);
}

}  // namespace bpl
