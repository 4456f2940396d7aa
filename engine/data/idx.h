// IDX files (LeCun's MNIST format), read from memory or from disk (.gz natively via zlib).
//   images: magic 0x00000803, count, rows, cols (big-endian u32), then count·rows·cols bytes
//   labels: magic 0x00000801, count, then count bytes
// Everything is validated before any large allocation: the magic, dimensions in range
// (1..1024 per side, at most 10 million items), the exact length, labels ≤ max_label.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // count · rows · cols, row-major per image
};

IdxImages parse_idx_images(const uint8_t* data, size_t size, const std::string& what = "image file");
std::vector<uint8_t> parse_idx_labels(const uint8_t* data, size_t size, int max_label = 9,
                                      const std::string& what = "label file");

// Reads a whole file (plain, or gzip when built with zlib); FormatError on failure.
// Refuses files larger than max_bytes (decompressed).
std::vector<uint8_t> read_file_bytes(const std::string& path, size_t max_bytes = 512u << 20);

// The path of an IDX file in `dir` under any of its usual names: "train-images-idx3-ubyte" as
// given, the official download's "train-images-idx3-ubyte.gz", and the common copies'
// "train-images.idx3-ubyte" (and .gz). FormatError listing the names tried when none exists.
std::string find_idx_file(const std::string& dir, const std::string& name);

IdxImages read_idx_images(const std::string& path);
std::vector<uint8_t> read_idx_labels(const std::string& path, int max_label = 9);

}  // namespace bpl
