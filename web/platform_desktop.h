// The desktop platform: data sets from assets/data, files written to the current folder.
// No file pickers, links or browser storage (the menus leave those out).
#pragma once

#include "platform.h"

#include <string>

namespace bpl::app {

class App;

class DesktopPlatform : public Platform {
 public:
  DesktopPlatform(App& app, std::string data_dir) : app_(app), data_dir_(std::move(data_dir)) {}
  void request_dataset(const DataChoice& choice) override;
  std::string download(const std::vector<uint8_t>& bytes, const std::string& name) override;

 private:
  App& app_;
  std::string data_dir_;
};

}  // namespace bpl::app
