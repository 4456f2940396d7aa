// Pooling over k×k windows with a stride, per channel (no parameters).
//   x : (C·H·W × B)   y : (C·Ho·Wo × B),  Ho = (H − k)/s + 1 (must be whole)
//   MaxPool2D  forward   y[c,oh,ow] = max_{i,j} x[c, oh·s+i, ow·s+j]  (remembers the winner)
//              backward  ∂L/∂x[winner] += ∂L/∂y, every other input gets 0
//   AvgPool2D  forward   y[c,oh,ow] = (1/k²) Σ_{i,j} x[c, oh·s+i, ow·s+j]  (LeNet's subsampling)
//              backward  ∂L/∂x[c, oh·s+i, ow·s+j] += ∂L/∂y[c,oh,ow] / k²
#pragma once

#include "layers/layer.h"

#include <vector>

namespace bpl {

class Pool2D : public Layer {
 public:
  Pool2D(bool max, int k, int stride) : max_(max), k_(k), s_(stride) {}
  static std::unique_ptr<Layer> from_spec_max(const LayerSpec& s) { return from_spec(s, true); }
  static std::unique_ptr<Layer> from_spec_avg(const LayerSpec& s) { return from_spec(s, false); }

  std::string type() const override { return max_ ? "maxpool" : "avgpool"; }
  std::string spec() const override;
  std::string describe() const override;
  Shape setup(const Shape& in, Rng& rng) override;
  void forward(const Matrix& x, Matrix& y, Mode mode) override;
  void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
  void forward_reference(const Matrix& x, Matrix& y, Mode mode) override;
  void infer(const Matrix& x, Matrix& y) override;
  int max_pool_size() const override { return max_ && k_ == s_ ? k_ : 0; }

  std::string kind() const override { return max_ ? "MaxPool" : "AvgPool"; }
  Lesson lesson(const TensorNames& n) const override;
  Explanation explain_forward(const StepValues& v, int s, long k) const override;
  Explanation explain_backward(const StepValues& v, int what, int s, long k) const override;
  std::string symbol() const override { return "p"; }
  double flops(int batch) const override { return static_cast<double>(out_.size()) * k_ * k_ * batch; }
  // max pooling: the index within the sample's input column of the winner of each output
  const Eigen::MatrixXi* winners() const override { return max_ ? &argmax_ : nullptr; }

 private:
  static std::unique_ptr<Layer> from_spec(const LayerSpec& s, bool max);
  bool max_;
  int k_, s_;
  Eigen::MatrixXi argmax_;
  std::vector<float> rows_;  // infer: the maxima down each window's two rows
};

}  // namespace bpl
