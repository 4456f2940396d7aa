// Shared test helpers: where the generated MNIST lives, byte builders for IDX files.
#pragma once

#include "data/dataset.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace bpl::test {

inline std::string mnist_dir() {
  return std::string(BPL_ASSETS_DIR) + "/mnist";
}

// The real MNIST, which scripts/setup.sh fetches and verifies. A missing file fails the test
// (with the fix in the message); it is never skipped.
inline const Dataset& mnist_train() {
  static const Dataset d =
      load_dataset(mnist_dir() + "/train-images-idx3-ubyte", mnist_dir() + "/train-labels-idx1-ubyte", "MNIST train");
  return d;
}
inline const Dataset& mnist_test() {
  static const Dataset d =
      load_dataset(mnist_dir() + "/t10k-images-idx3-ubyte", mnist_dir() + "/t10k-labels-idx1-ubyte", "MNIST test");
  return d;
}

inline void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

inline std::vector<uint8_t> idx_images(uint32_t n, uint32_t rows, uint32_t cols, size_t data_bytes,
                                       uint32_t magic = 0x803) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, n);
  put_be32(b, rows);
  put_be32(b, cols);
  for (size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

inline std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels, uint32_t n, uint32_t magic = 0x801) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, n);
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

// scratch files go to the build folder of the test binary
inline std::string temp_path(const std::string& name) {
  return std::string(BPL_TEST_TMP_DIR) + "/" + name;
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace bpl::test
