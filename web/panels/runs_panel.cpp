// The Runs list (issue 13, point 4): the sessions this browser keeps — name, date, model, data,
// epochs, test accuracy — each openable, renamable, downloadable and deletable. A window of its
// own (File → Runs…, RunsMenuItem); the list's logic is App's and RunsList's (runs.h).
#include "panels/panels.h"
#include "widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl::app {

void RunsMenuItem(App& app) {
  if (!app.platform() || !app.platform()->can_autosave()) return;
  char label[48];
  std::snprintf(label, sizeof label, "Runs… (%d saved)", static_cast<int>(app.runs.all().size()));
  if (ImGui::MenuItem(label)) app.runs_window = true;
  RecordRect(app, "menu_runs");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The sessions this browser keeps (the last %d): open, rename, download or delete any.",
                      app.runs.cap);
}

void RunsWindow(App& app) {
  if (!app.runs_window) return;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  const ImVec2 vp = ImGui::GetMainViewport()->WorkSize;
  ImGui::SetNextWindowSize(ImVec2(std::min(fs * 52, vp.x * 0.96f), std::min(fs * 24, vp.y * 0.9f)),
                           ImGuiCond_Appearing);
  if (!ImGui::Begin("Runs saved in this browser", &app.runs_window, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  RecordRect(app, "runs_window");
  ImGui::TextDisabled("The last %d runs are kept; the oldest goes when a newer one is saved.", app.runs.cap);
  if (app.runs.empty()) ImGui::TextDisabled("No runs yet: a run is saved here after each epoch and when you pause.");
  const bool busy = app.state() == RunState::Running;
  std::string open_id, delete_id, download_id, rename_id;
  static char rename_buf[96];
  if (!app.runs.empty() && ImGui::BeginTable("runs", 6,
                                             ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                                 ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("run", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("saved", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthStretch, 2.6f);
    ImGui::TableSetupColumn("data", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("epochs", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("test acc.", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    int i = 0;
    for (const RunInfo& r : app.runs.all()) {
      ImGui::PushID(r.id.c_str());
      const std::string n = std::to_string(i);
      ImGui::TableNextColumn();
      // the name, then the run's actions under it
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(r.name.c_str());
      ImGui::PopTextWrapPos();
      if (r.id == app.current_run_id) ImGui::TextDisabled("on screen");
      ImGui::BeginDisabled(busy);
      if (ImGui::SmallButton("Open")) open_id = r.id;
      RecordRect(app, "run_open_" + n);
      ImGui::EndDisabled();
      ImGui::SameLine();
      if (ImGui::SmallButton("Rename")) {
        std::snprintf(rename_buf, sizeof rename_buf, "%s", r.name.c_str());
        ImGui::OpenPopup("rename");
      }
      RecordRect(app, "run_rename_" + n);
      ImGui::SameLine();
      if (ImGui::SmallButton("Download")) download_id = r.id;
      RecordRect(app, "run_download_" + n);
      ImGui::SameLine();
      if (ImGui::SmallButton("Delete")) ImGui::OpenPopup("delete");
      RecordRect(app, "run_delete_" + n);
      if (ImGui::BeginPopup("rename")) {
        ImGui::SetNextItemWidth(fs * 16);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        const bool enter =
            ImGui::InputText("##name", rename_buf, sizeof rename_buf, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if (ImGui::Button("OK") || enter) {
          rename_id = r.id;
          ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
      }
      if (ImGui::BeginPopup("delete")) {
        ImGui::Text("Delete “%s” from this browser?", r.name.c_str());
        if (ImGui::Button("Delete")) {
          delete_id = r.id;
          ImGui::CloseCurrentPopup();
        }
        RecordRect(app, "run_delete_confirm");
        ImGui::SameLine();
        if (ImGui::Button("Keep it")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
      }
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(run_date_text(r.saved_ms).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.model.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.data.c_str());
      ImGui::PopTextWrapPos();
      ImGui::TableNextColumn();
      ImGui::Text("%d", r.epochs);
      ImGui::TableNextColumn();
      if (std::isfinite(r.test_acc))
        ImGui::Text("%.2f%%", 100 * r.test_acc);
      else
        ImGui::TextDisabled("–");
      ImGui::PopID();
      ++i;
    }
    ImGui::EndTable();
  }
  ImGui::End();
  // acted on after the table: the list changes under these calls
  if (!open_id.empty()) {
    app.open_run(open_id);
    app.runs_window = false;  // the run is on screen now
  }
  if (!download_id.empty()) app.download_run(download_id);
  if (!rename_id.empty()) app.rename_run(rename_id, rename_buf);
  if (!delete_id.empty()) app.delete_run(delete_id);
}

}  // namespace bpl::app
