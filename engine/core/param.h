// A trainable parameter: its value, its gradient and the optimizer's state live together
// (as in ConvNetJS's Vol with w and dw), so an optimizer is a loop over parameters.
#pragma once

#include "core/tensor.h"

#include <string>

namespace bpl {

struct Param {
  explicit Param(std::string n = {}) : name(std::move(n)) {}

  std::string name;   // "W" or "b"
  Matrix value;       // the parameter θ
  Matrix grad;        // ∂L/∂θ of the last backward pass (overwritten, not accumulated)
  Matrix m, v;        // optimizer state: momentum / Adam's first and second moments
  bool decay = true;  // L2 weight decay applies (weights yes, biases no)

  void resize(int rows, int cols) {
    value.setZero(rows, cols);
    grad.setZero(rows, cols);
    m.resize(0, 0);
    v.resize(0, 0);
  }
  long size() const { return static_cast<long>(value.size()); }
};

}  // namespace bpl
