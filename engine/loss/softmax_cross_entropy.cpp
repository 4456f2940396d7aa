#include "loss/softmax_cross_entropy.h"

#include "core/error.h"

#include <cmath>

namespace bpl {

void softmax(const Matrix& z, Matrix& p) {
  p.resize(z.rows(), z.cols());
  for (Eigen::Index n = 0; n < z.cols(); ++n) {
    const float m = z.col(n).maxCoeff();
    p.col(n) = (z.col(n).array() - m).exp();        // e^{z − m}
    p.col(n) /= p.col(n).sum();                     // ŷ = e^{z − m} / Σ e^{z − m}
  }
}

double SoftmaxCrossEntropy::forward(const Matrix& z, const std::vector<int>& labels) {
  const Eigen::Index K = z.rows(), B = z.cols();
  if (static_cast<Eigen::Index>(labels.size()) != B)
    throw ConfigError("loss: " + std::to_string(labels.size()) + " labels for a batch of " + std::to_string(B));
  softmax(z, p_);
  labels_ = labels;
  losses_.resize(B);
  correct_ = 0;
  double total = 0.0;
  for (Eigen::Index n = 0; n < B; ++n) {
    const int y = labels[n];
    if (y < 0 || y >= K) throw ConfigError("loss: label " + std::to_string(y) + " is outside 0.." + std::to_string(K - 1));
    const double m = z.col(n).maxCoeff();
    double s = 0.0;
    for (Eigen::Index k = 0; k < K; ++k) s += std::exp(static_cast<double>(z(k, n)) - m);
    losses_[n] = m + std::log(s) - z(y, n);        // −log ŷ_y = log Σ e^{z} − z_y
    total += losses_[n];
    Eigen::Index arg;
    z.col(n).maxCoeff(&arg);
    correct_ += (arg == y);
  }
  return total / static_cast<double>(B);           // L = mean over the batch
}

void SoftmaxCrossEntropy::backward(Matrix& dz) const {
  const float inv_b = 1.0f / static_cast<float>(p_.cols());
  dz = p_;
  for (Eigen::Index n = 0; n < p_.cols(); ++n) dz(labels_[n], n) -= 1.0f;   // ŷ − onehot(y)
  dz *= inv_b;                                                               // ∂L/∂z = (ŷ − y) / B
}

}  // namespace bpl
