// Status line: dataset, model, parameter count, state, fps.
#include "panels/panels.h"
#include "widgets.h"

namespace bpl::app {

void StatusBar(App& app, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetFontSize() * 0.6f, ImGui::GetFontSize() * 0.25f));
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (app.data_ready())
    ImGui::Text("%s · %s", app.dataset_name.c_str(), app.data_status.c_str());
  else
    ImGui::TextDisabled("data: %s", app.data_status.c_str());
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::Text("model: %s · %s parameters", app.cfg.preset.c_str(),
              app.preview_model().built() ? with_commas(app.preview_model().param_count()).c_str() : "–");
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::Text("state: %s", run_state_name(app.state()));
  if (!app.notice.empty()) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    const bool bad = app.notice.find("could not") != std::string::npos ||
                     app.notice.find("ignored") != std::string::npos || app.notice.find("failed") != std::string::npos;
    ImGui::TextColored(bad ? ImVec4(0.90f, 0.38f, 0.0f, 1.0f) : ImVec4(0.34f, 0.71f, 0.91f, 1.0f), "%s",
                       app.notice.c_str());
  }
  const char* fps = "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f fps", app.frames.fps);
  fps = buf;
  ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(fps).x - ImGui::GetFontSize());
  ImGui::TextDisabled("%s", fps);
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace bpl::app
