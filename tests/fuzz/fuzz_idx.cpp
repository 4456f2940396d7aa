// libFuzzer target: the IDX parsers must refuse any malformed bytes with a FormatError and
// never crash, read out of bounds or allocate more than the header's validated size.
#include "core/error.h"
#include "data/idx.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    bpl::IdxImages im = bpl::parse_idx_images(data, size, "fuzz");
    if (im.pixels.size() != static_cast<size_t>(im.count) * im.rows * im.cols) __builtin_trap();
  } catch (const bpl::FormatError&) {
  }
  try {
    auto labels = bpl::parse_idx_labels(data, size, 9, "fuzz");
    for (uint8_t l : labels)
      if (l > 9) __builtin_trap();
  } catch (const bpl::FormatError&) {
  }
  return 0;
}
