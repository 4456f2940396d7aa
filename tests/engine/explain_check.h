// Does an explanation add up? Every arithmetic line, redone from its printed numbers, gives its
// printed result, and one of the lines prints the value the operation wrote.
#pragma once

#include "core/explain.h"

#include <catch2/catch.hpp>

namespace bpl::test {

inline bool line_adds_up(const ArithmeticLine& a) {
  return a.exact && format_number(eval_arithmetic(a.expression), a.digits) == a.result;
}

// `written`: the value the operation wrote (NAN: do not look for it)
inline void check_adds_up(const Explanation& e, double written) {
  INFO(e.text());
  bool shows_value = std::isnan(written);
  for (const ArithmeticLine& a : e.arithmetic()) {
    INFO(a.expression << " = " << a.result);
    CHECK(line_adds_up(a));
    if (format_number(written, a.digits) == a.result) shows_value = true;
  }
  CHECK(shows_value);
}

}  // namespace bpl::test
