// Backprop Lab — platform glue only: SDL2 window, OpenGL 3 (desktop) or WebGL2 (browser)
// context, Dear ImGui backends, one frame() shared by the native loop and
// emscripten_set_main_loop, and the functions the page calls. Everything the user sees is
// draw_ui(App&) in ui.cpp; when to train and paint is FrameScheduler (frame_scheduler.h); the
// desktop flags and the benchmark are automation.h; C++ → JavaScript is platform_browser.cpp.
//
// Desktop flags: --preset NAME  --load MODEL.bplm  --train-epochs N (start at once, quit after N epochs)
//                --screenshot FILE.png (written before quitting)  --frames N (quit after N frames)
//                --bench SECONDS (train with the UI, then headless, print both rates)
//                --view stepper|inside|draw|report|experiments (open that view)  --light (light theme)  --stepper-op N
//                (show its operation N, 1-based)  --lesson FILE.md (open a lesson file)
// Browser: the same through the URL (?bench=10), and the exported functions at the bottom.
#include "app.h"
#include "automation.h"
#include "data/idx.h"
#include "frame_scheduler.h"
#include "heatmap.h"
#include "input_pacer.h"
#include "panels/panels.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/heap.h>
#include <emscripten/html5.h>
#include "platform_browser.h"
#else
#include <SDL_opengl.h>
#include "platform_desktop.h"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef BPL_ASSETS_DIR
#define BPL_ASSETS_DIR "assets"
#endif
#ifndef BPL_LESSONS_DIR
#define BPL_LESSONS_DIR "web/lessons"
#endif

using namespace bpl::app;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_now() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct Glue {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  bool done = false;
  int exit_code = 0;
  App app;
  std::unique_ptr<Platform> platform;
  Options opt;
  FrameScheduler scheduler{seconds_now()};
  Bench bench;
  Clock::time_point last_frame = Clock::now();
  float dpr = 1.0f;
  InputPacer pacer;
  std::vector<SDL_Event> held;  // events the pacer holds for the next frame
  bool sleeping = false;        // the browser's main loop is paused (idle)
  double sleep_ms = -1;         // desktop: wait this long for an event before the next frame (< 0: don't)
  long loop_frames = 0;
};

Glue* g = nullptr;

// what the input pacer needs of an SDL event (SDL turns a finger into mouse events with
// SDL_TOUCH_MOUSEID)
PointerEvent pointer_event(const SDL_Event& e) {
  switch (e.type) {
    case SDL_MOUSEMOTION:
      return {PointerEvent::Move, static_cast<float>(e.motion.x), static_cast<float>(e.motion.y),
              e.motion.which == SDL_TOUCH_MOUSEID};
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      return {e.type == SDL_MOUSEBUTTONDOWN ? PointerEvent::Down : PointerEvent::Up, static_cast<float>(e.button.x),
              static_cast<float>(e.button.y), e.button.which == SDL_TOUCH_MOUSEID};
    default:
      return {};
  }
}

void save_screenshot(const std::string& path) {
#ifndef __EMSCRIPTEN__
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(g->window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4), flipped(px.size());
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (int y = 0; y < h; ++y)
    std::memcpy(&flipped[static_cast<size_t>(y) * w * 4], &px[static_cast<size_t>(h - 1 - y) * w * 4], w * 4);
  if (stbi_write_png(path.c_str(), w, h, 4, flipped.data(), w * 4))
    std::printf("screenshot: %s (%d×%d)\n", path.c_str(), w, h);
  else
    std::fprintf(stderr, "could not write %s\n", path.c_str());
#else
  (void)path;
#endif
}

// the page's clock (performance.now() in the browser), to line up with its paint timestamps
double now_ms() {
#ifdef __EMSCRIPTEN__
  return emscripten_get_now();
#else
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
#endif
}

double heap_mb() {
#ifdef __EMSCRIPTEN__
  return emscripten_get_heap_size() / 1048576.0;
#else
  return 0.0;
#endif
}

// ------------------------------------------------------------------ idle: sleep and wake
// While nothing changes, the scheduler stops painting and the loop sleeps: in the browser the
// main loop pauses (no requestAnimationFrame at all) until an SDL event arrives, the page calls
// in (every bpl_* function below calls wake()), or a blinking cursor's timer fires; on the
// desktop SDL_WaitEventTimeout blocks.
void resume_loop() {
#ifdef __EMSCRIPTEN__
  if (g && g->sleeping) {
    g->sleeping = false;
    emscripten_resume_main_loop();
  }
#endif
}

#ifdef __EMSCRIPTEN__
void wake() {
  g->scheduler.wake();
  resume_loop();
}

// every event pushed into SDL's queue (mouse, touch, keys, window) resumes a paused loop
int resume_on_event(void*, SDL_Event*) {
  resume_loop();
  return 0;
}
#endif

void sleep_loop(double until_ms) {
  const double ms = until_ms - now_ms();
#ifdef __EMSCRIPTEN__
  g->sleeping = true;
  emscripten_pause_main_loop();
  if (ms < FrameScheduler::kForever)
    emscripten_async_call([](void*) { resume_loop(); }, nullptr, static_cast<int>(ms) + 1);
#else
  g->sleep_ms = ms < FrameScheduler::kForever ? std::max(0.0, ms) : 1e9;
#endif
}

void frame() {
  App& app = g->app;
  ++g->loop_frames;
  FrameScheduler& sched = g->scheduler;
  const auto t_start = Clock::now();
  const float interval = std::chrono::duration<float, std::milli>(t_start - g->last_frame).count();
  g->last_frame = t_start;
  sched.frame_started(interval, app.frames);
  if (sched.painted_frames() > 0) g->bench.frame(interval);

  // this frame's events after those held last frame; the pacer may hold a press for a frame
  std::vector<SDL_Event> events;
  events.swap(g->held);
  SDL_Event e;
  while (SDL_PollEvent(&e)) events.push_back(e);
  std::vector<PointerEvent> pointer(events.size());
  for (size_t i = 0; i < events.size(); ++i) pointer[i] = pointer_event(events[i]);
  const size_t admitted = g->pacer.admit(pointer);
  g->held.assign(events.begin() + static_cast<std::ptrdiff_t>(admitted), events.end());
  const bool input = !events.empty() || g->pacer.wants_frame();
  for (size_t i = 0; i < admitted; ++i) {
    ImGui_ImplSDL2_ProcessEvent(&events[i]);
    if (events[i].type == SDL_QUIT) g->done = true;
    if (events[i].type == SDL_WINDOWEVENT && events[i].window.event == SDL_WINDOWEVENT_CLOSE &&
        events[i].window.windowID == SDL_GetWindowID(g->window))
      g->done = true;
  }
#ifdef __EMSCRIPTEN__
  {  // follow the page: canvas size in CSS pixels, device pixel ratio for crisp text
    double cw = 0, ch = 0;
    emscripten_get_element_css_size("#canvas", &cw, &ch);
    int w = 0, h = 0;
    SDL_GetWindowSize(g->window, &w, &h);
    if (static_cast<int>(cw) != w || static_cast<int>(ch) != h)
      SDL_SetWindowSize(g->window, static_cast<int>(cw), static_cast<int>(ch));
    float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
    if (dpr != g->dpr) {
      g->dpr = dpr;
      app.font_dirty = true;
    }
  }
#endif
  if (app.font_dirty) {
    load_fonts(app.effective_scale(), g->dpr);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app.font_dirty = false;
  }
  if (app.theme_dirty) {
    apply_theme(app.dark_theme, app.effective_scale(), app.present);
    app.theme_dirty = false;
  }

  const bool training = app.state() == RunState::Running;
  switch (sched.work(app.frames, training, app.exp.running)) {
    case FrameScheduler::Work::Train:
      app.tick(app.frames.train_budget_ms);
      break;
    case FrameScheduler::Work::Experiments:
      app.experiments_tick(app.frames.train_budget_ms);
      break;
    case FrameScheduler::Work::None:
      break;
  }
  if (const bpl::Trainer* t = app.trainer())
    sched.measure_rate(seconds_now(), t->images_seen(), app.state() == RunState::Running, app.frames);
  if (app.state() != RunState::Running) app.background(FrameScheduler::background_budget(app.frames));
  if (g->bench.active()) g->bench.step(app, now_ms(), heap_mb());
  app.autosave_if_due();

  FrameScheduler::Activity activity;
  activity.training = app.state() == RunState::Running;
  activity.input = input;
  activity.font_dirty = app.font_dirty;
  activity.busy = app.exp.running || app.evaluating() || app.stepper.playing || app.theme_dirty || app.autosave_due() ||
                  g->bench.active() || ImGui::IsAnyMouseDown() || g->opt.frames > 0 || g->opt.train_epochs > 0 ||
                  !g->opt.screenshot.empty();
  activity.typing = ImGui::GetIO().WantTextInput;
  if (!sched.should_paint(interval, activity, now_ms())) {
    if (sched.asleep()) {
      sleep_loop(sched.sleep_until_ms());
      return;
    }
    app.tick(FrameScheduler::kSkippedFrameTrainMs);
    return;
  }

  apply_frame_options(app, g->opt);
  app.stepper_tick(interval);
  const auto t_ui = Clock::now();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  {
    ImGuiIO& io = ImGui::GetIO();
    const InputPacer::Pointer& p = g->pacer.pointer();
    if (p.set_position) io.MousePos = ImVec2(p.x, p.y);
    if (p.buttons_up) io.MouseDown[0] = io.MouseDown[1] = io.MouseDown[2] = false;
    g->pacer.saw(io.MousePos.x, io.MousePos.y);
    // Enter presses the focused button as Space does (Dear ImGui 1.86 keeps Enter for text input)
    if (!io.WantTextInput && io.NavVisible && (io.KeysDown[SDL_SCANCODE_RETURN] || io.KeysDown[SDL_SCANCODE_KP_ENTER]))
      io.NavInputs[ImGuiNavInput_Activate] = 1.0f;
  }
  ImGui::NewFrame();
  draw_ui(app);
  ImGui::Render();
  {
    const ImDrawData* dd = ImGui::GetDrawData();
    int cmds = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i) cmds += dd->CmdLists[i]->CmdBuffer.Size;
    app.frames.draw_vertices = dd->TotalVtxCount;
    app.frames.draw_commands = cmds;
  }
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);  // the window background, painted by the clear alone
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  textures().end_frame();
  sched.painted(std::chrono::duration<double, std::milli>(Clock::now() - t_ui).count(), app.frames);

  const bool quit = should_quit(app, g->opt, sched.painted_frames(), g->bench.done());
  if (quit && !g->opt.screenshot.empty()) save_screenshot(g->opt.screenshot);
  SDL_GL_SwapWindow(g->window);
  if (quit) {
    g->exit_code = report_quit(app, g->opt);
    g->done = true;
  }
}

}  // namespace

int main(int argc, char** argv) {
  g = new Glue();
  try {
    g->opt = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
#ifdef __EMSCRIPTEN__
  const char* glsl = "#version 300 es";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
  const char* glsl = "#version 130";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#endif
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  auto flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  g->window = SDL_CreateWindow("Backprop Lab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, flags);
  if (!g->window) {
    std::fprintf(stderr, "could not open a window: %s\n", SDL_GetError());
    return 1;
  }
  g->gl = SDL_GL_CreateContext(g->window);
  if (!g->gl) {
    std::fprintf(stderr, "could not create an OpenGL context: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(g->window, g->gl);
#ifndef __EMSCRIPTEN__
  SDL_GL_SetSwapInterval(1);
#endif
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is computed, nothing to remember
  // Tab, the arrows, Space, Enter and Escape move through and press every control, with a focus ring
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  // a key held half a second repeats (Dear ImGui's 0.275 s repeats a slow frame's single press)
  ImGui::GetIO().KeyRepeatDelay = 0.5f;
  ImGui_ImplSDL2_InitForOpenGL(g->window, g->gl);
  ImGui_ImplOpenGL3_Init(glsl);
  if (!g->opt.preset.empty()) g->app.apply_preset(g->opt.preset);
  if (g->opt.light) g->app.dark_theme = false;

#ifdef __EMSCRIPTEN__
  g->platform = std::make_unique<BrowserPlatform>();
  g->app.set_platform(g->platform.get());
  g->app.load_lessons(BPL_LESSONS_DIR);  // embedded at /lessons
  SDL_AddEventWatch(resume_on_event, nullptr);
  // the page fetches the data after the UI is up (index.html) and may ask for the benchmark
  emscripten_set_main_loop(frame, browser_wants_timer_loop() ? 60 : 0, true);
#else
  g->platform = std::make_unique<DesktopPlatform>(g->app, std::string(BPL_ASSETS_DIR) + "/data");
  g->app.set_platform(g->platform.get());
  g->app.data_status = "loading…";
  g->app.load_idx_files(std::string(BPL_ASSETS_DIR) + "/data", "mnist-train-10k", "mnist-test-2k");
  if (g->opt.bench_seconds > 0) g->bench.request(g->opt.bench_seconds, g->opt.preset);
  if (!g->opt.load.empty()) {
    try {
      auto bytes = bpl::read_file_bytes(g->opt.load);
      g->app.load_model_bytes(bytes.data(), bytes.size(), g->opt.load);
    } catch (const std::exception& e) {
      g->app.notice = std::string("could not load ") + g->opt.load + ": " + e.what();
    }
  }
  g->app.load_lessons(BPL_LESSONS_DIR);
  if (!g->opt.lesson.empty()) {
    try {
      const auto bytes = bpl::read_file_bytes(g->opt.lesson);
      g->app.open_lesson_text(std::string(bytes.begin(), bytes.end()), g->opt.lesson);
    } catch (const std::exception& e) {
      g->app.notice = std::string("could not read ") + g->opt.lesson + ": " + e.what();
    }
  }
  apply_start_options(g->app, g->opt);
  while (!g->done) {
    if (g->sleep_ms >= 0) {  // idle: block until an event (or the cursor's next blink)
      SDL_WaitEventTimeout(nullptr, static_cast<int>(std::min(g->sleep_ms, 1e9)));
      g->sleep_ms = -1;
    }
    frame();
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(g->gl);
  SDL_DestroyWindow(g->window);
  SDL_Quit();
  return g->exit_code;
#endif
}

#ifdef __EMSCRIPTEN__
// ------------------------------------------------------------------ JavaScript → C++
extern "C" {

// One IDX file from the page (already un-gzipped); kind 0..3 as App::receive_idx.
EMSCRIPTEN_KEEPALIVE void bpl_receive_idx(int kind, const uint8_t* bytes, int size, const char* name) {
  if (!g) return;  // main() has not run yet
  wake();
  g->app.receive_idx(kind, bytes, static_cast<size_t>(size), name);
}

EMSCRIPTEN_KEEPALIVE void bpl_data_progress(float fraction, const char* status) {
  if (!g) return;
  wake();
  g->app.data_progress = fraction;
  g->app.data_status = status;
}

// A read-only JSON snapshot of the app (tests read it; actions go through real input).
EMSCRIPTEN_KEEPALIVE const char* bpl_state() {
  static std::string s;
  if (!g) return "null";
  s = g->app.state_json();
  if (!g->bench.result().empty()) s.insert(s.size() - 1, ",\"bench\":" + g->bench.result());
  // the loop's iterations and painted frames: a test checks that nothing paints while idle
  s.insert(s.size() - 1, ",\"idle\":{\"asleep\":" + std::string(g->scheduler.asleep() ? "true" : "false") +
                             ",\"painted_frames\":" + std::to_string(g->scheduler.painted_frames()) +
                             ",\"loop_frames\":" + std::to_string(g->loop_frames) + "}");
  return s.c_str();
}

// A .bplm file from the page (file picker, drag and drop, or the autosave store).
EMSCRIPTEN_KEEPALIVE int bpl_load_model(const uint8_t* bytes, int size, const char* name) {
  if (!g) return 0;
  wake();
  return g->app.load_model_bytes(bytes, static_cast<size_t>(size), name).empty() ? 1 : 0;
}

// Settings from the page's address (#model.layers=…&training.learning_rate=…); invalid ones are
// reported in the status line and ignored.
EMSCRIPTEN_KEEPALIVE int bpl_apply_settings(const char* query) {
  if (!g) return 0;
  wake();
  return g->app.apply_settings_query(query).empty() ? 1 : 0;
}

// The page found an autosaved session: ask the learner (summary shown in the dialog).
EMSCRIPTEN_KEEPALIVE void bpl_offer_restore(const char* summary) {
  if (!g) return;
  wake();
  g->app.offer_restore(summary);
}

EMSCRIPTEN_KEEPALIVE void bpl_autosave_now() {
  if (g && (g->app.trainer() || !g->app.history().empty())) g->app.autosave_now();
}

EMSCRIPTEN_KEEPALIVE void bpl_notice(const char* text) {
  if (!g) return;
  wake();
  g->app.set_notice(text);
}

// The page changed something the app cannot see as an event (the canvas resized, the tab shown
// again): paint.
EMSCRIPTEN_KEEPALIVE void bpl_wake() {
  if (g) wake();
}

// ---- the Runs list (issue 13, point 4; index.html's IndexedDB part calls these)
// the stored runs' facts, a JSON array (RunsList::set_from_json)
EMSCRIPTEN_KEEPALIVE void bpl_runs_list(const char* json) {
  if (!g) return;
  wake();
  g->app.set_runs_json(json);
}

// a store_run write is done (ok = 1) or failed (error: the browser's reason)
EMSCRIPTEN_KEEPALIVE void bpl_run_stored(const char* id, int ok, const char* error) {
  if (!g) return;
  wake();
  g->app.run_stored(id, ok != 0, error);
}

// a stored run read back for App::open_run: its settings and model file
EMSCRIPTEN_KEEPALIVE int bpl_open_run(const char* id, const char* query, const uint8_t* bytes, int size) {
  if (!g) return 0;
  wake();
  return g->app.open_run_data(id, query, bytes, static_cast<size_t>(size)).empty() ? 1 : 0;
}

// a lesson file's text (File → Open a lesson file…); a malformed one is refused in the notice
EMSCRIPTEN_KEEPALIVE int bpl_open_lesson_text(const char* text, const char* name) {
  if (!g) return 0;
  wake();
  return g->app.open_lesson_text(text, name).empty() ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void bpl_start_bench(double seconds, const char* preset) {
  if (!g) return;
  wake();
  g->opt.bench_seconds = seconds;
  g->opt.preset = preset;
  g->bench.request(seconds, preset);
}

}  // extern "C"
#endif
