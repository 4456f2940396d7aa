// Lessons, format v1 (see lessons.h and the README's "Writing a lesson").
// Index of this file:
//   paths and conditions     json_at, parse_condition, eval_condition
//   interpolation            interpolate, check_interpolation
//   the parser               parse_lesson
//   answers                  check_number_answer, check_choice_answer
//   LessonState              the open lesson, its steps, progress to and from JSON
#include "lessons.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bpl::app {

namespace {

// the views a step may open (app.h's kViews; repeated here so this file needs no App)
const char* const kLessonViews[] = {"train", "stepper", "inside", "draw", "report", "experiments"};

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool is_path_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// a whole text as a number ("0.5", "-3", "1e-4"); false for anything else
bool parse_number(const std::string& text, double& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return *end == '\0' && std::isfinite(out) && !std::isalpha(static_cast<unsigned char>(t[0]));
}

}  // namespace

// ------------------------------------------------------------------ paths and conditions
bool valid_path(const std::string& path) {
  if (path.empty() || !is_path_start(path[0]) || path.back() == '.') return false;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!is_path_char(path[i])) return false;
    if (path[i] == '.' && i + 1 < path.size() && path[i + 1] == '.') return false;
  }
  return true;
}

const nlohmann::json* json_at(const nlohmann::json& state, const std::string& path) {
  const nlohmann::json* at = &state;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (at->is_object()) {
      auto it = at->find(part);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (part.empty() || part.size() > 9 ||
          !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return nullptr;
      const size_t i = std::stoul(part);
      if (i >= at->size()) return nullptr;
      at = &(*at)[i];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at;
}

std::string parse_condition(const std::string& text, Condition& out) {
  out.terms.clear();
  // tokens: paths and words, operators, numbers, "strings"
  struct Token {
    char kind;  // 'w' word/path, 'o' operator, 'n' number, 's' string
    std::string text;
    double number = 0;
  };
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (is_path_start(c)) {
      size_t j = i;
      while (j < text.size() && is_path_char(text[j])) ++j;
      tokens.push_back({'w', text.substr(i, j - i)});
      i = j;
    } else if (c == '"') {
      std::string s;
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) ++j;
        s += text[j];
      }
      if (j >= text.size()) return "a string without its closing \"";
      tokens.push_back({'s', s});
      i = j + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      char* end = nullptr;
      const double v = std::strtod(text.c_str() + i, &end);
      const size_t j = static_cast<size_t>(end - text.c_str());
      if (j == i || !std::isfinite(v)) return "\"" + text.substr(i, 12) + "\" is not a number";
      tokens.push_back({'n', text.substr(i, j - i), v});
      i = j;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < text.size() && text[i + 1] == '=') op += '=';
      if (op == "=" || op == "!") return "\"" + op + "\" is not an operator (== != >= <= > <)";
      tokens.push_back({'o', op});
      i += op.size();
    } else {
      return std::string("unexpected \"") + c + "\"";
    }
  }
  if (tokens.empty()) return "an empty condition";
  size_t t = 0;
  while (true) {
    if (t >= tokens.size() || tokens[t].kind != 'w' || tokens[t].text == "and")
      return "expected a state path" +
             (t < tokens.size() ? " at \"" + tokens[t].text + "\"" : std::string(" at the end"));
    ConditionTerm term;
    term.path = tokens[t].text;
    if (!valid_path(term.path)) return "\"" + term.path + "\" is not a state path";
    ++t;
    if (t < tokens.size() && tokens[t].kind == 'o') {
      term.op = tokens[t].text;
      ++t;
      if (t >= tokens.size()) return "a value is missing after " + term.op;
      const Token& lit = tokens[t];
      if (lit.kind == 'n') {
        term.literal = lit.number;
      } else if (lit.kind == 's') {
        term.literal = lit.text;
      } else if (lit.kind == 'w' && lit.text == "true") {
        term.literal = true;
      } else if (lit.kind == 'w' && lit.text == "false") {
        term.literal = false;
      } else if (lit.kind == 'w' && lit.text == "null") {
        term.literal = nullptr;
      } else {
        return "\"" + lit.text + "\" is not a value (a number, a \"string\", true, false or null)";
      }
      if (!lit.text.empty() && lit.kind != 'n' && lit.kind != 's' && term.op != "==" && term.op != "!=")
        return term.op + " compares numbers or strings, not " + lit.text;
      ++t;
    }
    out.terms.push_back(term);
    if (t == tokens.size()) return "";
    if (tokens[t].kind != 'w' || tokens[t].text != "and") return "expected \"and\" at \"" + tokens[t].text + "\"";
    ++t;
  }
}

namespace {

bool truthy(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0.0;
  if (v.is_string()) return !v.get<std::string>().empty();
  return false;
}

template <class T>
bool compare(const T& a, const std::string& op, const T& b) {
  if (op == "==") return a == b;
  if (op == "!=") return !(a == b);
  if (op == "<") return a < b;
  if (op == ">") return b < a;
  if (op == "<=") return !(b < a);
  return !(a < b);  // >=
}

bool eval_term(const ConditionTerm& term, const nlohmann::json& state) {
  const nlohmann::json* v = json_at(state, term.path);
  if (!v) return false;
  if (term.op.empty()) return truthy(*v);
  const nlohmann::json& lit = term.literal;
  if (lit.is_number() && v->is_number()) return compare(v->get<double>(), term.op, lit.get<double>());
  if (lit.is_string() && v->is_string()) return compare(v->get<std::string>(), term.op, lit.get<std::string>());
  if (lit.is_boolean() && v->is_boolean()) return compare(v->get<bool>(), term.op, lit.get<bool>());
  if (lit.is_null()) return (term.op == "==") == v->is_null();
  return term.op == "!=";  // different kinds of value are never equal and never ordered
}

}  // namespace

bool eval_condition(const Condition& c, const nlohmann::json& state) {
  if (c.terms.empty()) return false;
  for (const ConditionTerm& t : c.terms)
    if (!eval_term(t, state)) return false;
  return true;
}

// ------------------------------------------------------------------ interpolation
namespace {

// a printf format for one value: "%[flags][width][.precision]conv", conv one of d i f e g E G x s,
// with text around it and "%%"; returns the conversion letter, or 0 if it is not such a format
char format_conversion(const std::string& f) {
  char conv = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (i + 1 < f.size() && f[i + 1] == '%') {
      ++i;
      continue;
    }
    if (conv) return 0;  // two values
    size_t j = i + 1;
    while (j < f.size() && std::strchr("-+ 0#", f[j])) ++j;
    int digits = 0;
    while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j, ++digits;
    if (digits > 2) return 0;
    if (j < f.size() && f[j] == '.') {
      ++j;
      digits = 0;
      while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j, ++digits;
      if (digits > 2) return 0;
    }
    if (j >= f.size() || !std::strchr("difeEgGxs", f[j])) return 0;
    conv = f[j];
    i = j;
  }
  return conv;
}

std::string format_value(const nlohmann::json& v, const std::string& fmt) {
  if (v.is_null()) return "?";
  char buf[128];
  const char conv = fmt.empty() ? 0 : format_conversion(fmt);
  if (v.is_number()) {
    const double d = v.get<double>();
    if (!conv) return format_number(d);
    if (conv == 's') return format_number(d);
    if (conv == 'd' || conv == 'i' || conv == 'x')
      std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<long long>(0) + static_cast<int>(std::lround(d)));
    else
      std::snprintf(buf, sizeof buf, fmt.c_str(), d);
    return buf;
  }
  std::string s = v.is_string() ? v.get<std::string>() : v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump();
  if (conv == 's') {
    std::snprintf(buf, sizeof buf, fmt.c_str(), s.substr(0, 100).c_str());
    return buf;
  }
  return s;
}

// calls f(start, end, path, format) for each "{path}" / "{path:fmt}" in the text
template <class F>
void each_field(const std::string& text, F f) {
  size_t i = 0;
  while ((i = text.find('{', i)) != std::string::npos) {
    const size_t close = text.find('}', i + 1);
    if (close == std::string::npos) return;
    const std::string inside = text.substr(i + 1, close - i - 1);
    const size_t colon = inside.find(':');
    const std::string path = inside.substr(0, colon);
    if (valid_path(path)) {
      f(i, close + 1, path, colon == std::string::npos ? std::string() : inside.substr(colon + 1));
      i = close + 1;
    } else {
      ++i;  // not a field: the brace is text
    }
  }
}

}  // namespace

std::string format_number(double v) {
  if (!std::isfinite(v)) return "?";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::string check_interpolation(const std::string& text) {
  std::string why;
  each_field(text, [&](size_t, size_t, const std::string& path, const std::string& fmt) {
    if (why.empty() && !fmt.empty() && !format_conversion(fmt))
      why = "{" + path + ":" + fmt + "} has a bad format (one of %d %.4f %.2e %g %s, e.g. {" + path + ":%.4f})";
  });
  return why;
}

std::string interpolate(const std::string& text, const nlohmann::json& state) {
  std::string out;
  size_t from = 0;
  each_field(text, [&](size_t a, size_t b, const std::string& path, const std::string& fmt) {
    out += text.substr(from, a - from);
    const nlohmann::json* v = json_at(state, path);
    out += v ? format_value(*v, fmt) : "?";
    from = b;
  });
  return out + text.substr(from);
}

// ------------------------------------------------------------------ the parser
std::string lesson_id_from_file(const std::string& file_name) {
  std::string name = file_name;
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".md") == 0) name.resize(name.size() - 3);
  return name;
}

std::vector<std::pair<std::string, std::string>> read_lesson_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files.emplace_back(e.path().filename().string(), text.str());
  }
  std::sort(files.begin(), files.end());
  return files;
}

int Lesson::number() const {
  size_t n = 0;
  while (n < id.size() && n < 6 && std::isdigit(static_cast<unsigned char>(id[n]))) ++n;
  return n == 0 ? -1 : std::atoi(id.substr(0, n).c_str());
}

namespace {

// "± 0.01", "± 5%", "+- 0.01", "+/- 5%" after the expected value; "" or why not
std::string parse_answer_number(const std::string& text, LessonStep& s) {
  std::string value = text, tol;
  for (const char* sep : {"±", "+/-", "+-"}) {
    const size_t at = text.find(sep);
    if (at != std::string::npos) {
      value = text.substr(0, at);
      tol = trim(text.substr(at + std::strlen(sep)));
      if (tol.empty()) return "a tolerance is missing after \"" + std::string(sep) + "\" (e.g. ± 0.01 or ± 5%)";
      break;
    }
  }
  value = trim(value);
  double v = 0;
  if (parse_number(value, v)) {
    s.answer_value = v;
  } else if (valid_path(value)) {
    s.answer_path = value;
  } else {
    return "@answer needs a number or a state path (e.g. stepper.loss ± 0.01), not \"" + value + "\"";
  }
  if (!tol.empty()) {
    const bool percent = tol.back() == '%';
    double t = 0;
    if (!parse_number(percent ? tol.substr(0, tol.size() - 1) : tol, t) || t < 0)
      return "bad tolerance \"" + tol + "\" (a number ≥ 0, e.g. ± 0.01, or a percentage, e.g. ± 5%)";
    s.relative = percent;
    s.tolerance = percent ? t / 100.0 : t;
  }
  return "";
}

}  // namespace

LessonParse parse_lesson(const std::string& text, const std::string& file_name) {
  LessonParse r;
  Lesson& L = r.lesson;
  L.file_name = file_name;
  L.id = lesson_id_from_file(file_name);
  std::string name = file_name;
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  int line_no = 0;
  auto fail = [&](int line, const std::string& why) {
    r.error = name + " line " + std::to_string(line) + ": " + why;
    return r;
  };
  // split into lines (a final newline ends the last line; \r\n as \n)
  std::vector<std::string> lines;
  {
    size_t a = 0;
    while (a <= text.size()) {
      size_t b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      std::string ln = text.substr(a, b - a);
      if (!ln.empty() && ln.back() == '\r') ln.pop_back();
      lines.push_back(ln);
      if (b == text.size()) break;
      a = b + 1;
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
  }
  if (lines.empty() || !starts_with(lines[0], "# ") || trim(lines[0].substr(2)).empty())
    return fail(1, "the first line must be \"# \" and the lesson's title");
  if (text.find('\0') != std::string::npos) return fail(1, "this is not a text file");
  L.title = trim(lines[0].substr(2));
  // where each step's directives were, for the checks at the step's end
  struct Seen {
    int view = 0, point = 0, until = 0, ask = 0, answer = 0, choices = 0, explain = 0;
  } seen;
  bool paragraph_open = false;
  auto end_step = [&]() -> std::string {
    if (L.steps.empty()) return "";
    LessonStep& s = L.steps.back();
    if (seen.answer && !seen.ask) return std::to_string(seen.answer) + "\n@answer without @ask";
    if (seen.choices && !seen.ask) return std::to_string(seen.choices) + "\n@choices without @ask";
    if (seen.ask && !seen.answer) return std::to_string(seen.ask) + "\n@ask without @answer";
    if (seen.answer) {
      if (!s.choices.empty()) {
        if (std::find(s.choices.begin(), s.choices.end(), s.answer) == s.choices.end())
          return std::to_string(seen.answer) + "\n@answer \"" + s.answer + "\" is not one of the @choices";
      } else {
        const std::string why = parse_answer_number(s.answer, s);
        if (!why.empty()) return std::to_string(seen.answer) + "\n" + why;
      }
    }
    return "";
  };
  auto step_error = [&](const std::string& e) {
    const size_t nl = e.find('\n');
    return fail(std::atoi(e.substr(0, nl).c_str()), e.substr(nl + 1));
  };
  for (size_t i = 1; i < lines.size(); ++i) {
    line_no = static_cast<int>(i) + 1;
    const std::string& raw = lines[i];
    const std::string t = trim(raw);
    if (starts_with(raw, "## ") || raw == "##") {
      const std::string e = end_step();
      if (!e.empty()) return step_error(e);
      LessonStep s;
      s.line = line_no;
      s.title = trim(raw.substr(2));
      if (s.title.empty()) return fail(line_no, "a step needs a title after \"## \"");
      const std::string why = check_interpolation(s.title);
      if (!why.empty()) return fail(line_no, why);
      L.steps.push_back(s);
      seen = Seen();
      paragraph_open = false;
      continue;
    }
    if (starts_with(raw, "# ")) return fail(line_no, "only line 1 is a \"# \" title; a step starts with \"## \"");
    if (!t.empty() && t[0] == '@' && raw[0] != '@')
      return fail(line_no, "a directive must start at the beginning of the line");
    if (L.steps.empty()) {  // the header
      if (t.empty()) continue;
      if (raw[0] == '@') return fail(line_no, "a directive before the first step (\"## title\")");
      const size_t colon = t.find(':');
      const std::string key = colon == std::string::npos ? "" : trim(t.substr(0, colon));
      const std::string value = colon == std::string::npos ? "" : trim(t.substr(colon + 1));
      if (key == "report" || key == "preset" || key == "settings") {
        if (value.empty()) return fail(line_no, key + ": needs a value");
        std::string& dst = key == "report" ? L.report : key == "preset" ? L.preset : L.settings;
        if (!dst.empty()) return fail(line_no, "a second " + key + ":");
        dst = value;
        continue;
      }
      if (!key.empty() && key.find(' ') == std::string::npos)
        return fail(line_no, "unknown header \"" + key + ":\" (report, preset or settings)");
      return fail(line_no,
                  "text before the first step: a header line is \"key: value\" (report, preset, settings) "
                  "and a step starts with \"## title\"");
    }
    LessonStep& s = L.steps.back();
    if (raw[0] == '@') {
      paragraph_open = false;
      size_t sp = 1;
      while (sp < raw.size() && (std::isalpha(static_cast<unsigned char>(raw[sp])))) ++sp;
      const std::string dir = raw.substr(1, sp - 1);
      const std::string arg = trim(raw.substr(sp));
      auto once = [&](int& where) -> std::string {
        if (where) return "a second @" + dir + " in this step (the first is on line " + std::to_string(where) + ")";
        where = line_no;
        return "";
      };
      std::string why;
      if (dir == "view") {
        why = once(seen.view);
        if (why.empty() && std::find_if(std::begin(kLessonViews), std::end(kLessonViews),
                                        [&](const char* v) { return arg == v; }) == std::end(kLessonViews))
          why = "unknown view \"" + arg + "\" (train, stepper, inside, draw, report, experiments)";
        s.view = arg;
      } else if (dir == "point") {
        why = once(seen.point);
        if (why.empty() && (arg.empty() || arg.find(' ') != std::string::npos))
          why = "@point needs one control's name (a key of the state's ui rectangles, e.g. tab_train)";
        s.point = arg;
      } else if (dir == "until") {
        why = once(seen.until);
        if (why.empty()) {
          const std::string e = parse_condition(arg, s.until);
          if (!e.empty()) why = "bad condition \"" + arg + "\": " + e;
        }
        s.until_text = arg;
      } else if (dir == "ask") {
        why = once(seen.ask);
        if (why.empty() && arg.empty()) why = "@ask needs a question";
        if (why.empty()) why = check_interpolation(arg);
        s.ask = arg;
      } else if (dir == "answer") {
        why = once(seen.answer);
        if (why.empty() && arg.empty()) why = "@answer needs the right answer";
        s.answer = arg;
      } else if (dir == "choices") {
        why = once(seen.choices);
        s.choices.clear();
        size_t a = 0;
        while (why.empty()) {
          const size_t b = arg.find(" | ", a);
          const std::string c = trim(arg.substr(a, b == std::string::npos ? std::string::npos : b - a));
          if (c.empty()) why = "@choices has an empty option (options are separated by \" | \")";
          s.choices.push_back(c);
          if (b == std::string::npos) break;
          a = b + 3;
        }
        if (why.empty() && s.choices.size() < 2) why = "@choices needs at least two options separated by \" | \"";
      } else if (dir == "explain") {
        why = once(seen.explain);
        if (why.empty() && arg.empty()) why = "@explain needs a text";
        if (why.empty()) why = check_interpolation(arg);
        s.explain = arg;
      } else {
        why = "unknown directive \"@" + dir + "\" (view, point, until, ask, answer, choices, explain)";
      }
      if (!why.empty()) return fail(line_no, why);
      continue;
    }
    // text: paragraphs separated by blank lines, "= " equation lines, "- " list items
    if (t.empty()) {
      paragraph_open = false;
      continue;
    }
    const std::string why = check_interpolation(t);
    if (!why.empty()) return fail(line_no, why);
    if (starts_with(t, "= ") || t == "=") {
      s.blocks.push_back({true, trim(t.substr(1))});
      paragraph_open = false;
    } else if (starts_with(t, "- ") || starts_with(t, "* ")) {
      s.blocks.push_back({false, "• " + trim(t.substr(2))});
      paragraph_open = true;
    } else if (paragraph_open && !s.blocks.empty()) {
      s.blocks.back().text += " " + t;
    } else {
      s.blocks.push_back({false, t});
      paragraph_open = true;
    }
  }
  line_no = static_cast<int>(lines.size());
  const std::string e = end_step();
  if (!e.empty()) return step_error(e);
  if (L.steps.empty()) return fail(line_no, "a lesson needs at least one step (\"## title\")");
  return r;
}

// ------------------------------------------------------------------ answers
AnswerCheck check_number_answer(const LessonStep& s, const std::string& given_in, const nlohmann::json& state) {
  AnswerCheck r;
  double expected = s.answer_value;
  if (!s.answer_path.empty()) {
    const nlohmann::json* v = json_at(state, s.answer_path);
    if (!v || !v->is_number()) {
      r.error = "the app has no value for " + s.answer_path + " yet (do the step's task first)";
      return r;
    }
    expected = v->get<double>();
  }
  // a learner's "−0,5" is -0.5
  std::string given = trim(given_in);
  for (size_t at; (at = given.find("−")) != std::string::npos;) given.replace(at, std::strlen("−"), "-");
  std::replace(given.begin(), given.end(), ',', '.');
  double g = 0;
  if (!parse_number(given, g)) {
    r.error = "type a number, e.g. 0.25";
    return r;
  }
  r.ok = true;
  r.expected = format_number(expected);
  const double allowed = s.relative ? s.tolerance * std::fabs(expected) : s.tolerance;
  // a hair more than the tolerance, so "0.01 ± 0.01" accepts 0.02 despite binary rounding
  r.correct = std::fabs(g - expected) <= allowed + 1e-12 * std::max(1.0, std::fabs(expected));
  return r;
}

AnswerCheck check_choice_answer(const LessonStep& s, int choice) {
  AnswerCheck r;
  if (choice < 0 || choice >= static_cast<int>(s.choices.size())) {
    r.error = "choose one of the options";
    return r;
  }
  r.ok = true;
  r.expected = s.answer;
  r.correct = s.choices[choice] == s.answer;
  return r;
}

// ------------------------------------------------------------------ LessonState
const LessonStep* LessonState::step() const {
  if (!open_ || lesson_.steps.empty()) return nullptr;
  return &lesson_.steps[std::clamp(step_index(), 0, static_cast<int>(lesson_.steps.size()) - 1)];
}

const LessonProgress& LessonState::progress_of() const {
  static const LessonProgress none;
  auto it = progress.find(lesson_.id);
  return it == progress.end() ? none : it->second;
}

bool LessonState::step_done() const {
  const LessonStep* s = step();
  if (!s) return false;
  const LessonProgress& p = progress_of();
  if (p.done.count(p.step)) return true;
  // a step with neither @until nor @ask is done when the learner reads it and presses Next
  return s->until.empty() && !s->has_question();
}

const LessonAnswer* LessonState::answer() const {
  const LessonProgress& p = progress_of();
  auto it = p.answers.find(p.step);
  return open_ && it != p.answers.end() ? &it->second : nullptr;
}

void LessonState::set_shipped(const std::vector<std::pair<std::string, std::string>>& files) {
  shipped.clear();
  shipped_errors.clear();
  auto sorted = files;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [name, text] : sorted) {
    LessonParse p = parse_lesson(text, name);
    if (p.ok())
      shipped.push_back(std::move(p.lesson));
    else
      shipped_errors.push_back(p.error);
  }
}

const Lesson* LessonState::find(const std::string& key) const {
  const std::string k = lesson_id_from_file(key);
  double n = 0;
  const bool numeric = parse_number(k, n) && n == std::floor(n);
  for (const Lesson& l : shipped)
    if (l.id == k || (numeric && l.number() == static_cast<int>(n))) return &l;
  return nullptr;
}

void LessonState::open(const Lesson& l, int step) {
  lesson_ = l;
  open_ = true;
  error.clear();
  LessonProgress& p = progress_of();
  const int last = static_cast<int>(lesson_.steps.size()) - 1;
  p.step = std::clamp(step < 0 ? p.step : step, 0, std::max(0, last));
  started_ = changed_ = true;
  input[0] = '\0';
}

void LessonState::close() {
  if (!open_) return;
  open_ = false;
  changed_ = true;
}

bool LessonState::go(int s) {
  if (!open_ || s < 0 || s >= static_cast<int>(lesson_.steps.size())) return false;
  LessonProgress& p = progress_of();
  if (s >= p.step && step_done() && !p.done.count(p.step)) {  // Next (or Finish) on a read-only step completes it
    p.done.insert(p.step);
    changed_ = true;
  }
  if (s == p.step) return false;
  p.step = s;
  started_ = changed_ = true;
  input[0] = '\0';
  error.clear();
  return true;
}

bool LessonState::update(const nlohmann::json& state) {
  const LessonStep* s = step();
  if (!s || s->until.empty()) return false;
  LessonProgress& p = progress_of();
  if (p.done.count(p.step)) return false;
  if (s->has_question() && !p.answers.count(p.step)) return false;  // the question first
  if (!eval_condition(s->until, state)) return false;
  p.done.insert(p.step);
  changed_ = true;
  return true;
}

namespace {
void record(LessonProgress& p, const LessonStep& s, const std::string& given, const AnswerCheck& c) {
  LessonAnswer a;
  a.step = p.step;
  a.question = s.ask;
  a.given = given;
  a.expected = c.expected;
  a.correct = c.correct;
  p.answers[p.step] = a;
  if (s.until.empty()) p.done.insert(p.step);
}
}  // namespace

bool LessonState::answer_number(const std::string& given, const nlohmann::json& state) {
  const LessonStep* s = step();
  if (!s || !s->has_question() || !s->choices.empty() || answer()) return false;
  const AnswerCheck c = check_number_answer(*s, given, state);
  if (!c.ok) {
    error = c.error;
    return false;
  }
  error.clear();
  record(progress_of(), *s, trim(given), c);
  changed_ = true;
  return true;
}

bool LessonState::answer_choice(int choice) {
  const LessonStep* s = step();
  if (!s || !s->has_question() || s->choices.empty() || answer()) return false;
  const AnswerCheck c = check_choice_answer(*s, choice);
  if (!c.ok) {
    error = c.error;
    return false;
  }
  error.clear();
  record(progress_of(), *s, s->choices[choice], c);
  changed_ = true;
  return true;
}

int LessonState::answers_count() const {
  return open_ ? static_cast<int>(progress_of().answers.size()) : 0;
}

std::string LessonState::to_json() const {
  nlohmann::json j;
  j["version"] = 1;
  j["open"] = open_ ? lesson_.id : "";
  nlohmann::json all = nlohmann::json::object();
  for (const auto& [id, p] : progress) {
    nlohmann::json pj;
    pj["step"] = p.step;
    pj["done"] = p.done;
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& [step, a] : p.answers)
      answers.push_back({{"step", a.step},
                         {"question", a.question},
                         {"given", a.given},
                         {"expected", a.expected},
                         {"correct", a.correct}});
    pj["answers"] = answers;
    all[id] = pj;
  }
  j["lessons"] = all;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void LessonState::from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("lessons") || !j["lessons"].is_object()) return;
  try {
    std::map<std::string, LessonProgress> got;
    for (const auto& [id, pj] : j["lessons"].items()) {
      LessonProgress p;
      p.step = std::max(0, pj.value("step", 0));
      for (const auto& d : pj.value("done", nlohmann::json::array())) p.done.insert(d.get<int>());
      for (const auto& aj : pj.value("answers", nlohmann::json::array())) {
        LessonAnswer a;
        a.step = aj.value("step", 0);
        a.question = aj.value("question", "");
        a.given = aj.value("given", "");
        a.expected = aj.value("expected", "");
        a.correct = aj.value("correct", false);
        p.answers[a.step] = a;
      }
      got[id] = p;
    }
    progress = got;
  } catch (const std::exception&) {
    return;  // a damaged record: nothing restored, nothing lost
  }
  const std::string open_id = j.value("open", "");
  if (const Lesson* l = open_id.empty() ? nullptr : find(open_id)) {
    open(*l);
    changed_ = false;
  }
}

nlohmann::json LessonState::state() const {
  nlohmann::json j;
  j["open"] = open_;
  j["error"] = error;
  nlohmann::json list = nlohmann::json::array();
  for (const Lesson& l : shipped) list.push_back(l.id);
  j["shipped"] = list;
  if (!open_) return j;
  const LessonStep* s = step();
  const LessonAnswer* a = answer();
  j["id"] = lesson_.id;
  j["title"] = lesson_.title;
  j["step"] = step_index() + 1;
  j["steps"] = lesson_.steps.size();
  j["step_title"] = s ? s->title : "";
  j["done"] = step_done();
  j["question"] = s ? s->ask : "";
  j["answered"] = a != nullptr;
  j["correct"] = a ? nlohmann::json(a->correct) : nlohmann::json(nullptr);
  j["given"] = a ? a->given : "";
  j["expected"] = a ? a->expected : "";
  j["answers"] = answers_count();
  j["completed"] = static_cast<int>(progress_of().done.size());  // steps done so far
  j["point"] = s ? s->point : "";
  return j;
}

}  // namespace bpl::app
