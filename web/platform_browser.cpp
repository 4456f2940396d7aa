// The only file with JavaScript in it (EM_JS): the C++ → page calls of BrowserPlatform.
#include "platform_browser.h"

#include <emscripten.h>

#include <cstddef>
#include <cstdint>

// the bodies are JavaScript: not for clang-format
// clang-format off
EM_JS(void, js_load_dataset, (const char* train, const char* test),
      { window.bplLoad(UTF8ToString(train), UTF8ToString(test)); });
EM_JS(void, js_pick_files, (), { window.bplPickFiles(); });
EM_JS(void, js_download, (const uint8_t* bytes, size_t size, const char* name),
      { window.bplDownload(HEAPU8.slice(bytes, bytes + size), UTF8ToString(name)); });
EM_JS(void, js_pick_model, (), { window.bplPickModel(); });
EM_JS(void, js_share, (const char* query), { window.bplShare(UTF8ToString(query)); });
EM_JS(void, js_store, (const uint8_t* bytes, size_t size, const char* query, const char* summary),
      { window.bplStore(HEAPU8.slice(bytes, bytes + size), UTF8ToString(query), UTF8ToString(summary)); });
EM_JS(void, js_answer_restore, (int yes), { window.bplAnswerRestore(yes); });
EM_JS(void, js_save_ui_prefs, (const char* query),
      { try { localStorage.setItem('bpl-ui', UTF8ToString(query)); } catch (e) {} });
EM_JS(void, js_announce, (const char* text), { window.bplAnnounce(UTF8ToString(text)); });
EM_JS(int, js_timer_loop, (), { return new URLSearchParams(location.search).get('loop') === 'timer' ? 1 : 0; });
// clang-format on

namespace bpl::app {

void BrowserPlatform::request_dataset(const DataChoice& c) {
  js_load_dataset(c.train, c.test);
}

std::string BrowserPlatform::download(const std::vector<uint8_t>& bytes, const std::string& name) {
  js_download(bytes.data(), bytes.size(), name.c_str());
  return "";  // the browser shows its own download
}

void BrowserPlatform::pick_data_files() {
  js_pick_files();
}

void BrowserPlatform::pick_model_file() {
  js_pick_model();
}

void BrowserPlatform::share_link(const std::string& query) {
  js_share(query.c_str());
}

void BrowserPlatform::autosave(const std::vector<uint8_t>& bytes, const std::string& query,
                               const std::string& summary) {
  js_store(bytes.data(), bytes.size(), query.c_str(), summary.c_str());
}

void BrowserPlatform::answer_restore(bool restore) {
  js_answer_restore(restore ? 1 : 0);
}

void BrowserPlatform::save_ui_prefs(const std::string& query) {
  js_save_ui_prefs(query.c_str());
}

void BrowserPlatform::announce(const std::string& text) {
  js_announce(text.c_str());
}

bool browser_wants_timer_loop() {
  return js_timer_loop() != 0;
}

}  // namespace bpl::app
