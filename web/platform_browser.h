// The browser platform: every call from C++ into the page's JavaScript (index.html defines
// window.bplLoad, bplPickFiles, bplDownload, bplPickModel, bplPickLesson, bplShare, bplStoreRun, bplRunOp). The other
// direction, JavaScript into C++, is the exported bpl_* functions in main.cpp.
#pragma once

#include "platform.h"

namespace bpl::app {

class BrowserPlatform : public Platform {
 public:
  void request_dataset(const DataChoice& choice) override;
  std::string download(const std::vector<uint8_t>& bytes, const std::string& name) override;
  bool can_pick_files() const override { return true; }
  void pick_data_files() override;
  void pick_model_file() override;
  bool can_share_link() const override { return true; }
  void share_link(const std::string& query) override;
  bool can_autosave() const override { return true; }
  void store_run(const std::string& id, const std::string& facts, const std::vector<uint8_t>& bytes,
                 const std::string& query) override;
  void delete_run(const std::string& id) override;
  void rename_run(const std::string& id, const std::string& name) override;
  void open_run(const std::string& id) override;
  void download_run(const std::string& id, const std::string& file_name) override;
  void save_ui_prefs(const std::string& query) override;
  void announce(const std::string& text) override;
  void save_lessons_progress(const std::string& json) override;
  std::string load_lessons_progress() override;
  void pick_lesson_file() override;
  void clear_link() override;
};

// ?loop=timer in the page's address: run the frame on a 60 Hz timer instead of
// requestAnimationFrame (the engine then trains while the compositor draws the previous frame)
bool browser_wants_timer_loop();

}  // namespace bpl::app
