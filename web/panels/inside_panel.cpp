// Inside the network: the filters (every conv layer's kernels; an MLP's first layer as 28×28
// weight templates, one per hidden unit), updating as training runs, and the activations of
// every layer for one input (a test image or the drawing), with values on hover.
#include "panels/panels.h"
#include "tensor_view.h"
#include "widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bpl::app {

namespace {

void Filters(App& app, float width) {
  Model& m = app.model();
  if (!m.built()) {
    ImGui::TextDisabled("no model yet");
    return;
  }
  // the weights move with training, a new model, and updates applied from the stepper
  const uint64_t version = app.weights_version();
  const float fs = ImGui::GetFontSize();
  bool any = false;
  for (int i = 0; i < m.size(); ++i) {
    Layer& l = m.layer(i);
    auto ps = l.params();
    if (ps.empty()) continue;
    const Matrix& W = ps[0]->value;
    const std::vector<ParamRole> roles = l.param_roles();
    const ParamRole* kernels = !roles.empty() && roles[0].layout == ParamLayout::Kernels ? &roles[0] : nullptr;
    const bool conv = kernels != nullptr;
    const bool templates = !conv && !roles.empty() && roles[0].layout == ParamLayout::Matrix && i == 0 &&
                           W.cols() == 784;  // an MLP's first layer
    if (!conv && !templates) continue;       // deeper dense layers are matrices without a picture to read
    std::string what;
    if (conv)
      what = std::to_string(W.rows()) + " filters of " + std::to_string(kernels->kh) + "×" +
             std::to_string(kernels->kw) + (kernels->cin > 1 ? ", one row per input channel" : "");
    else
      what = std::to_string(W.rows()) + " weight templates, one per hidden unit (28×28)";
    char key[32];
    std::snprintf(key, sizeof key, "filters%d", i);
    const View& v = CachedView(key, version, [&]() {
      if (conv) {
        TensorDesc d;
        d.layout = TensorLayout::Kernels;
        d.shape = {static_cast<int>(W.rows()), kernels->cin, 1};
        d.kh = kernels->kh, d.kw = kernels->kw;
        return make_view(d, W.data(), static_cast<int>(W.size()));
      }
      // row u of W is what hidden unit u looks for, as a 28×28 template
      const int units = static_cast<int>(W.rows());
      View t = make_view(TensorDesc{}, W.data(), static_cast<int>(W.size()), 0);
      t.layout = grid_layout(units, 28, 28, units <= 32 ? 8 : 16,
                             [units](int u, int r, int c) { return (r * 28 + c) * units + u; });
      return t;
    });
    any = true;
    ImGui::Text("Layer %d · %s", i + 1, l.describe().c_str());
    ImGui::TextDisabled("%s", what.c_str());
    const int k = DrawView(key, version, v, width, fs * 16.0f);
    if (i == 0) RecordRect(app, "filters_first");
    if (k >= 0) ImGui::SetTooltip("W%d = %.5f", i + 1, v.values[k]);
    ColorLegend(v.scale, std::min(width, fs * 14));
    ImGui::Spacing();
  }
  if (!any) ImGui::TextDisabled("this model has no convolution or first dense layer on the image");
}

void Activations(App& app, float width) {
  const Inspector& in = app.inspect;
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Input:");
  ImGui::SameLine();
  int source = in.source;
  if (ImGui::RadioButton("test image", &source, 0)) app.inspect.show_test_image(in.index);
  ImGui::SameLine();
  if (in.source == 0) {
    ImGui::SetNextItemWidth(fs * 7);
    int index = in.index;
    if (ImGui::InputInt("##img", &index)) app.inspect.show_test_image(index);
    ImGui::SameLine();
  }
  if (ImGui::RadioButton("my drawing", &source, 1)) app.inspect.show_drawing();
  static bool per_map = false;
  ImGui::SameLine();
  ImGui::Checkbox("each map on its own colour scale", &per_map);
  app.inspect_update();
  if (in.acts.empty()) {
    ImGui::TextDisabled(in.source == 1 ? "draw a digit in the Draw view first" : "no model yet");
    return;
  }
  Model& m = app.model();
  if (in.source == 0) ImGui::TextDisabled("test image %d, label %d", in.index, app.test_data().labels[in.index]);
  for (int i = -1; i < static_cast<int>(in.acts.size()); ++i) {
    const Matrix& a = i < 0 ? in.input : in.acts[i];
    const Shape s = i < 0 ? m.input_shape() : m.layer(i).output_shape();
    TensorDesc d;
    d.shape = s;
    const bool own_scale = per_map && s.c > 1;
    char key[32];
    std::snprintf(key, sizeof key, own_scale ? "act%d/own" : "act%d", i);
    const View& v = CachedView(key, in.version, [&]() {
      View built = make_view(d, a.data(), static_cast<int>(a.rows()), 256);  // dense layers as bar strips
      if (own_scale) {  // each map by its own largest |value| (the tooltip keeps the real value)
        const int hw = s.h * s.w;
        for (int c = 0; c < s.c; ++c) {
          float mx = 0;
          for (int j = 0; j < hw; ++j) mx = std::max(mx, std::abs(a(c * hw + j, 0)));
          for (int j = 0; j < hw; ++j) built.values[c * hw + j] = mx > 0 ? a(c * hw + j, 0) / mx : 0;
        }
        built.scale = 1;
      }
      return built;
    });
    const bool last = i == static_cast<int>(in.acts.size()) - 1;
    ImGui::Text("%s", i < 0 ? "input x" : ("Layer " + std::to_string(i + 1) + " · " + m.layer(i).describe()).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", s.str().c_str());
    const int k =
        v.bars ? DrawBars(key, v, width, fs * 3.2f, s.size() == 10) : DrawView(key, in.version, v, width, fs * 10.0f);
    if (k >= 0) ImGui::SetTooltip("%s = %.5f", s.index_str(k).c_str(), a(k, 0));
    if (!v.bars && !own_scale) ColorLegend(v.scale, std::min(width, fs * 14));
    if (last && !in.probs.empty()) {
      View p;
      p.values = in.probs;
      p.scale = 1;
      ImGui::TextUnformatted("softmax ŷ");
      const int h =
          DrawBars("probs", p, width, fs * 3.2f, true, in.source == 0 ? app.test_data().labels[in.index] : -1);
      if (h >= 0) ImGui::SetTooltip("ŷ[%d] = %.5f", h, in.probs[h]);
    }
    ImGui::Spacing();
  }
}

}  // namespace

void InsidePanel(App& app) {
  const float fs = ImGui::GetFontSize();
  if (ImGui::BeginTable("inside", 2, ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("filters", ImGuiTableColumnFlags_WidthStretch, 0.45f);
    ImGui::TableSetupColumn("activations", ImGuiTableColumnFlags_WidthStretch, 0.55f);
    ImGui::TableNextColumn();
    ImGui::TextColored(color(colors().heading), "Filters");
    ImGui::SameLine();
    HelpMarker("The learned weights, live while training runs. Red: positive, blue: negative, white: 0.");
    Filters(app, ImGui::GetContentRegionAvail().x - fs * 0.5f);
    ImGui::TableNextColumn();
    ImGui::TextColored(color(colors().heading), "Activations");
    ImGui::SameLine();
    HelpMarker(
        "Every layer's output for one input: feature maps as heatmaps, vectors as bars, the softmax as "
        "probabilities. Hover for values.");
    Activations(app, ImGui::GetContentRegionAvail().x - fs * 0.5f);
    ImGui::EndTable();
  }
}

}  // namespace bpl::app
