// Softmax + cross-entropy, fused (the ŷ − y shortcut of every seed report).
//   z : logits (K × B)   y : labels (B)   ŷ = softmax(z) (K × B)
//   forward   ŷ_k = e^{z_k − m} / Σ_j e^{z_j − m},  m = max_j z_j     (log-sum-exp, stable)
//             L = (1/B) Σ_n −log ŷ_{y_n, n} = (1/B) Σ_n (m + log Σ_j e^{z_j − m} − z_{y_n})   (mean)
//             L = Σ_n −log ŷ_{y_n, n}                                                 (sum, R1's NumPy code)
//   backward  ∂L/∂z = (ŷ − onehot(y)) / B   (mean)      ∂L/∂z = ŷ − onehot(y)   (sum)
// The sum's gradient is B times the mean's: SGD with η on the sum takes the steps of η·B on the mean.
#pragma once

#include "core/explain.h"
#include "core/tensor.h"

#include <string>
#include <vector>

namespace bpl {

// How the per-image losses of a batch become L: their mean (every framework's default) or
// their sum (R1's NumPy code: ∂L/∂W₂ = hᵀ(ŷ − y), no 1/B).
enum class Reduction { Mean, Sum };
const char* reduction_name(Reduction r);             // "mean", "sum"
Reduction parse_reduction(const std::string& name);  // ConfigError listing the names
const std::vector<Reduction>& reductions();

class SoftmaxCrossEntropy {
 public:
  explicit SoftmaxCrossEntropy(Reduction r = Reduction::Mean) : reduction_(r) {}
  void set_reduction(Reduction r) { reduction_ = r; }
  Reduction reduction() const { return reduction_; }
  // L of the batch (mean or sum of −log ŷ_y); keeps ŷ for backward. Labels must be in [0, K).
  double forward(const Matrix& z, const std::vector<int>& labels);
  // the mean per-image loss of the last forward, whatever the reduction (what the logs print)
  double mean_loss() const { return mean_loss_; }
  // ∂L/∂z for the last forward
  void backward(Matrix& dz) const;
  const Matrix& probabilities() const { return p_; }
  // per-sample losses −log ŷ_y of the last forward
  const std::vector<double>& sample_losses() const { return losses_; }
  // how many argmax predictions of the last forward equal the labels
  int correct() const { return correct_; }

  // ---- the lesson, in the stepper's names (z: the logits' name, e.g. "z¹²"); /B only for the mean
  static Lesson lesson(const std::string& z, Reduction r = Reduction::Mean);
  // ŷ[k] of sample s of the last forward (z: those logits), and the loss when k is the true class
  Explanation explain_probability(const Matrix& z, const std::string& zname, int s, int k) const;
  // ∂L/∂z[k] of sample s, as backward() wrote it into dz
  Explanation explain_gradient(const Matrix& dz, const std::string& zname, int s, int k) const;

 private:
  Matrix p_;
  std::vector<int> labels_;
  std::vector<double> losses_;
  double mean_loss_ = 0;
  int correct_ = 0;
  Reduction reduction_ = Reduction::Mean;
};

// softmax of logits, column by column (for inference and the drawing pad)
void softmax(const Matrix& z, Matrix& p);

}  // namespace bpl
