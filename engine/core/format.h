// Number formatting shared by the CLI's reports and the app: 101,770 and 31k.
#pragma once

#include <string>

namespace bpl {

std::string with_commas(long v);         // 101770 → "101,770"
std::string human_rate(double per_sec);  // 31234 → "31k", 1.2e6 → "1.20M"

}  // namespace bpl
