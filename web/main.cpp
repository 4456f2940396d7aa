// Backprop Lab — platform glue only: SDL2 window, OpenGL 3 (desktop) or WebGL2 (browser)
// context, Dear ImGui backends, and one frame() shared by the native loop and
// emscripten_set_main_loop. Everything the user sees is draw_ui(App&) in ui.cpp.
//
// Desktop flags: --preset NAME  --load MODEL.bplm  --train-epochs N (start at once, quit after N epochs)
//                --screenshot FILE.png (written before quitting)  --frames N (quit after N frames)
//                --bench SECONDS (train with the UI, then headless, print both rates)
//                --view stepper|inside|draw|report|experiments (open that view)  --light (light theme)  --stepper-op N (show its operation N, 1-based)
// Browser: the same through the URL (?bench=10), and the exported functions at the bottom.
#include "app.h"
#include "data/idx.h"
#include "heatmap.h"
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
#else
#include <SDL_opengl.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef BPL_ASSETS_DIR
#define BPL_ASSETS_DIR "assets"
#endif

using namespace bpl::app;
using bpl::Trainer;

// Training takes what is left of a 60 Hz frame on the main thread: the frame's budget is
// kFrameMs − (time the UI takes to build and submit, smoothed) − a margin for the browser's
// own work on the main thread.
constexpr double kFrameMs = 16.7, kMarginMs = 4.0;
// a painted frame that overruns 60 Hz by more than this (smoothed) counts as expensive to paint
constexpr double kExpensivePaintMs = 4.0;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string preset;
  int train_epochs = 0;         // > 0: start training at once and quit after this many epochs
  std::string screenshot;
  long frames = 0;              // > 0: quit after this many frames
  double bench_seconds = 0;     // > 0: benchmark mode
  std::string load;             // a .bplm model to open
  int view = -1;                // 1: open the backprop stepper
  int stepper_op = -1;          // ≥ 0: the stepper's operation to show (0-based)
  bool light = false;           // the light theme
};

struct Platform {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  bool done = false;
  int exit_code = 0;
  App app;
  Options opt;
  long frame_no = 0;
  Clock::time_point last_frame = Clock::now();
  bool painted_last = false;
  int since_paint = 0;
  double paint_cost_ms = 0;
  float dpr = 1.0f;
  // throughput measurement over ~1 s windows
  Clock::time_point rate_t0 = Clock::now();
  long rate_images0 = 0;
  // benchmark mode
  int bench_phase = 0;          // 0 off, 1 waiting for data, 2 training with UI, 3 done
  Clock::time_point bench_t0;
  long bench_images0 = 0;
  std::vector<float> bench_frames;
  std::string bench_result;
};

Platform* g = nullptr;

void save_screenshot(const std::string& path) {
#ifndef __EMSCRIPTEN__
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(g->window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4), flipped(px.size());
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (int y = 0; y < h; ++y) std::memcpy(&flipped[static_cast<size_t>(y) * w * 4], &px[static_cast<size_t>(h - 1 - y) * w * 4], w * 4);
  if (stbi_write_png(path.c_str(), w, h, 4, flipped.data(), w * 4)) std::printf("screenshot: %s (%d×%d)\n", path.c_str(), w, h);
  else std::fprintf(stderr, "could not write %s\n", path.c_str());
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

void bench_step() {
  App& app = g->app;
  if (g->bench_phase == 1 && app.data_ready()) {
    app.apply_preset(g->opt.preset.empty() ? "r2-mlp" : g->opt.preset);
    app.cfg.train.epochs = 1000;
    app.start();
    g->bench_phase = 2;
    g->bench_t0 = Clock::now();
    g->bench_images0 = app.trainer() ? app.trainer()->images_seen() : 0;
    g->bench_frames.clear();
    return;
  }
  if (g->bench_phase != 2) return;
  const double secs = std::chrono::duration<double>(Clock::now() - g->bench_t0).count();
  if (secs < g->opt.bench_seconds) return;
  Trainer* t = app.trainer();
  const double ui_rate = (t->images_seen() - g->bench_images0) / secs;
  const double t_end = now_ms(), t_begin = t_end - secs * 1000.0;
  app.pause();
  // the same build without the UI: batches back to back for 3 s
  const long i0 = t->images_seen();
  auto h0 = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - h0).count() < 3.0) t->step();
  const double headless = (t->images_seen() - i0) / std::chrono::duration<double>(Clock::now() - h0).count();
  std::vector<float> f = g->bench_frames;
  std::sort(f.begin(), f.end());
  auto pct = [&](double p) { return f.empty() ? 0.0 : f[std::min(f.size() - 1, static_cast<size_t>(p * (f.size() - 1)))]; };
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"model\":\"%s\",\"seconds\":%.1f,\"frames\":%zu,\"frame_p50_ms\":%.2f,\"frame_p95_ms\":%.2f,"
                "\"frame_max_ms\":%.2f,\"train_images_per_sec_with_ui\":%.0f,\"train_images_per_sec_headless\":%.0f,"
                "\"ratio\":%.3f,\"wasm_heap_mb\":%.1f,\"t_begin_ms\":%.1f,\"t_end_ms\":%.1f}",
                app.cfg.preset.c_str(), secs, f.size(), pct(0.5), pct(0.95), f.empty() ? 0.0 : f.back(), ui_rate, headless,
                ui_rate / headless, heap_mb(), t_begin, t_end);
  g->bench_result = buf;
  std::printf("BENCH %s\n", buf);
  std::fflush(stdout);
  g->bench_phase = 3;
}

void frame() {
  App& app = g->app;
  const auto t_start = Clock::now();
  const float interval = std::chrono::duration<float, std::milli>(t_start - g->last_frame).count();
  g->last_frame = t_start;
  if (g->frame_no > 0) {
    app.frames.frame_ms.push_back(interval);
    if (app.frames.frame_ms.size() > 600) app.frames.frame_ms.pop_front();
    app.frames.fps = 0.9 * app.frames.fps + 0.1 * (1000.0 / std::max(1.0f, interval));
    if (g->bench_phase == 2) g->bench_frames.push_back(interval);
  }

  SDL_Event e;
  bool input = false;
  while (SDL_PollEvent(&e)) {
    input = true;
    ImGui_ImplSDL2_ProcessEvent(&e);
    if (e.type == SDL_QUIT) g->done = true;
    if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE && e.window.windowID == SDL_GetWindowID(g->window))
      g->done = true;
  }
#ifdef __EMSCRIPTEN__
  {  // follow the page: canvas size in CSS pixels, device pixel ratio for crisp text
    double cw = 0, ch = 0;
    emscripten_get_element_css_size("#canvas", &cw, &ch);
    int w = 0, h = 0;
    SDL_GetWindowSize(g->window, &w, &h);
    if (static_cast<int>(cw) != w || static_cast<int>(ch) != h) SDL_SetWindowSize(g->window, static_cast<int>(cw), static_cast<int>(ch));
    float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
    if (dpr != g->dpr) {
      g->dpr = dpr;
      app.font_dirty = true;
    }
  }
#endif
  if (app.font_dirty) {
    load_fonts(app.ui_scale, g->dpr);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app.font_dirty = false;
  }
  if (app.theme_dirty) {
    apply_theme(app.dark_theme, app.ui_scale);
    app.theme_dirty = false;
  }

  // training for this frame: what is left of 16.7 ms after the interface (and none on a frame
  // that paints when painting is expensive: that frame is long already)
  if (app.state() == RunState::Running && g->paint_cost_ms <= kExpensivePaintMs) {
    FrameStats& fs = app.frames;
    const double target = kFrameMs - fs.ui_ms - kMarginMs;
    fs.train_budget_ms = std::clamp(0.7 * fs.train_budget_ms + 0.3 * target, 1.0, kFrameMs - kMarginMs);
    app.tick(fs.train_budget_ms);
  } else if (app.exp.running) {   // an experiments run, sliced the same way
    FrameStats& fs = app.frames;
    fs.train_budget_ms = std::clamp(0.7 * fs.train_budget_ms + 0.3 * (kFrameMs - fs.ui_ms - kMarginMs), 1.0, kFrameMs - kMarginMs);
    app.experiments_tick(fs.train_budget_ms);
  }
  if (Trainer* t = app.trainer()) {
    const double dt = std::chrono::duration<double>(Clock::now() - g->rate_t0).count();
    if (dt >= 1.0) {
      const double r = (t->images_seen() - g->rate_images0) / dt;
      if (app.state() == RunState::Running) app.frames.images_per_sec = app.frames.images_per_sec > 0 ? 0.5 * app.frames.images_per_sec + 0.5 * r : r;
      g->rate_t0 = Clock::now();
      g->rate_images0 = t->images_seen();
    }
  }
  if (app.state() != RunState::Running) app.background(kFrameMs - app.frames.ui_ms - kMarginMs);
  if (g->bench_phase) bench_step();
  if (app.autosave_due && app.request_autosave) {
    app.autosave_due = false;
    app.request_autosave();
  }

  // Repaint less often while training when painting is expensive. A painted frame costs the
  // main thread the time the browser needs to draw and composite it; with software WebGL
  // (headless Chromium's SwiftShader) that is ~20 ms, with a GPU under 1 ms. How far a painted
  // frame's interval overran a 60 Hz frame measures it (waiting for vsync is not a cost): when
  // painting is expensive, two of three frames train for their whole budget and only the third
  // paints (~20 fps of curves), and any input paints at once.
  if (g->painted_last) g->paint_cost_ms = 0.8 * g->paint_cost_ms + 0.2 * std::max(0.0, interval - kFrameMs);
  g->painted_last = false;
  const bool expensive_paint = g->paint_cost_ms > kExpensivePaintMs;
  if (app.state() == RunState::Running && !input && ++g->since_paint < (expensive_paint ? 3 : 1) && !app.font_dirty) {
    app.tick(kFrameMs - 2.7);   // the frame's whole budget, less the browser's share
    return;
  }
  g->since_paint = 0;
  g->painted_last = true;

  if (g->opt.view >= 0) {
    app.view_request = g->opt.view;
    g->opt.view = -1;
  }
  if (g->opt.stepper_op >= 0 && !app.stepper.trace.empty()) {
    app.stepper_set_op(g->opt.stepper_op);
    g->opt.stepper_op = -1;
  }
  app.stepper_tick(interval);
  const auto t_ui = Clock::now();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
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
  glClearColor(bg.x, bg.y, bg.z, 1.0f);   // the window background, painted by the clear alone
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  textures().end_frame();
  app.frames.ui_ms = 0.9 * app.frames.ui_ms + 0.1 * std::chrono::duration<double, std::milli>(Clock::now() - t_ui).count();
  ++g->frame_no;

  // desktop automation: quit after N epochs or frames, with a screenshot
  bool quit = false;
  if (g->opt.train_epochs > 0 && app.trainer() && !app.evaluating() &&
      (app.trainer()->epoch() >= g->opt.train_epochs || app.state() == RunState::Done))
    quit = true;
  if (g->opt.frames > 0 && g->frame_no >= g->opt.frames) quit = true;
  if (g->opt.bench_seconds > 0 && g->bench_phase == 3) quit = true;
  if (quit && !g->opt.screenshot.empty()) save_screenshot(g->opt.screenshot);
  SDL_GL_SwapWindow(g->window);
  if (quit) {
    if (g->opt.train_epochs > 0) {
      std::printf("trained %d epoch(s): %s\n", app.trainer() ? app.trainer()->epoch() : 0, app.state_json().c_str());
      if (!app.trainer() || app.trainer()->epoch() < 1) g->exit_code = 1;
    }
    g->done = true;
  }
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--preset") o.preset = next();
    else if (a == "--train-epochs") o.train_epochs = std::atoi(next().c_str());
    else if (a == "--screenshot") o.screenshot = next();
    else if (a == "--frames") o.frames = std::atol(next().c_str());
    else if (a == "--bench") o.bench_seconds = std::atof(next().c_str());
    else if (a == "--load") o.load = next();
    else if (a == "--view") {
      const std::string v = next();
      for (int k = 0; k < kViewCount; ++k)
        if (v == kViews[k]) o.view = k;
      if (o.view < 0) {
        std::fprintf(stderr, "--view: train, stepper, inside, draw, report or experiments\n");
        std::exit(2);
      }
    } else if (a == "--stepper-op") o.stepper_op = std::atoi(next().c_str()) - 1;
    else if (a == "--light") o.light = true;
    else {
      std::fprintf(stderr, "unknown option %s\n(options: --preset NAME --load FILE --train-epochs N --screenshot FILE --frames N --bench SECONDS --view stepper --stepper-op N --light)\n", a.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  g = new Platform();
  g->opt = parse_options(argc, argv);
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
  ImGui::GetIO().IniFilename = nullptr;   // the layout is computed, nothing to remember
  ImGui_ImplSDL2_InitForOpenGL(g->window, g->gl);
  ImGui_ImplOpenGL3_Init(glsl);
  if (!g->opt.preset.empty()) g->app.apply_preset(g->opt.preset);
  if (g->opt.light) g->app.dark_theme = false;

#ifdef __EMSCRIPTEN__
  g->app.request_dataset = [](const App::DataChoice& c) {
    EM_ASM({ window.bplLoad(UTF8ToString($0), UTF8ToString($1)); }, c.train, c.test);
  };
  g->app.request_files = []() { EM_ASM({ window.bplPickFiles(); }); };
  g->app.request_download = [](const std::vector<uint8_t>& bytes, const std::string& name) {
    EM_ASM({ window.bplDownload(HEAPU8.slice($0, $0 + $1), UTF8ToString($2)); }, bytes.data(), bytes.size(), name.c_str());
  };
  g->app.request_model_file = []() { EM_ASM({ window.bplPickModel(); }); };
  g->app.request_share_link = [](const std::string& q) { EM_ASM({ window.bplShare(UTF8ToString($0)); }, q.c_str()); };
  g->app.request_autosave = []() {
    std::vector<uint8_t> bytes = g->app.save_model_bytes();
    const std::string q = g->app.settings_query();
    char summary[256];
    std::snprintf(summary, sizeof summary, "%s · %zu epoch(s) trained · test accuracy %.2f%%", g->app.layers_text.c_str(),
                  g->app.history().size(), 100 * (std::isfinite(g->app.last_test_accuracy()) ? g->app.last_test_accuracy() : 0.0));
    EM_ASM({ window.bplStore(HEAPU8.slice($0, $0 + $1), UTF8ToString($2), UTF8ToString($3)); }, bytes.data(), bytes.size(),
           q.c_str(), summary);
  };
  g->app.answer_restore = [](bool yes) { EM_ASM({ window.bplAnswerRestore($0); }, yes ? 1 : 0); };
#else
  g->app.request_dataset = [](const App::DataChoice& c) {
    g->app.load_idx_files(std::string(BPL_ASSETS_DIR) + "/data", c.train, c.test);
  };
  g->app.request_download = [](const std::vector<uint8_t>& bytes, const std::string& name) {
    FILE* f = std::fopen(name.c_str(), "wb");
    const bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (f) std::fclose(f);
    g->app.notice = ok ? "saved " + name + " in the current folder" : "could not write " + name;
  };
#endif

#ifdef __EMSCRIPTEN__
  // the page fetches the data after the UI is up (index.html) and may ask for the benchmark
  g->bench_phase = 0;
  // ?loop=timer runs the frame on a 60 Hz timer instead of requestAnimationFrame: the engine
  // then trains while the compositor draws the previous frame (for software WebGL)
  const int timer = EM_ASM_INT({ return new URLSearchParams(location.search).get('loop') === 'timer' ? 1 : 0; });
  emscripten_set_main_loop(frame, timer ? 60 : 0, true);
#else
  g->app.data_status = "loading…";
  g->app.load_idx_files(std::string(BPL_ASSETS_DIR) + "/data", "mnist-train-10k", "mnist-test-2k");
  if (g->opt.bench_seconds > 0) g->bench_phase = 1;
  if (!g->opt.load.empty()) {
    try {
      auto bytes = bpl::read_file_bytes(g->opt.load);
      g->app.load_model_bytes(bytes.data(), bytes.size(), g->opt.load);
    } catch (const std::exception& e) {
      g->app.notice = std::string("could not load ") + g->opt.load + ": " + e.what();
    }
  }
  if (g->opt.train_epochs > 0) {
    g->app.cfg.train.epochs = std::max(g->app.cfg.train.epochs, g->opt.train_epochs);
    g->app.start();
  }
  while (!g->done) frame();
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
// ------------------------------------------------------------------ browser glue
extern "C" {

// One IDX file from the page (already un-gzipped); kind 0..3 as App::receive_idx.
EMSCRIPTEN_KEEPALIVE void bpl_receive_idx(int kind, const uint8_t* bytes, int size, const char* name) {
  if (!g) return;   // main() has not run yet
  g->app.receive_idx(kind, bytes, static_cast<size_t>(size), name);
}

EMSCRIPTEN_KEEPALIVE void bpl_data_progress(float fraction, const char* status) {
  if (!g) return;
  g->app.data_progress = fraction;
  g->app.data_status = status;
}

// A read-only JSON snapshot of the app (tests read it; actions go through real input).
EMSCRIPTEN_KEEPALIVE const char* bpl_state() {
  static std::string s;
  if (!g) return "null";
  s = g->app.state_json();
  if (!g->bench_result.empty()) s.insert(s.size() - 1, ",\"bench\":" + g->bench_result);
  return s.c_str();
}

// A .bplm file from the page (file picker, drag and drop, or the autosave store).
EMSCRIPTEN_KEEPALIVE int bpl_load_model(const uint8_t* bytes, int size, const char* name) {
  if (!g) return 0;
  return g->app.load_model_bytes(bytes, static_cast<size_t>(size), name).empty() ? 1 : 0;
}

// Settings from the page's address (#model.layers=…&training.learning_rate=…); invalid ones are
// reported in the status line and ignored.
EMSCRIPTEN_KEEPALIVE int bpl_apply_settings(const char* query) {
  if (!g) return 0;
  return g->app.apply_settings_query(query).empty() ? 1 : 0;
}

// The page found an autosaved session: ask the learner (summary shown in the dialog).
EMSCRIPTEN_KEEPALIVE void bpl_offer_restore(const char* summary) {
  if (g) g->app.restore_offer = summary;
}

EMSCRIPTEN_KEEPALIVE void bpl_autosave_now() {
  if (g && g->app.request_autosave && (g->app.trainer() || !g->app.history().empty())) g->app.request_autosave();
}

EMSCRIPTEN_KEEPALIVE void bpl_notice(const char* text) {
  if (g) g->app.notice = text;
}

EMSCRIPTEN_KEEPALIVE void bpl_start_bench(double seconds, const char* preset) {
  if (!g) return;
  g->opt.bench_seconds = seconds;
  g->opt.preset = preset;
  g->bench_phase = 1;
}

}  // extern "C"
#endif
