#include "loss/softmax_cross_entropy.h"

#include "core/error.h"

#include <cmath>

namespace bpl {

const char* reduction_name(Reduction r) {
  return r == Reduction::Sum ? "sum" : "mean";
}

const std::vector<Reduction>& reductions() {
  static const std::vector<Reduction> all = {Reduction::Mean, Reduction::Sum};
  return all;
}

Reduction parse_reduction(const std::string& name) {
  for (Reduction r : reductions())
    if (name == reduction_name(r)) return r;
  throw ConfigError("loss reduction \"" + name + "\" is unknown (use mean or sum)");
}

void softmax(const Matrix& z, Matrix& p) {
  p.resize(z.rows(), z.cols());
  for (Eigen::Index n = 0; n < z.cols(); ++n) {
    const float m = z.col(n).maxCoeff();
    p.col(n) = (z.col(n).array() - m).exp();  // e^{z − m}
    p.col(n) /= p.col(n).sum();               // ŷ = e^{z − m} / Σ e^{z − m}
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
    if (y < 0 || y >= K)
      throw ConfigError("loss: label " + std::to_string(y) + " is outside 0.." + std::to_string(K - 1));
    const double m = z.col(n).maxCoeff();
    double s = 0.0;
    for (Eigen::Index k = 0; k < K; ++k) s += std::exp(static_cast<double>(z(k, n)) - m);
    losses_[n] = m + std::log(s) - z(y, n);  // −log ŷ_y = log Σ e^{z} − z_y
    total += losses_[n];
    Eigen::Index arg;
    z.col(n).maxCoeff(&arg);
    correct_ += (arg == y);
  }
  mean_loss_ = total / static_cast<double>(B);
  return reduction_ == Reduction::Sum ? total : mean_loss_;  // L = Σₙ or (1/B) Σₙ
}

void SoftmaxCrossEntropy::backward(Matrix& dz) const {
  dz = p_;
  for (Eigen::Index n = 0; n < p_.cols(); ++n) dz(labels_[n], n) -= 1.0f;  // ŷ − onehot(y): the sum's ∂L/∂z
  if (reduction_ == Reduction::Mean) dz *= 1.0f / static_cast<float>(p_.cols());  // ∂L/∂z = (ŷ − y) / B
}

Lesson SoftmaxCrossEntropy::lesson(const std::string& z, Reduction r) {
  if (r == Reduction::Sum)
    return {"ŷ = softmax(" + z + "),   L = Σₙ −log ŷ_y", "∂L/∂" + z + " = ŷ − y",
            "Softmax turns the logits into probabilities; the loss is −log of the true class's probability, summed "
            "over the batch.",
            "The famous shortcut: softmax and cross-entropy together have this simple gradient (summed over the "
            "batch: no 1/B, so each step is B times the mean's)."};
  return {"ŷ = softmax(" + z + "),   L = (1/B) Σₙ −log ŷ_y", "∂L/∂" + z + " = (ŷ − y) / B",
          "Softmax turns the logits into probabilities; the loss is −log of the true class's probability.",
          "The famous shortcut: softmax and cross-entropy together have this simple gradient."};
}

Explanation SoftmaxCrossEntropy::explain_probability(const Matrix& z, const std::string& zname, int s, int k) const {
  double m = -INFINITY, den = 0;
  for (Eigen::Index j = 0; j < z.rows(); ++j) m = std::max(m, static_cast<double>(z(j, s)));
  for (Eigen::Index j = 0; j < z.rows(); ++j) den += std::exp(z(j, s) - m);
  const std::string kk = "[" + std::to_string(k) + "]";
  Explanation e;
  e.say("max = max_j " + zname + "[j] = " + format_number(m, 6) + ",   Σⱼ e^(" + zname +
        "[j] − max) = " + format_number(den, 6));
  e.say("", true).calc("ŷ" + kk + " = e^(" + zname + kk + " − max) / Σⱼ e^(" + zname + "[j] − max)",
                       "exp({} − {}) / {}", {z(k, s), m, den}, p_(k, s));
  if (k == labels_[s])  // as forward() computes it: −log ŷ_y = log Σⱼ e^(zⱼ − max) − (z_y − max)
    e.say("the true class:", true)
        .say(" ")
        .calc("L = −log ŷ" + kk + " = log Σⱼ e^(" + zname + "[j] − max) − (" + zname + kk + " − max)",
              "log({}) − ({} − {})", {den, z(k, s), m}, losses_[s]);
  return e;
}

Explanation SoftmaxCrossEntropy::explain_gradient(const Matrix& dz, const std::string& zname, int s, int k) const {
  const std::string kk = "[" + std::to_string(k) + "]";
  const int B = static_cast<int>(p_.cols());
  if (reduction_ == Reduction::Sum)
    return Explanation().calc("∂L/∂" + zname + kk + " = ŷ" + kk + " − y" + kk, "{} − {}",
                              {p_(k, s), k == labels_[s] ? 1.0 : 0.0}, dz(k, s));
  return Explanation().calc("∂L/∂" + zname + kk + " = (ŷ" + kk + " − y" + kk + ") / B", "({} − {}) / {}",
                            {p_(k, s), k == labels_[s] ? 1.0 : 0.0, static_cast<double>(B)}, dz(k, s));
}

}  // namespace bpl
