// The frame's layout: a menu bar, the views as tabs (Train: the Model and Training panels on
// the left, the Curves on the right; Backprop stepper: the whole width), the status line. One host window fills the
// viewport and follows its size; the panels are bordered child regions on the cleared background. No layer is painted
// under another (no overdraw): software WebGL (headless Chromium's SwiftShader) pays for every blended pixel, and a
// full-screen window background costs it milliseconds.
#include "panels/panels.h"
#include "widgets.h"

namespace bpl::app {

namespace {

void MenuBar(App& app) {
  if (!ImGui::BeginMainMenuBar()) return;
  ImGui::TextColored(ImVec4(0.34f, 0.71f, 0.91f, 1.0f), "Backprop Lab");
  ImGui::TextDisabled("watch a network learn MNIST");
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
    RunsMenuItem(app);
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
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Dark theme", nullptr, app.dark_theme)) app.set_dark_theme(!app.dark_theme);
    float s = app.ui_scale;
    if (ImGui::SliderFloat("UI scale", &s, 0.75f, 2.0f, "%.2f×")) app.set_ui_scale(s);
    if (ImGui::IsItemDeactivatedAfterEdit()) app.refresh_fonts();
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

// Asks once per page load whether to continue the autosaved session.
void RestorePopup(App& app) {
  if (app.restore_offer().empty()) return;
  if (!ImGui::IsPopupOpen("Continue where you left off?")) ImGui::OpenPopup("Continue where you left off?");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Continue where you left off?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Your last session was saved in this browser:");
    ImGui::TextDisabled("%s", app.restore_offer().c_str());
    ImGui::TextDisabled("Either way, it stays in File → Runs…");
    ImGui::Spacing();
    if (ImGui::Button("Restore it", ImVec2(ImGui::GetFontSize() * 9, 0))) {
      app.answer_restore(true);
      ImGui::CloseCurrentPopup();
    }
    RecordRect(app, "restore_yes");
    ImGui::SameLine();
    if (ImGui::Button("Start fresh", ImVec2(ImGui::GetFontSize() * 9, 0))) {
      app.answer_restore(false);
      ImGui::CloseCurrentPopup();
    }
    RecordRect(app, "restore_no");
    ImGui::EndPopup();
  }
}

void Panel(const char* title, ImVec2 pos, ImVec2 size, void (*body)(App&), App& app) {
  ImGui::SetCursorScreenPos(pos);
  ImGui::BeginChild(title, size, true);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.34f, 0.71f, 0.91f, 1.0f));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
  body(app);
  ImGui::EndChild();
}

}  // namespace

void draw_ui(App& app) {
  app.ui_rects.clear();  // only what this frame draws
  MenuBar(app);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight() + ImGui::GetFontSize() * 0.5f;
  const float gap = 6.0f * app.ui_scale;
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleVar();
  // the views, as tabs across the window
  ImGui::SetCursorScreenPos(ImVec2(vp->WorkPos.x + gap, vp->WorkPos.y + gap * 0.5f));
  int view = app.view;
  // the views: tab label, panel title and body (Train is laid out below); names in kViews
  struct ViewPanel {
    const char* tab;
    const char* title;
    void (*body)(App&);
  };
  static const ViewPanel views[kViewCount] = {
      {"Train", "", nullptr},
      {"Backprop stepper", "Backprop stepper: one training step, one operation at a time", StepperPanel},
      {"Inside the network", "Inside the network: what it has learned, and what it computes for one image",
       InsidePanel},
      {"Draw", "Draw a digit: the network's guess, live", DrawPanel},
      {"Report", "Evaluation report on the test images", ReportPanel},
      {"Experiments", "Experiments: a report's comparison, run here", ExperimentsPanel},
  };
  if (ImGui::BeginTabBar("views")) {
    for (int i = 0; i < kViewCount; ++i) {
      const ImGuiTabItemFlags f = app.view_request == i ? ImGuiTabItemFlags_SetSelected : 0;
      const bool open = ImGui::BeginTabItem(views[i].tab, nullptr, f);
      RecordRect(app, std::string("tab_") + kViews[i]);
      if (open) {
        view = i;
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  app.shown_view(view);
  const float top = ImGui::GetCursorScreenPos().y;
  const ImVec2 o(vp->WorkPos.x + gap, top);
  const float W = vp->WorkSize.x - 2 * gap, H = vp->WorkPos.y + vp->WorkSize.y - status_h - gap - top;
  if (views[view].body) {
    Panel(views[view].title, o, ImVec2(W, H), views[view].body, app);
  } else {
    const float left = std::max(ImGui::GetFontSize() * 26.0f, W * 0.36f);
    const float model_h = H * 0.45f;
    Panel("Model", o, ImVec2(left, model_h), ModelPanel, app);
    Panel("Training", ImVec2(o.x, o.y + model_h + gap), ImVec2(left, H - model_h - gap), TrainingPanel, app);
    Panel("Curves", ImVec2(o.x + left + gap, o.y), ImVec2(W - left - gap, H), CurvesPanel, app);
  }
  ImGui::End();
  StatusBar(app, status_h);
  RestorePopup(app);
  NewRunPopup(app);
  RunsWindow(app);
}

}  // namespace bpl::app
