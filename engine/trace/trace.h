// The step-through trace: one training step on one sample (or a small batch), recorded
// operation by operation with every tensor it reads and writes, for the backprop stepper.
//
//   capture(model, optimizer, x, labels)
//       copies the model (layers, weights, optimizer state) and runs ONE training step on
//       the copy with the engine's own code: Model::forward (Mode::Train), the fused
//       softmax cross-entropy, Model::backward, Optimizer::step. Nothing here re-implements
//       the maths; the trace only keeps copies of what that code produced, so its numbers
//       are the training step's numbers. The live model is never touched (apply_to() does).
//
//   ops:  forward of every layer → loss (ŷ = softmax z, L = −log ŷ_y) → ∂L/∂z = (ŷ − y)/B →
//         backward of every layer, last to first → the update of every layer with parameters
//
//   what-if: set_value() changes one input pixel, weight or bias of the copy and re-runs the
//         step; changed() tells which values now differ from the unedited run; reset_edits().
//   check_gradient(): central finite difference of the loss against the traced ∂L/∂θ.
//   explain(): the chain-rule product behind one value, with the numbers, for hover text.
//
// The trace is a generic recorder: it never asks what type a layer is. Names, equations,
// explanations and parameter layouts come from the layer contract (layers/layer.h), the loss's
// and the optimizer's lessons. Random masks are drawn once per capture and held
// (Layer::hold_randomness), so re-runs see the same network.
#pragma once

#include "loss/softmax_cross_entropy.h"
#include "model/model.h"
#include "train/gradcheck.h"
#include "train/optimizer.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bpl {

enum class OpKind { Forward, Loss, LossBackward, Backward, Update };
const char* op_kind_name(OpKind k);

// How the values of a tensor are laid out for display.
enum class TensorLayout {
  Image,    // one column per sample, read as c×h×w (a vector when h = w = 1)
  Matrix,   // a dense layer's W: rows × cols
  Kernels,  // a conv layer's W: Cout × (Cin·kh·kw), shown as Cout×Cin kernels of kh×kw
  Vector,   // a bias: n × 1
};

struct TraceTensor {
  std::string name;  // "z¹", "∂L/∂W¹", "W¹ after"
  std::string what;  // "output of layer 1, Conv2D 6@5×5"
  TensorLayout layout = TensorLayout::Image;
  Shape shape;  // Image: c×h×w of one sample; Kernels: cout×cin in c,h and kh×kw in kh,kw
  int kh = 1, kw = 1;
  bool batched = false;   // one column per sample
  Matrix data;            // batched: features × B;  otherwise the parameter's own matrix
  int param = -1;         // index into Model::params() when this is a parameter (or its gradient)
  bool editable = false;  // input pixels, weights and biases can be edited (what-if)
  // the value at flat index i of sample s (s ignored when not batched)
  float at(int sample, int i) const { return batched ? data(i, sample) : data.data()[i]; }
  int size_per_sample() const { return static_cast<int>(batched ? data.rows() : data.size()); }
};

struct TraceOp {
  OpKind kind = OpKind::Forward;
  int layer = -1;                  // model layer, or -1 for the loss
  std::string title;               // "Layer 1 · Conv2D 6@5×5 · forward"
  std::string equation;            // written with the tensor names of this trace
  std::string note;                // one sentence on what happens
  std::vector<int> reads, writes;  // tensor ids
};

class Trace {
 public:
  Trace();
  ~Trace();
  Trace(Trace&&) noexcept;
  Trace& operator=(Trace&&) noexcept;

  // Record one training step of a copy of `model` on batch x (one sample per column) with
  // labels; `opt` and `steps` are the trainer's optimizer settings and step count so far.
  void capture(Model& model, const OptimizerConfig& opt, long steps, const Matrix& x, const std::vector<int>& labels);
  bool empty() const { return ops_.empty(); }

  const std::vector<TraceOp>& ops() const { return ops_; }
  const std::vector<TraceTensor>& tensors() const { return tensors_; }
  const TraceTensor& tensor(int id) const { return tensors_[id]; }
  int batch() const { return static_cast<int>(labels_.size()); }
  const std::vector<int>& labels() const { return labels_; }
  Model& model() { return *work_; }
  const Model& model() const { return *work_; }

  double loss_before() const { return loss_before_; }  // mean loss of the batch before the update
  double loss_after() const { return loss_after_; }    // … and after it, same batch, same masks
  const std::vector<double>& sample_losses() const { return sample_losses_; }
  int first_op(OpKind k) const;  // index of the first op of a kind (−1 if none)
  int input_tensor() const { return input_; }
  int probs_tensor() const { return probs_; }
  // max-pool layer `layer`: for each output (row) and sample (column), the index of the input
  // that won its window in the traced forward pass (empty for other layers)
  const Eigen::MatrixXi& winners(int layer) const { return winners_[layer]; }

  // ---- what-if
  // Change one value of an editable tensor (sample s for the input) and re-run the step.
  void set_value(int tensor, int sample, int index, float value);
  void reset_edits();
  int edit_count() const { return static_cast<int>(edits_.size()); }
  bool edited(int tensor, int sample, int index) const;
  std::vector<int> edited_indices(int tensor, int sample) const;  // the edited values of one sample
  // values of tensor that differ from the unedited run (all false without edits)
  bool changed(int tensor, int sample, int index) const;
  int changed_count(int tensor) const;

  // ---- checks and explanations
  GradCheckResult check_gradient(int tensor, int index, int sample = 0, double h = 1e-3);
  // one check per parameter tensor (its largest |∂L/∂θ|) plus one input pixel
  std::vector<GradCheckResult> check_some();
  // "∂L/∂z₇ = ∂L/∂a₇ · 1[z₇ > 0] = 0.031 · 1 = 0.031", for value `index` of `tensor` as `op` writes it;
  // explanation() also lists the arithmetic lines (each adds up when redone by hand)
  Explanation explanation(int op, int tensor, int sample, int index) const;
  std::string explain(int op, int tensor, int sample, int index) const {
    return explanation(op, tensor, sample, index).text();
  }
  // "z¹[2, 11, 5]" or "W³[4, 17]"
  std::string index_label(int tensor, int index) const;

  // Copy the updated weights and optimizer state into `model` (the learner pressed "apply");
  // returns the optimizer's new step count.
  long apply_to(Model& model) const;

 private:
  void build_ops();
  void run();         // the training step on the copy, from the start state + edits
  double loss_now();  // forward + loss on the copy's current weights (held masks)
  void restore_start();
  int add_tensor(TraceTensor t);

  std::unique_ptr<Model> work_;
  std::unique_ptr<Optimizer> opt_;
  OptimizerConfig opt_cfg_;
  long steps_ = 0;
  SoftmaxCrossEntropy ce_;
  Matrix x0_, x_;
  std::vector<int> labels_;
  ModelSnapshot start_, after_;                 // the copy before the step (before edits) and right after it
  std::map<std::pair<int, int>, float> edits_;  // (tensor, flat index in data) → value
  std::vector<Matrix> baseline_;                // tensor data of the unedited run
  std::vector<TraceTensor> tensors_;
  std::vector<TraceOp> ops_;
  double loss_before_ = 0, loss_after_ = 0;
  std::vector<double> sample_losses_;
  // tensor ids: per layer output and its gradient, per parameter before/grad/after/delta/m/v
  int input_ = -1, input_grad_ = -1, labels_t_ = -1, probs_ = -1;
  std::vector<int> out_, dout_;
  struct ParamIds {
    int before = -1, grad = -1, after = -1, delta = -1, m = -1, v = -1;
  };
  std::vector<ParamIds> pid_;
  StepValues values(int layer) const;           // what a layer's explanations read
  std::vector<Eigen::MatrixXi> winners_;        // max-pool winners of the traced forward
  std::vector<std::vector<int>> layer_params_;  // per layer, its indices into Model::params()
};

}  // namespace bpl
