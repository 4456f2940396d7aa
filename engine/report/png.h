// PNG files in memory (stb_image_write's stbi_write_png_to_func), and as data: URIs that an
// HTML page embeds without any request (the lab report's images).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

// w×h pixels of `channels` bytes each (1 grey, 3 RGB, 4 RGBA), rows top to bottom.
// FormatError when the encoder fails (e.g. a zero size).
std::vector<uint8_t> encode_png(const uint8_t* pixels, int w, int h, int channels);

// RFC 4648 base64 with padding ("Man" → "TWFu")
std::string base64(const std::vector<uint8_t>& bytes);

// "data:image/png;base64,…"
std::string png_data_uri(const uint8_t* pixels, int w, int h, int channels);

}  // namespace bpl
