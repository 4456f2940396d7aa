// The only file with JavaScript in it (EM_JS): the C++ → page calls of BrowserPlatform.
#include "platform_browser.h"

#include <emscripten.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

// the bodies are JavaScript: not for clang-format
// clang-format off
EM_JS(void, js_load_dataset, (const char* train, const char* test),
      { window.bplLoad(UTF8ToString(train), UTF8ToString(test)); });
EM_JS(void, js_pick_files, (), { window.bplPickFiles(); });
EM_JS(void, js_download, (const uint8_t* bytes, size_t size, const char* name),
      { window.bplDownload(HEAPU8.slice(bytes, bytes + size), UTF8ToString(name)); });
EM_JS(void, js_pick_model, (), { window.bplPickModel(); });
EM_JS(void, js_share, (const char* query), { window.bplShare(UTF8ToString(query)); });
EM_JS(void, js_store_run, (const char* id, const char* facts, const uint8_t* bytes, size_t size, const char* query),
      { window.bplStoreRun(UTF8ToString(id), JSON.parse(UTF8ToString(facts)), HEAPU8.slice(bytes, bytes + size), UTF8ToString(query)); });
EM_JS(void, js_run_op, (const char* op, const char* id, const char* arg),
      { window.bplRunOp(UTF8ToString(op), UTF8ToString(id), UTF8ToString(arg)); });
EM_JS(void, js_save_ui_prefs, (const char* query),
      { try { localStorage.setItem('bpl-ui', UTF8ToString(query)); } catch (e) {} });
EM_JS(void, js_save_lessons, (const char* json),
      { try { localStorage.setItem('bpl-lessons', UTF8ToString(json)); } catch (e) {} });
EM_JS(char*, js_load_lessons, (), {
  let t = "";
  try { t = localStorage.getItem("bpl-lessons") || ""; } catch (e) {}
  const n = lengthBytesUTF8(t) + 1, p = _malloc(n);
  stringToUTF8(t, p, n);
  return p;
});
EM_JS(void, js_pick_lesson, (), { window.bplPickLesson(); });
EM_JS(void, js_clear_link, (), { history.replaceState(null, "", location.pathname + location.search); });
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

void BrowserPlatform::store_run(const std::string& id, const std::string& facts, const std::vector<uint8_t>& bytes,
                                const std::string& query) {
  js_store_run(id.c_str(), facts.c_str(), bytes.data(), bytes.size(), query.c_str());
}

void BrowserPlatform::delete_run(const std::string& id) {
  js_run_op("delete", id.c_str(), "");
}

void BrowserPlatform::rename_run(const std::string& id, const std::string& name) {
  js_run_op("rename", id.c_str(), name.c_str());
}

void BrowserPlatform::open_run(const std::string& id) {
  js_run_op("open", id.c_str(), "");
}

void BrowserPlatform::download_run(const std::string& id, const std::string& file_name) {
  js_run_op("download", id.c_str(), file_name.c_str());
}

void BrowserPlatform::save_ui_prefs(const std::string& query) {
  js_save_ui_prefs(query.c_str());
}

void BrowserPlatform::announce(const std::string& text) {
  js_announce(text.c_str());
}

void BrowserPlatform::save_lessons_progress(const std::string& json) {
  js_save_lessons(json.c_str());
}

std::string BrowserPlatform::load_lessons_progress() {
  char* p = js_load_lessons();
  std::string s = p ? p : "";
  std::free(p);
  return s;
}

void BrowserPlatform::pick_lesson_file() {
  js_pick_lesson();
}

void BrowserPlatform::clear_link() {
  js_clear_link();
}

bool browser_wants_timer_loop() {
  return js_timer_loop() != 0;
}

}  // namespace bpl::app
