// Model files (.bplm), version 1. All integers little-endian u32, floats IEEE-754 f32 LE.
//   offset  field
//   0       magic "BPLM"
//   4       format version (1)
//   8       payload length P in bytes
//   12      payload:
//             layers text (u32 length + UTF-8), input shape c, h, w,
//             normalisation kind (0 unit, 1 symmetric, 2 standard) + mean f32 + std f32,
//             parameter count N, then N × (rows, cols, rows·cols floats, column-major)
//   12+P    CRC-32 (IEEE 802.3, as zlib's crc32) of the payload
// Loading validates everything (magic, version, lengths, caps, the layer list, every shape,
// the checksum) into a new Model before the caller replaces anything.
#pragma once

#include "data/dataset.h"
#include "model/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

constexpr uint32_t kModelFormatVersion = 1;

struct LoadedModel {
  Model model;
  Normalizer norm;
};

std::vector<uint8_t> serialize_model(Model& model, const Normalizer& norm);
LoadedModel deserialize_model(const uint8_t* data, size_t size);   // FormatError / ConfigError
void save_model(const std::string& path, Model& model, const Normalizer& norm);
LoadedModel load_model(const std::string& path);

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace bpl
