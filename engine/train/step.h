// One training step — the only one in Backprop Lab. The Trainer, the step-through trace and the
// benchmark all call it, so the numbers the stepper shows are the trainer's numbers.
//   forward (training mode) → L = softmax cross-entropy → ∂L/∂z = (ŷ − y)/B → backward → update
// (with the optimizer's reduction Sum: L = Σₙ and ∂L/∂z = ŷ − y)
// When the mean loss is not finite or above `loss_limit`, nothing is updated (the trainer rolls back).
#pragma once

#include "loss/softmax_cross_entropy.h"
#include "model/model.h"
#include "train/optimizer.h"

#include <cmath>
#include <vector>

namespace bpl {

struct StepOutcome {
  double loss = 0;       // L as the reduction forms it (mean or sum over the batch)
  double mean_loss = 0;  // the mean per-image loss (what the logs print; what loss_limit checks)
  int correct = 0;
  bool updated = false;  // false: the loss was not finite or above the limit
};

// `dz` is scratch (kept by the caller so a steady batch size does not allocate).
StepOutcome train_step(Model& model, SoftmaxCrossEntropy& loss, Optimizer& opt, const Matrix& x,
                       const std::vector<int>& labels, Matrix& dz, bool input_grad = false,
                       double loss_limit = INFINITY);

// The loss of the model on (x, labels) in training mode, without a backward pass (what the
// finite-difference checks evaluate).
double training_loss(Model& model, const Matrix& x, const std::vector<int>& labels,
                     Reduction reduction = Reduction::Mean);

}  // namespace bpl
