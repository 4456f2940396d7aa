// The frame's layout, for every screen from a 360-pixel phone to a 4K projector at any UI scale:
// the menu bar, the views as a row of buttons that wraps (never cut, never off the window), a
// notice strip, then the view. Train: the run controls (Start/Pause/Step/Reset, progress, the
// trainer's messages) on top, then the Model, Training and Curves panels side by side when there
// is room, else one at a time behind a small switch. Every panel scrolls inside itself. Present
// mode hides the menus and settings and shows the view large in a high-contrast theme.
// One host window fills the viewport; the panels are bordered child regions on the cleared
// background. No layer is painted under another (no overdraw): software WebGL (headless
// Chromium's SwiftShader) pays for every blended pixel.
#include "panels/panels.h"
#include "widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>

namespace bpl::app {

namespace {

struct ViewPanel {
  const char* tab;    // the button's label
  const char* brief;  // on a narrow screen
  const char* title;  // the panel's title
  void (*body)(App&);
};
const ViewPanel kViewPanels[kViewCount] = {
    {"Train", "Train", "", nullptr},
    {"Backprop stepper", "Stepper", "Backprop stepper: one training step, one operation at a time", StepperPanel},
    {"Inside the network", "Inside", "Inside the network: what it has learned, and what it computes for one image",
     InsidePanel},
    {"Draw", "Draw", "Draw a digit: the network's guess, live", DrawPanel},
    {"Report", "Report", "Evaluation report on the test images", ReportPanel},
    {"Experiments", "Experiments", "Experiments: a report's comparison, run here", ExperimentsPanel},
};

void MenuBar(App& app) {
  if (!ImGui::BeginMenuBar()) return;
  const float w = ImGui::GetWindowWidth(), fs = ImGui::GetFontSize();
  ImGui::TextColored(color(colors().heading), "%s", w > fs * 22 ? "Backprop Lab" : "BPL");
  if (w > fs * 44) ImGui::TextDisabled("watch a network learn MNIST");
  const bool file_open = ImGui::BeginMenu("File");
  RecordRect(app, "menu_file");
  if (file_open) {
    const bool busy = app.state() == RunState::Running;
    const bool save = ImGui::MenuItem("Save the model", nullptr, false, !busy && app.platform());
    RecordRect(app, "menu_save");
    if (save) app.download_model();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "A .bplm file: layers, weights, optimizer state, training history.\nLoad it here or with `bpl evaluate "
          "--load`.");
    const bool pickers = app.platform() && app.platform()->can_pick_files();
    if (pickers && ImGui::MenuItem("Load a model…", nullptr, false, !busy)) app.pick_model_file();
    RecordRect(app, "menu_load_model");
    LessonFileMenuItem(app);
    RunsMenuItem(app);
    const bool lab_report = ImGui::MenuItem("Export lab report", nullptr, false, app.platform() != nullptr);
    RecordRect(app, "menu_lab_report");
    if (lab_report) app.export_lab_report();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "One HTML page with this run: model, settings, learning curves, time per epoch,\nconfusion matrix, "
          "per-class precision/recall/F1, the most confident mistakes, lesson answers.");
    if (app.platform() && app.platform()->can_share_link()) {
      ImGui::Separator();
      if (ImGui::MenuItem("Share these settings as a link")) app.share_settings_link();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Puts the model and hyper-parameters (not the weights) in the page's address,\nready to copy and send.");
    }
    ImGui::EndMenu();
  }
  const bool data_open = ImGui::BeginMenu("Data");
  RecordRect(app, "menu_data");
  if (data_open) {
    const bool busy = app.state() == RunState::Running;
    int i = 0;
    for (const DataChoice& c : App::data_choices()) {
      const bool picked = ImGui::MenuItem(c.label, nullptr, app.dataset_loaded(c), !busy && app.platform());
      RecordRect(app, ("data_" + std::to_string(i++)).c_str());
      if (picked) app.choose_dataset(c);
    }
    if (app.platform() && app.platform()->can_pick_files()) {
      ImGui::Separator();
      if (ImGui::MenuItem("Load your own IDX files…", nullptr, false, !busy)) app.pick_data_files();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Pick four IDX files (images and labels, training and test; .gz is fine).\n"
            "They are checked before anything is replaced.");
    }
    if (busy) ImGui::TextDisabled("pause training to change the data");
    ImGui::EndMenu();
  }
  const bool view_open = ImGui::BeginMenu("View");
  RecordRect(app, "menu_view");
  if (view_open) {
    if (ImGui::MenuItem("Present mode", "P", app.present)) app.set_present(!app.present);
    if (ImGui::MenuItem("Dark theme", nullptr, app.dark_theme)) app.set_dark_theme(!app.dark_theme);
    float s = app.ui_scale;
    ImGui::SetNextItemWidth(fs * 8);
    ImGui::SliderFloat("UI scale", &s, App::kMinUiScale, App::kMaxUiScale, "%.2f×");
    if (ImGui::IsItemDeactivatedAfterEdit()) app.set_ui_scale(s);  // fonts are rebuilt once, on release
    for (float preset : {1.0f, 1.5f, 2.0f}) {
      char label[16];
      std::snprintf(label, sizeof label, "%g×", preset);
      if (ImGui::MenuItem(label, nullptr, app.ui_scale == preset)) app.set_ui_scale(preset);
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Keyboard shortcuts", "?")) app.show_help = true;
    ImGui::EndMenu();
  }
  LessonsMenu(app);
  ImGui::EndMenuBar();
}

// The views as buttons that wrap onto a second row on a narrow screen (a tab bar would cut their
// names or scroll them off the window); the selected one is filled.
int ViewSwitcher(App& app, int view) {
  const float fs = ImGui::GetFontSize();
  float full = 0;
  for (const ViewPanel& v : kViewPanels) full += ButtonWidth(v.tab) + ImGui::GetStyle().ItemSpacing.x;
  const bool brief = full > ImGui::GetContentRegionAvail().x;
  int chosen = view;
  for (int i = 0; i < kViewCount; ++i) {
    const char* label = brief ? kViewPanels[i].brief : kViewPanels[i].tab;
    if (i > 0) Flow(ButtonWidth(label));
    const bool on = i == view;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_Header));
    if (ImGui::Button(label)) chosen = i;
    if (on) ImGui::PopStyleColor();
    RecordRect(app, std::string("tab_") + kViews[i]);
  }
  // present mode: its own way out, where the menu bar was
  const char* exit_label = "Exit present mode (Esc)";
  if (app.present) {
    Flow(ButtonWidth(exit_label) + fs);
    if (ImGui::Button(exit_label)) app.set_present(false);
    RecordRect(app, "present_exit");
  }
  return chosen;
}

// A notice wraps and stays until dismissed or replaced.
void NoticeStrip(App& app) {
  if (app.notice.empty()) return;
  const bool bad = app.notice.find("could not") != std::string::npos ||
                   app.notice.find("ignored") != std::string::npos || app.notice.find("failed") != std::string::npos ||
                   app.notice.find("refused") != std::string::npos;
  const float close_w = ButtonWidth("Dismiss");
  ImGui::PushStyleColor(ImGuiCol_Text, color(bad ? colors().warn : colors().heading));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - close_w -
                         ImGui::GetStyle().ItemSpacing.x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(app.notice.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  RecordRect(app, "notice");
  ImGui::SameLine(ImGui::GetContentRegionMax().x - close_w);
  if (ImGui::Button("Dismiss")) app.notice.clear();
  RecordRect(app, "notice_dismiss");
}

void Panel(const char* title, ImVec2 pos, ImVec2 size, void (*body)(App&), App& app) {
  ImGui::SetCursorScreenPos(pos);
  // NavFlattened: Tab and the arrows go through the panel's controls as if they were the window's
  ImGui::BeginChild(title, size, true, ImGuiWindowFlags_NavFlattened);
  if (title[0] != '#') {
    ImGui::PushStyleColor(ImGuiCol_Text, color(colors().heading));
    ImGui::TextWrapped("%s", title);
    ImGui::PopStyleColor();
    ImGui::Separator();
  }
  body(app);
  ImGui::EndChild();
}

// The Train view below the run controls: side by side when wide, one panel at a time when narrow.
void TrainPanels(App& app, ImVec2 o, float W, float H, float gap) {
  const float fs = ImGui::GetFontSize();
  if (app.present) {
    Panel("Curves", o, ImVec2(W, H), CurvesPanel, app);
    return;
  }
  const float left = std::max(fs * 26.0f, W * 0.36f);
  if (W - left - gap >= fs * 20.0f && H >= fs * 16.0f) {
    const float model_h = H * 0.45f;
    Panel("Model", o, ImVec2(left, model_h), ModelPanel, app);
    Panel("Training", ImVec2(o.x, o.y + model_h + gap), ImVec2(left, H - model_h - gap), TrainingPanel, app);
    Panel("Curves", ImVec2(o.x + left + gap, o.y), ImVec2(W - left - gap, H), CurvesPanel, app);
    return;
  }
  // narrow or short: a switch between the three
  ImGui::SetCursorScreenPos(o);
  static const char* panes[] = {"Curves", "Model", "Training settings"};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) Flow(ButtonWidth(panes[i]));
    const bool on = app.train_pane == i;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_Header));
    if (ImGui::Button(panes[i])) app.train_pane = i;
    if (on) ImGui::PopStyleColor();
    RecordRect(app, std::string("pane_") + (i == 0 ? "curves" : i == 1 ? "model" : "settings"));
  }
  const float top = ImGui::GetCursorScreenPos().y;
  const float h = std::max(fs * 6, H - (top - o.y));
  void (*bodies[])(App&) = {CurvesPanel, ModelPanel, TrainingPanel};
  Panel(panes[app.train_pane], ImVec2(o.x, top), ImVec2(W, h), bodies[app.train_pane], app);
}

// Tab and Shift+Tab: every control, not only the text fields as Dear ImGui 1.86 does, so a
// keyboard reaches the views, Start and every button (the arrows also move the focus ring; Space
// or Enter presses; Alt the menu bar; Escape closes a menu or popup).
void TabThroughEverything() {
  ImGuiContext& g = *GImGui;
  if (!g.NavMoveSubmitted || !(g.NavMoveFlags & ImGuiNavMoveFlags_Tabbing)) return;
  g.NavMoveFlags |= ImGuiNavMoveFlags_FocusApi;
  if (g.NavTabbingDir == 0 && g.NavId != 0) g.NavTabbingDir = +1;  // from the focused control, not the first
}

// Keys for the whole app (the stepper has its own, in its panel), while no text field has them.
void Shortcuts(App& app) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  for (ImWchar c : io.InputQueueCharacters) {
    if (c == '?') app.show_help = !app.show_help;
    if ((c == 'p' || c == 'P') && !io.KeyCtrl) app.set_present(!app.present);
  }
  // Escape closes what is open first (a menu or a dialog: Dear ImGui and HelpOverlay), then present mode
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false) && !app.show_help && app.present &&
      !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel))
    app.set_present(false);
}

void HelpOverlay(App& app) {
  if (!app.show_help) return;
  if (!ImGui::IsPopupOpen("Keyboard shortcuts")) ImGui::OpenPopup("Keyboard shortcuts");
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(vp->WorkSize.x * 0.95f, vp->WorkSize.y * 0.9f));
  bool open = true;
  if (ImGui::BeginPopupModal("Keyboard shortcuts", &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    static const char* keys[][2] = {
        {"Tab / Shift+Tab", "next / previous control (a focus ring shows where you are)"},
        {"arrows", "move the focus ring; in the stepper, ← → step"},
        {"Space or Enter", "press the focused button, open the focused menu"},
        {"Alt", "the menu bar (then the arrows, Enter)"},
        {"Escape", "close a menu or a dialog; leave present mode"},
        {"P", "present mode: the view large, settings hidden"},
        {"?", "this list"},
        {"stepper: Home End", "first / last operation"},
        {"stepper: Space", "play or pause the steps"},
        {"stepper: L B U", "jump to the loss, the backward pass, the update"},
    };
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
      for (const auto& k : keys) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k[0]);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k[1]);
      }
      ImGui::EndTable();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) open = false;
    if (!open) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (!open) app.show_help = false;
}

// Asks once per page load whether to continue the autosaved session.
void RestorePopup(App& app) {
  if (app.restore_offer().empty()) return;
  if (!ImGui::IsPopupOpen("Continue where you left off?")) ImGui::OpenPopup("Continue where you left off?");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImGui::GetMainViewport()->WorkSize);
  if (ImGui::BeginPopupModal("Continue where you left off?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Your last session was saved in this browser:");
    ImGui::PushTextWrapPos(ImGui::GetMainViewport()->WorkSize.x * 0.85f);
    ImGui::TextDisabled("%s", app.restore_offer().c_str());
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled("Either way, it stays in File → Runs…");
    ImGui::Spacing();
    if (ImGui::Button("Restore it", ImVec2(ImGui::GetFontSize() * 9, 0))) {
      app.answer_restore(true);
      ImGui::CloseCurrentPopup();
    }
    RecordRect(app, "restore_yes");
    Flow(ImGui::GetFontSize() * 9);
    if (ImGui::Button("Start fresh", ImVec2(ImGui::GetFontSize() * 9, 0))) {
      app.answer_restore(false);
      ImGui::CloseCurrentPopup();
    }
    RecordRect(app, "restore_no");
    ImGui::EndPopup();
  }
}

// What a screen reader hears: the stepper's operation, its equation and the value under the
// pointer or focus; else the training state. Said once each time it changes.
void Announce(App& app) {
  std::string text;
  if (app.view == kViewStepper && !app.stepper.trace.empty() && app.state() != RunState::Running) {
    const Trace& tr = app.stepper.trace;
    const TraceOp& op = tr.ops()[app.stepper.op];
    text = "Operation " + std::to_string(app.stepper.op + 1) + " of " + std::to_string(tr.ops().size()) + ": " +
           op.title + ". " + op.equation;
    if (!app.stepper.hover.empty()) text += ". " + app.stepper.hover;
  } else {
    text = std::string("Training ") + run_state_name(app.state());
    if (!app.history().empty()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, ", epoch %d: test accuracy %.2f%%", app.history().back().stats.epoch,
                    100 * app.history().back().test_acc);
      text += buf;
    }
  }
  app.announce(text);
}

}  // namespace

void draw_ui(App& app) {
  app.lessons_frame();   // reads last frame's rectangles: before they are cleared
  app.ui_rects.clear();  // only what this frame draws
  app.ui_clipped.clear();
  app.ui_focused.clear();
  app.nav_visible = ImGui::GetIO().NavVisible;
  TabThroughEverything();
  Shortcuts(app);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  const float status_h = ImGui::GetFrameHeight() + fs * 0.5f;
  const float gap = 6.0f * app.effective_scale();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(gap, gap * 0.5f));
  ImGuiWindowFlags root_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                                ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse;
  if (!app.present) root_flags |= ImGuiWindowFlags_MenuBar;
  ImGui::Begin("##root", nullptr, root_flags);
  ImGui::PopStyleVar();
  // the keyboard starts here: Tab and the arrows need a focused window
  if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_AnyWindow)) ImGui::SetWindowFocus();
  if (!app.present) MenuBar(app);

  int view = app.view_request >= 0 ? app.view_request : app.view;
  view = ViewSwitcher(app, view);
  app.shown_view(view);
  NoticeStrip(app);
  if (view == kViewTrain) RunControls(app);
  const float top = ImGui::GetCursorScreenPos().y + gap * 0.5f;
  const ImVec2 o(vp->WorkPos.x + gap, top);
  float W = vp->WorkSize.x - 2 * gap;
  float H = std::max(fs * 4, vp->WorkPos.y + vp->WorkSize.y - status_h - gap * 0.5f - top);
  // an open lesson: a panel on the right of the view on a wide window, else below it (phones)
  ImVec2 lesson_pos, lesson_size;
  if (app.lessons.is_open()) {
    if (vp->WorkSize.x > 1000.0f) {
      const float lw = std::clamp(W * (app.present ? 0.36f : 0.3f), std::min(fs * 18, W * 0.5f), W * 0.45f);
      W -= lw + gap;
      lesson_pos = ImVec2(o.x + W + gap, o.y);
      lesson_size = ImVec2(lw, H);
    } else {
      const float lh = std::clamp(H * 0.42f, std::min(fs * 9, H * 0.6f), H * 0.6f);
      H -= lh + gap;
      lesson_pos = ImVec2(o.x, o.y + H + gap);
      lesson_size = ImVec2(W, lh);
    }
  }
  if (kViewPanels[view].body)
    Panel(app.present ? "##view" : kViewPanels[view].title, o, ImVec2(W, H), kViewPanels[view].body, app);
  else
    TrainPanels(app, o, W, H, gap);
  if (app.lessons.is_open()) {
    Panel("##lesson", lesson_pos, lesson_size, LessonPanel, app);
    RecordRect(app, "lesson_panel");
  }
  ImGui::End();
  StatusBar(app, status_h);
  RestorePopup(app);
  NewRunPopup(app);
  RunsWindow(app);
  HelpOverlay(app);
  LessonPointer(app);
  Announce(app);
  // a tooltip drawn this frame (a finger that lifted must not leave one standing)
  app.tooltip_shown = false;
  for (const ImGuiWindow* w : GImGui->Windows)
    if (w->Active && (w->Flags & ImGuiWindowFlags_Tooltip)) app.tooltip_shown = true;
  // In the stepper, the arrows, Space and Home/End step through the operations, unless the learner
  // is moving the focus ring with the keyboard (Tab shows it; a click hides it): then they move it.
  ImGuiIO& io = ImGui::GetIO();
  if (app.view == kViewStepper && !io.NavVisible)
    io.ConfigFlags &= ~ImGuiConfigFlags_NavEnableKeyboard;
  else
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
}

}  // namespace bpl::app
