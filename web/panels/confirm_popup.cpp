// The new-run question (issue 13, point 4): a new run would discard trained work, so Start or
// Step asks first — "Discard 3 trained epochs?" with Save (to the Runs list, or a download
// where the browser has no storage), Discard and Cancel (also Escape). App::new_run_question
// holds the question; this file only draws it.
#include "panels/panels.h"
#include "widgets.h"

namespace bpl::app {

void NewRunPopup(App& app) {
  static const char* kId = "A new run##newrun";
  if (!app.new_run_asked()) {
    if (ImGui::IsPopupOpen(kId)) {
      // the question went away (answered elsewhere): close it at its own level
      if (ImGui::BeginPopupModal(kId, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
      }
    }
    return;
  }
  if (!ImGui::IsPopupOpen(kId)) ImGui::OpenPopup(kId);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kId, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const App::NewRunQuestion& q = app.new_run_question();
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted(q.title.c_str());
  ImGui::PushTextWrapPos(fs * 30);
  ImGui::TextDisabled("%s", q.why.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  const bool storage = app.platform() && app.platform()->can_autosave();
  App::NewRunChoice choice = App::NewRunChoice::Cancel;
  bool answered = false;
  const ImVec2 size(fs * 8, 0);
  if (ImGui::Button("Save", size)) answered = true, choice = App::NewRunChoice::Save;
  RecordRect(app, "newrun_save");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(storage ? "keep this model in File → Runs…, then start the new run"
                              : "download this model (.bplm), then start the new run");
  ImGui::SameLine();
  if (ImGui::Button("Discard", size)) answered = true, choice = App::NewRunChoice::Discard;
  RecordRect(app, "newrun_discard");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("start the new run without saving this model");
  ImGui::SameLine();
  if (ImGui::Button("Cancel", size) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    answered = true, choice = App::NewRunChoice::Cancel;
  RecordRect(app, "newrun_cancel");
  if (answered) {
    ImGui::CloseCurrentPopup();
    app.answer_new_run(choice);
  }
  ImGui::EndPopup();
}

}  // namespace bpl::app
