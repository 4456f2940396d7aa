// libFuzzer target: the INI config reader and the settings it feeds must refuse bad text
// with a FormatError/ConfigError — never crash.
#include "core/error.h"
#include "io/run_config.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto ini = bpl::parse_ini(text);
    bpl::RunConfig rc;
    for (const auto& [k, v] : ini) {
      try {
        bpl::apply_setting(rc, k, v);
      } catch (const bpl::ConfigError&) {
      }
    }
  } catch (const bpl::FormatError&) {
  } catch (const bpl::ConfigError&) {
  }
  return 0;
}
