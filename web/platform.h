// What the app asks of the platform it runs on: files in and out, links, storage. The browser
// implementation (web/platform_browser.cpp) is the only C++ that calls JavaScript; the desktop
// one (web/platform_desktop.cpp) reads and writes files; tests/app use a recording fake.
// What a platform cannot do, the menus leave out (can_*).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpl::app {

// A data set the app offers (files made by scripts/setup.sh): the browser downloads and
// un-gzips them, the desktop reads them from assets/data.
struct DataChoice {
  const char* label;
  const char* train;  // file prefix, e.g. "mnist-train-10k"
  const char* test;
};

class Platform {
 public:
  virtual ~Platform() = default;
  // fetch a data set's four IDX files and hand them to App::receive_idx
  virtual void request_dataset(const DataChoice& choice) = 0;
  // save a file; returns a notice for the status line ("" when the platform shows its own)
  virtual std::string download(const std::vector<uint8_t>& bytes, const std::string& name) = 0;
  virtual bool can_pick_files() const { return false; }
  virtual void pick_data_files() {}  // four IDX files of the learner's own
  virtual void pick_model_file() {}  // a .bplm file, handed to App::load_model_bytes
  virtual bool can_share_link() const { return false; }
  virtual void share_link(const std::string& /*query*/) {}
  virtual bool can_autosave() const { return false; }  // browser storage for the Runs list
  // The Runs list (browser storage). store_run writes one run's record: its facts (RunsList::
  // to_json), the model file and the settings link, under run_id (a new record, or a newer
  // version of the same run; a failed write leaves the old version whole). The platform answers
  // with App::run_stored(run_id, ok, error) once the write is done or failed.
  virtual void store_run(const std::string& /*run_id*/, const std::string& /*facts_json*/,
                         const std::vector<uint8_t>& /*bytes*/, const std::string& /*query*/) {}
  virtual void delete_run(const std::string& /*run_id*/) {}
  virtual void rename_run(const std::string& /*run_id*/, const std::string& /*name*/) {}
  // read a stored run and hand it to App::open_run_data (its bytes and settings)
  virtual void open_run(const std::string& /*run_id*/) {}
  // save a stored run's model file as `file_name`
  virtual void download_run(const std::string& /*run_id*/, const std::string& /*file_name*/) {}
  // remember the UI preferences ("ui.scale=1.5&ui.theme=light&…") for the next visit
  virtual void save_ui_prefs(const std::string& /*query*/) {}
  // the lessons' progress (LessonState::to_json) kept for the next visit, and read back ("" none)
  virtual void save_lessons_progress(const std::string& /*json*/) {}
  virtual std::string load_lessons_progress() { return ""; }
  virtual void pick_lesson_file() {}  // a lesson's text, handed to App::open_lesson_text
  // take a link's keys out of the page's address once they are applied (a reload then finds
  // the saved progress, not the link's step again)
  virtual void clear_link() {}
  // say this to a screen reader (the page's aria-live region): what the canvas shows
  virtual void announce(const std::string& /*text*/) {}
};

}  // namespace bpl::app
