#include "platform_desktop.h"

#include "app.h"

#include <cstdio>

namespace bpl::app {

void DesktopPlatform::request_dataset(const DataChoice& c) {
  app_.load_idx_files(data_dir_, c.train, c.test);
}

std::string DesktopPlatform::download(const std::vector<uint8_t>& bytes, const std::string& name) {
  FILE* f = std::fopen(name.c_str(), "wb");
  const bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (f) std::fclose(f);
  return ok ? "saved " + name + " in the current folder" : "could not write " + name;
}

}  // namespace bpl::app
