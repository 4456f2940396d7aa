#include "core/explain.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace bpl {

namespace {

const char* kMinus = "\xE2\x88\x92";  // − (U+2212)

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// Recursive descent over the expression syntax of explain.h, in double precision.
class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  double parse() {
    const double v = expr();
    skip();
    if (i_ != s_.size()) fail("unexpected text");
    return v;
  }

 private:
  [[noreturn]] void fail(const char* why) const {
    throw std::runtime_error(std::string(why) + " at byte " + std::to_string(i_) + " of \"" + s_ + "\"");
  }
  void skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool eat(const char* tok) {
    skip();
    const size_t n = std::strlen(tok);
    if (s_.compare(i_, n, tok) != 0) return false;
    i_ += n;
    return true;
  }
  bool eat_minus() { return eat("-") || eat(kMinus); }
  double expr() {
    double v = term();
    for (;;) {
      if (eat("+"))
        v += term();
      else if (eat_minus())
        v -= term();
      else
        return v;
    }
  }
  double term() {
    double v = unary();
    for (;;) {
      if (eat("\xC2\xB7") || eat("\xC3\x97") || eat("*"))
        v *= unary();  // · × *
      else if (eat("/"))
        v /= unary();
      else
        return v;
    }
  }
  double unary() {
    if (eat_minus()) return -unary();
    if (eat("+")) return unary();
    return postfix();
  }
  double postfix() {
    double v = primary();
    while (eat("\xC2\xB2")) v = v * v;  // ²
    return v;
  }
  double primary() {
    skip();
    if (eat("(")) {
      const double v = expr();
      if (!eat(")")) fail("missing )");
      return v;
    }
    if (eat("\xE2\x88\x9A")) return std::sqrt(postfix());  // √
    static const char* funcs[] = {"max", "min", "exp", "log", "tanh"};
    for (const char* f : funcs) {
      if (!eat(f)) continue;
      if (!eat("(")) fail("missing ( after a function");
      std::vector<double> args{expr()};
      while (eat(",")) args.push_back(expr());
      if (!eat(")")) fail("missing )");
      double v = args[0];
      if (!std::strcmp(f, "max"))
        for (double a : args) v = std::max(v, a);
      else if (!std::strcmp(f, "min"))
        for (double a : args) v = std::min(v, a);
      else if (args.size() != 1)
        fail("one argument expected");
      else if (!std::strcmp(f, "exp"))
        v = std::exp(v);
      else if (!std::strcmp(f, "log"))
        v = std::log(v);
      else
        v = std::tanh(v);
      return v;
    }
    return number();
  }
  double number() {
    skip();
    const size_t start = i_;
    std::string plain;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) plain += s_[i_++];
    if (plain.empty()) fail("a number expected");
    if (i_ < s_.size() && s_[i_] == 'e') {
      plain += s_[i_++];
      if (s_.compare(i_, 3, kMinus) == 0) {
        plain += '-';
        i_ += 3;
      } else if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) {
        plain += s_[i_++];
      }
      const size_t digits = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) plain += s_[i_++];
      if (i_ == digits) fail("exponent digits expected");
    }
    char* end = nullptr;
    const double v = std::strtod(plain.c_str(), &end);
    if (*end != '\0') {
      i_ = start;
      fail("bad number");
    }
    return v;
  }

  const std::string& s_;
  size_t i_ = 0;
};

bool is_operator_before(const std::string& pattern, size_t pos) {
  while (pos > 0 && pattern[pos - 1] == ' ') --pos;
  if (pos == 0) return false;
  const std::string before = pattern.substr(0, pos);
  for (const char* op : {"+", "-", "\xE2\x88\x92", "\xC2\xB7", "\xC3\x97", "*", "/"})
    if (before.size() >= std::strlen(op) && before.compare(before.size() - std::strlen(op), std::strlen(op), op) == 0)
      return true;
  return false;
}

std::string fill(const std::string& pattern, const std::vector<double>& operands, int digits) {
  std::string out;
  auto it = operands.begin();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "{}") != 0) {
      out += pattern[i];
      continue;
    }
    if (it == operands.end()) throw std::logic_error("explanation pattern has more {} than operands");
    const std::string n = format_number(*it++, digits);
    const bool negative = n.compare(0, 3, kMinus) == 0;
    const bool squared = pattern.compare(i + 2, 2, "\xC2\xB2") == 0;
    const bool exponent = n.find('e') != std::string::npos;  // "1.5e−5²" would read as 1.5·10^(−25)
    out += (negative && (squared || is_operator_before(pattern, i))) || (exponent && squared) ? "(" + n + ")" : n;
    ++i;
  }
  if (it != operands.end()) throw std::logic_error("explanation pattern has fewer {} than operands");
  return out;
}

}  // namespace

std::string format_number(double v, int digits) {
  if (v == 0) v = 0;  // no "−0"
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "∞" : std::string(kMinus) + "∞";
  char b[48];
  std::snprintf(b, sizeof b, "%.*g", digits, v);
  std::string s = replace_all(b, "e+", "e");
  s = replace_all(s, "e-0", "e-");
  s = replace_all(s, "e0", "e");
  return replace_all(s, "-", kMinus);
}

double parse_number(const std::string& text) {
  return Parser(text).parse();
}

double eval_arithmetic(const std::string& expression) {
  return Parser(expression).parse();
}

Explanation& Explanation::say(const std::string& text, bool line) {
  if (line && !text_.empty() && text_.back() != '\n') text_ += '\n';
  text_ += text;
  return *this;
}

Explanation& Explanation::append(const Explanation& other) {
  text_ += other.text_;
  lines_.insert(lines_.end(), other.lines_.begin(), other.lines_.end());
  return *this;
}

Explanation& Explanation::calc(const std::string& lhs, const std::string& pattern, const std::vector<double>& operands,
                               double result) {
  ArithmeticLine line;
  line.exact = false;
  // the fewest digits that add up: results of 4–6 digits, operands of as many digits as needed
  // (cancellation, as in 1 − 0.99996305, needs more digits in the operands than in the result)
  for (int pr = 4; pr <= 6 && !line.exact; ++pr)
    for (int po = pr; po <= 12 && !line.exact; ++po) {
      const std::string e = fill(pattern, operands, po);
      double v = 0;
      try {
        v = eval_arithmetic(e);
      } catch (const std::runtime_error&) {
        break;
      }
      if (format_number(v, pr) == format_number(result, pr)) {
        line.expression = e;
        line.result = format_number(result, pr);
        line.digits = pr;
        line.exact = true;
      }
    }
  if (!line.exact) {
    line.expression = fill(pattern, operands, 9);
    line.result = format_number(result, 9);
    line.digits = 9;
  }
  // a bare value ("Σ … = S") is printed once, not as "= S = S"
  if (line.exact && line.expression == line.result)
    text_ += lhs + " = " + line.result;
  else
    text_ += lhs + " = " + line.expression + (line.exact ? " = " : " ≈ ") + line.result;
  lines_.push_back(line);
  return *this;
}

}  // namespace bpl
