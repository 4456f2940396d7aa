#include "model/saliency.h"

#include "core/error.h"

namespace bpl {

Matrix saliency(Model& model, const Matrix& x, int cls) {
  if (x.cols() != 1) throw ConfigError("saliency takes one image");
  const Matrix& z = model.forward(x, Mode::Eval);
  if (cls < 0 || cls >= z.rows()) throw ConfigError("no class " + std::to_string(cls));
  Matrix dz = Matrix::Zero(z.rows(), 1);
  dz(cls, 0) = 1.0f;  // ∂z_c/∂z = one-hot(c)
  model.backward(dz, /*need_input_grad=*/true);
  return model.input_grad();
}

}  // namespace bpl
