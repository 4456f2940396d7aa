#include "report/png.h"

#include "core/error.h"

// The encoder's functions stay private to this file (the CLI and the app have their own copy of
// the header-only library for files on disk).
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace bpl {

namespace {
void append(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}
}  // namespace

std::vector<uint8_t> encode_png(const uint8_t* pixels, int w, int h, int channels) {
  std::vector<uint8_t> out;
  if (w <= 0 || h <= 0 || channels < 1 || channels > 4 ||
      !stbi_write_png_to_func(append, &out, w, h, channels, pixels, w * channels))
    throw FormatError("cannot encode a " + std::to_string(w) + "×" + std::to_string(h) + " PNG");
  return out;
}

std::string base64(const std::vector<uint8_t>& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  s.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t n = static_cast<uint32_t>(bytes[i]) << 16 |
                       (i + 1 < bytes.size() ? static_cast<uint32_t>(bytes[i + 1]) << 8 : 0) |
                       (i + 2 < bytes.size() ? bytes[i + 2] : 0);  // three bytes → four 6-bit digits
    s += abc[n >> 18 & 63];
    s += abc[n >> 12 & 63];
    s += i + 1 < bytes.size() ? abc[n >> 6 & 63] : '=';
    s += i + 2 < bytes.size() ? abc[n & 63] : '=';
  }
  return s;
}

std::string png_data_uri(const uint8_t* pixels, int w, int h, int channels) {
  return "data:image/png;base64," + base64(encode_png(pixels, w, h, channels));
}

}  // namespace bpl
