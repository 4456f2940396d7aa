#include "core/tensor.h"

namespace bpl {

std::string Shape::str() const {
  if (is_flat()) return std::to_string(c);
  return std::to_string(c) + "×" + std::to_string(h) + "×" + std::to_string(w);
}

}  // namespace bpl
