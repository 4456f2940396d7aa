// Softmax + cross-entropy, fused (the ŷ − y shortcut of every seed report).
//   z : logits (K × B)   y : labels (B)   ŷ = softmax(z) (K × B)
//   forward   ŷ_k = e^{z_k − m} / Σ_j e^{z_j − m},  m = max_j z_j     (log-sum-exp, stable)
//             L = (1/B) Σ_n −log ŷ_{y_n, n} = (1/B) Σ_n (m + log Σ_j e^{z_j − m} − z_{y_n})
//   backward  ∂L/∂z = (ŷ − onehot(y)) / B
#pragma once

#include "core/explain.h"
#include "core/tensor.h"

#include <vector>

namespace bpl {

class SoftmaxCrossEntropy {
 public:
  // mean loss over the batch; keeps ŷ for backward. Labels must be in [0, K).
  double forward(const Matrix& z, const std::vector<int>& labels);
  // ∂L/∂z for the last forward
  void backward(Matrix& dz) const;
  const Matrix& probabilities() const { return p_; }
  // per-sample losses −log ŷ_y of the last forward
  const std::vector<double>& sample_losses() const { return losses_; }
  // how many argmax predictions of the last forward equal the labels
  int correct() const { return correct_; }

  // ---- the lesson, in the stepper's names (z: the logits' name, e.g. "z¹²")
  static Lesson lesson(const std::string& z);
  // ŷ[k] of sample s of the last forward (z: those logits), and the loss when k is the true class
  Explanation explain_probability(const Matrix& z, const std::string& zname, int s, int k) const;
  // ∂L/∂z[k] of sample s, as backward() wrote it into dz
  Explanation explain_gradient(const Matrix& dz, const std::string& zname, int s, int k) const;

 private:
  Matrix p_;
  std::vector<int> labels_;
  std::vector<double> losses_;
  int correct_ = 0;
};

// softmax of logits, column by column (for inference and the drawing pad)
void softmax(const Matrix& z, Matrix& p);

}  // namespace bpl
