// Explanations a learner can redo by hand.
//
// An Explanation is text plus the arithmetic lines inside it. Each line is written by
// Explanation::calc(): "lhs = expression with numbers = result", where the numbers are printed
// with the fewest significant digits (4 at least) for which evaluating the printed expression
// gives the printed result. So "(0.99996305 − 1) / 1 = −3.695e−05" and never "(1 − 1) / 1 =
// −3.695e−05". When even 12 digits cannot make float arithmetic agree, the line says "≈".
//
// The expression syntax is also what eval_arithmetic() reads (the tests re-do every line):
// numbers (1.5, −2e−05), + − · × / ( ), postfix ², and max(…), min(…), exp(…), log(…),
// tanh(…), √(…).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace bpl {

struct ArithmeticLine {
  std::string expression;  // "0.5 · (−0.25) + 0.1"
  std::string result;      // "−0.025"
  int digits = 4;          // significant digits of the result
  bool exact = true;       // false: printed with "≈" (the printed digits could not be made to agree)
};

class Explanation {
 public:
  Explanation() = default;
  explicit Explanation(std::string text) : text_(std::move(text)) {}

  // Append plain text (a new line when `line` is true and the text is not empty).
  Explanation& say(const std::string& text, bool line = false);
  // Append "lhs = <pattern with {} replaced by the operands> = result", digits chosen to add up.
  // `lhs` may already hold a symbolic form: "z²[3] = Σⱼ W[3, j]·x[j] + b[3]".
  Explanation& calc(const std::string& lhs, const std::string& pattern, const std::vector<double>& operands,
                    double result);
  Explanation& append(const Explanation& other);  // its text and its arithmetic lines

  const std::string& text() const { return text_; }
  const std::vector<ArithmeticLine>& arithmetic() const { return lines_; }

 private:
  std::string text_;
  std::vector<ArithmeticLine> lines_;
};

// What a layer, the loss or an optimizer says about its two directions (or its update).
struct Lesson {
  std::string forward, backward;            // equations in the stepper's names
  std::string forward_note, backward_note;  // one sentence each
};

// A number as the stepper prints it: `digits` significant digits, "−" for minus, no "+" in exponents.
std::string format_number(double v, int digits = 4);
// Evaluate an arithmetic line's expression (syntax above); throws std::runtime_error on bad syntax.
double eval_arithmetic(const std::string& expression);
// Parse a printed number (with "−" or "-").
double parse_number(const std::string& text);

}  // namespace bpl
