// Saliency (Simonyan et al., 2013): the gradient of one class's score with respect to the input
// pixels, from the engine's own backward pass with ∂z/∂z_c = one-hot(c):
//   S = ∂z_c/∂x        (z: the logits; S has the input's shape)
// Bright where changing a pixel would change the score most.
#pragma once

#include "model/model.h"

namespace bpl {

// x: one image (a column). Returns ∂z_cls/∂x as a column. Uses evaluation mode (no dropout);
// overwrites the model's activations and parameter gradients (not its weights).
Matrix saliency(Model& model, const Matrix& x, int cls);

}  // namespace bpl
