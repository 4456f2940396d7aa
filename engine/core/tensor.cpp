#include "core/tensor.h"

namespace bpl {

std::string Shape::str() const {
  if (is_flat()) return std::to_string(c);
  return std::to_string(c) + "×" + std::to_string(h) + "×" + std::to_string(w);
}

std::string Shape::index_str(long k) const {
  if (is_flat()) return "[" + std::to_string(k) + "]";
  const long ch = k / (static_cast<long>(h) * w), r = (k / w) % h, col = k % w;
  if (c == 1) return "[" + std::to_string(r) + ", " + std::to_string(col) + "]";
  return "[" + std::to_string(ch) + ", " + std::to_string(r) + ", " + std::to_string(col) + "]";
}

}  // namespace bpl
