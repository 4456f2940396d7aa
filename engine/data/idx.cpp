#include "data/idx.h"

#include "core/error.h"

#include <cstdio>
#include <cstring>
#include <memory>

#ifdef BPL_HAVE_ZLIB
#include <zlib.h>
#endif

namespace bpl {

namespace {

constexpr uint32_t kImagesMagic = 0x00000803, kLabelsMagic = 0x00000801;
constexpr uint32_t kMaxItems = 10'000'000, kMaxSide = 1024;

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

IdxImages parse_idx_images(const uint8_t* data, size_t size, const std::string& what) {
  if (size < 4)
    throw FormatError(what + ": " + std::to_string(size) + " bytes is too short for an IDX image header (16 bytes)");
  uint32_t magic = be32(data);
  if (magic == kLabelsMagic) throw FormatError(what + ": this is an IDX label file (magic 0x00000801), not images");
  if (magic != kImagesMagic)
    throw FormatError(what + ": wrong magic number " + hex(magic) + " (IDX images start with 0x00000803)");
  if (size < 16)
    throw FormatError(what + ": " + std::to_string(size) + " bytes is too short for an IDX image header (16 bytes)");
  uint32_t n = be32(data + 4), r = be32(data + 8), c = be32(data + 12);
  if (n == 0 || n > kMaxItems)
    throw FormatError(what + ": image count " + std::to_string(n) + " is not in 1.." + std::to_string(kMaxItems));
  if (r == 0 || c == 0 || r > kMaxSide || c > kMaxSide)
    throw FormatError(what + ": image size " + std::to_string(r) + "×" + std::to_string(c) +
                      " is not in 1..1024 per side");
  uint64_t need = 16 + uint64_t(n) * r * c;
  if (size < need)
    throw FormatError(what + ": truncated: the header promises " + std::to_string(n) + " images of " +
                      std::to_string(r) + "×" + std::to_string(c) + " (" + std::to_string(need) +
                      " bytes) but the file has " + std::to_string(size));
  if (size > need)
    throw FormatError(what + ": " + std::to_string(size - need) + " unexpected bytes after the last image");
  IdxImages out;
  out.count = int(n);
  out.rows = int(r);
  out.cols = int(c);
  out.pixels.assign(data + 16, data + need);
  return out;
}

std::vector<uint8_t> parse_idx_labels(const uint8_t* data, size_t size, int max_label, const std::string& what) {
  if (size < 4)
    throw FormatError(what + ": " + std::to_string(size) + " bytes is too short for an IDX label header (8 bytes)");
  uint32_t magic = be32(data);
  if (magic == kImagesMagic) throw FormatError(what + ": this is an IDX image file (magic 0x00000803), not labels");
  if (magic != kLabelsMagic)
    throw FormatError(what + ": wrong magic number " + hex(magic) + " (IDX labels start with 0x00000801)");
  if (size < 8)
    throw FormatError(what + ": " + std::to_string(size) + " bytes is too short for an IDX label header (8 bytes)");
  uint32_t n = be32(data + 4);
  if (n == 0 || n > kMaxItems)
    throw FormatError(what + ": label count " + std::to_string(n) + " is not in 1.." + std::to_string(kMaxItems));
  if (size != 8 + uint64_t(n))
    throw FormatError(what + ": the header promises " + std::to_string(n) + " labels but the file holds " +
                      std::to_string(size >= 8 ? size - 8 : 0));
  for (uint32_t i = 0; i < n; ++i)
    if (data[8 + i] > max_label)
      throw FormatError(what + ": label " + std::to_string(data[8 + i]) + " at index " + std::to_string(i) +
                        " is outside 0.." + std::to_string(max_label));
  return std::vector<uint8_t>(data + 8, data + 8 + n);
}

std::vector<uint8_t> read_file_bytes(const std::string& path, size_t max_bytes) {
  std::vector<uint8_t> out;
#ifdef BPL_HAVE_ZLIB
  // gzopen reads plain files unchanged and inflates gzip ones
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw FormatError("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  uint8_t buf[1 << 16];
  for (;;) {
    int got = gzread(f, buf, sizeof buf);
    if (got < 0) {
      int err = 0;
      throw FormatError(path + ": corrupt compressed data (" + gzerror(f, &err) + ")");
    }
    if (got == 0) break;
    if (out.size() + size_t(got) > max_bytes)
      throw FormatError(path + ": larger than the " + std::to_string(max_bytes >> 20) + " MB this lab reads");
    out.insert(out.end(), buf, buf + got);
  }
#else
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw FormatError("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<FILE, int (*)(FILE*)> guard(f, std::fclose);
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0)
    throw FormatError(path + ": .gz files are un-gzipped by the browser before they reach the engine");
  uint8_t buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + got > max_bytes)
      throw FormatError(path + ": larger than the " + std::to_string(max_bytes >> 20) + " MB this lab reads");
    out.insert(out.end(), buf, buf + got);
  }
#endif
  return out;
}

std::string find_idx_file(const std::string& dir, const std::string& name) {
  std::vector<std::string> names = {name, name + ".gz"};
  const size_t dash = name.rfind("-idx");  // "train-images-idx3-ubyte" → "train-images.idx3-ubyte"
  if (dash != std::string::npos) {
    const std::string dotted = name.substr(0, dash) + "." + name.substr(dash + 1);
    names.insert(names.end(), {dotted, dotted + ".gz"});
  }
  std::string tried;
  for (const std::string& n : names) {
    const std::string path = dir + "/" + n;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fclose(f);
      return path;
    }
    tried += (tried.empty() ? "" : ", ") + n;
  }
  throw FormatError("no " + name + " in " + dir + " (looked for " + tried + ")");
}

IdxImages read_idx_images(const std::string& path) {
  auto bytes = read_file_bytes(path);
  return parse_idx_images(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> read_idx_labels(const std::string& path, int max_label) {
  auto bytes = read_file_bytes(path);
  return parse_idx_labels(bytes.data(), bytes.size(), max_label, path);
}

}  // namespace bpl
