#include "layers/layer.h"

#include <cmath>

namespace bpl {

std::string StepValues::x_at(long k) const {
  return names.x + in.index_str(k);
}
std::string StepValues::y_at(long k) const {
  return names.y + out.index_str(k);
}

// "{} · {} + {} · {} + … " for n products, the pattern of a short weighted sum
std::string sum_pattern(int n, bool products) {
  std::string p;
  for (int i = 0; i < n; ++i) p += std::string(i ? " + " : "") + (products ? "{} · {}" : "{}");
  return p.empty() ? "0" : p;
}

void ProductSum::add(double a, double b, std::string label) {
  const double t = a * b;
  total += t;
  if (largest < 0 || std::abs(t) > std::abs(operands[2 * largest] * operands[2 * largest + 1])) largest = terms();
  operands.insert(operands.end(), {a, b});
  labels.push_back(std::move(label));
}

Explanation& ProductSum::explain(Explanation& e, const std::string& lhs, double result, const std::string& tail,
                                 const std::vector<double>& tail_operands) const {
  std::vector<double> ops;
  if (terms() <= kMaxExplainedTerms) {
    ops = operands;
    ops.insert(ops.end(), tail_operands.begin(), tail_operands.end());
    return e.calc(lhs, sum_pattern(terms(), true) + tail, ops, result);
  }
  ops = {total};
  ops.insert(ops.end(), tail_operands.begin(), tail_operands.end());
  e.calc(lhs, "{}" + tail, ops, result);
  e.say(std::to_string(terms()) + " terms; the largest:", true).say(" ");
  const double a = operands[2 * largest], b = operands[2 * largest + 1];
  return e.calc(labels[largest], "{} · {}", {a, b}, a * b);
}

}  // namespace bpl
