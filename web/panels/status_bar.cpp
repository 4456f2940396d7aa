// Status line: state, dataset, model and parameter count, fps: as many as fit. (Notices have
// their own strip under the views, ui.cpp.)
#include "panels/panels.h"
#include "widgets.h"

#include <cstdio>

namespace bpl::app {

void StatusBar(App& app, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.6f, fs * 0.25f));
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
  // as much as fits, most important first: the state, the data, the model, the frame rate
  char fps[32];
  std::snprintf(fps, sizeof fps, "%.0f fps", app.frames.fps);
  const std::string state = std::string("state: ") + run_state_name(app.state());
  const std::string data = app.data_ready() ? app.dataset_name + " · " + app.data_status : "data: " + app.data_status;
  const std::string model =
      "model: " + app.cfg.preset + " · " +
      (app.preview_model().built() ? with_commas(app.preview_model().param_count()) : std::string("–")) + " parameters";
  float room = ImGui::GetContentRegionAvail().x;
  const float sep = fs * 1.5f;
  auto item = [&](const std::string& text, bool dim) {
    const float w = ImGui::CalcTextSize(text.c_str()).x;
    if (w > room) return;
    if (room < ImGui::GetContentRegionAvail().x) ImGui::SameLine(0, sep);
    if (dim)
      ImGui::TextDisabled("%s", text.c_str());
    else
      ImGui::TextUnformatted(text.c_str());
    room -= w + sep;
  };
  item(state, false);
  item(data, !app.data_ready());
  item(model, false);
  item(fps, true);
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace bpl::app
