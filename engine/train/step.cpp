#include "train/step.h"

namespace bpl {

StepOutcome train_step(Model& model, SoftmaxCrossEntropy& loss, Optimizer& opt, const Matrix& x,
                       const std::vector<int>& labels, Matrix& dz, bool input_grad, double loss_limit) {
  StepOutcome r;
  loss.set_reduction(opt.config().reduction);
  const Matrix& z = model.forward(x, Mode::Train);  // z = f(x; θ)
  r.loss = loss.forward(z, labels);                 // L = (1/B) Σ −log ŷ_y   (sum: Σ −log ŷ_y)
  r.mean_loss = loss.mean_loss();
  r.correct = loss.correct();
  if (!std::isfinite(r.mean_loss) || r.mean_loss > loss_limit) return r;
  loss.backward(dz);               // ∂L/∂z = (ŷ − y) / B   (sum: ŷ − y)
  model.backward(dz, input_grad);  // ∂L/∂θ for every layer, last to first
  opt.step(model.params());        // θ ← update(θ, ∂L/∂θ)
  r.updated = true;
  return r;
}

double training_loss(Model& model, const Matrix& x, const std::vector<int>& labels, Reduction reduction) {
  SoftmaxCrossEntropy ce(reduction);
  return ce.forward(model.forward(x, Mode::Train), labels);
}

}  // namespace bpl
