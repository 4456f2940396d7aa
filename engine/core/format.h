// Number formatting shared by the CLI's reports and the app: 101,770 and 31k.
#pragma once

#include <string>

namespace bpl {

std::string with_commas(long v);         // 101770 → "101,770"
std::string human_rate(double per_sec);  // 31234 → "31k", 1.2e6 → "1.20M"
// The shortest text that reads back as exactly v: 0.1 → "0.1", 10 → "10", 1/3 → "0.33333333333333331"
// (layer specs, settings, links: a value written and read again is the same double)
std::string exact_number(double v);

}  // namespace bpl
