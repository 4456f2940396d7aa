#include "layers/layer.h"

namespace bpl {

std::string StepValues::x_at(long k) const { return names.x + in.index_str(k); }
std::string StepValues::y_at(long k) const { return names.y + out.index_str(k); }

// "{} · {} + {} · {} + … " for n products, the pattern of a short weighted sum
std::string sum_pattern(int n, bool products) {
  std::string p;
  for (int i = 0; i < n; ++i) p += std::string(i ? " + " : "") + (products ? "{} · {}" : "{}");
  return p.empty() ? "0" : p;
}

}  // namespace bpl
