#include "tensor_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace bpl::app {

TensorDesc desc_of(const TraceTensor& t) {
  TensorDesc d;
  d.layout = t.layout;
  d.shape = t.shape;
  d.kh = t.kh;
  d.kw = t.kw;
  d.rows = static_cast<int>(t.data.rows());
  d.cols = static_cast<int>(t.data.cols());
  return d;
}

HeatmapLayout grid_layout(int count, int mh, int mw, int cols, const std::function<int(int, int, int)>& index_of) {
  HeatmapLayout L;
  cols = std::max(1, std::min(cols, count));
  const int rows = (count + cols - 1) / cols;
  L.w = cols * (mw + 1) - 1;
  L.h = rows * (mh + 1) - 1;
  L.cell.assign(static_cast<size_t>(L.w) * L.h, -1);
  for (int k = 0; k < count; ++k) {
    const int ox = (k % cols) * (mw + 1), oy = (k / cols) * (mh + 1);
    for (int r = 0; r < mh; ++r)
      for (int c = 0; c < mw; ++c) L.cell[(oy + r) * L.w + ox + c] = index_of(k, r, c);
  }
  return L;
}

View make_view(const TensorDesc& d, const float* values, int n, int bar_limit) {
  View v;
  v.values.assign(values, values + n);
  float m = 0;
  for (float x : v.values)
    if (std::isfinite(x)) m = std::max(m, std::abs(x));
  v.scale = m > 0 ? m : 1.0f;
  const bool vector = d.layout == TensorLayout::Vector || (d.layout == TensorLayout::Image && d.shape.is_flat());
  if (vector) {
    if (n <= bar_limit) {
      v.bars = true;
      return v;
    }
    v.layout =
        grid_layout(1, (n + 15) / 16, 16, 1, [n](int, int r, int c) { return r * 16 + c < n ? r * 16 + c : -1; });
    return v;
  }
  if (d.layout == TensorLayout::Image) {
    const Shape s = d.shape;
    const int cols = s.c <= 8 ? s.c : s.c <= 32 ? 8 : 16;
    v.layout = grid_layout(s.c, s.h, s.w, cols, [s](int k, int r, int c) { return (k * s.h + r) * s.w + c; });
  } else if (d.layout == TensorLayout::Matrix) {
    const int rows = d.rows;
    v.layout = grid_layout(1, d.rows, d.cols, 1, [rows](int, int i, int j) { return j * rows + i; });  // column-major
  } else {  // Kernels: Cout × Cin kernels of kh × kw
    const int cout = d.shape.c, cin = d.shape.h, kh = d.kh, kw = d.kw;
    auto flat = [=](int co, int ci, int u, int w) { return ((ci * kh + u) * kw + w) * cout + co; };
    if (cin == 1)
      v.layout = grid_layout(cout, kh, kw, std::min(cout, 8), [=](int k, int r, int c) { return flat(k, 0, r, c); });
    else  // one column per filter (output channel), one row per input channel
      v.layout =
          grid_layout(cout * cin, kh, kw, cout, [=](int k, int r, int c) { return flat(k % cout, k / cout, r, c); });
  }
  return v;
}

const View& CachedView(const std::string& key, uint64_t version, const std::function<View()>& build) {
  static std::unordered_map<std::string, std::pair<uint64_t, View>> cache;
  auto it = cache.find(key);
  if (it == cache.end())
    it = cache.emplace(key, std::make_pair(version, build())).first;
  else if (it->second.first != version)
    it->second = {version, build()};
  return it->second.second;
}

int texel_of(const HeatmapLayout& L, int index) {
  for (size_t t = 0; t < L.cell.size(); ++t)
    if (L.cell[t] == index) return static_cast<int>(t);
  return -1;
}

float fit_scale(const HeatmapLayout& L, float max_w, float max_h) {
  float s = std::min(max_w / std::max(1, L.w), max_h / std::max(1, L.h));
  if (s >= 1.0f) s = std::floor(s);
  return s;
}

}  // namespace bpl::app

namespace bpl::app {

int DrawView(const char* key, uint64_t version, const View& v, float max_w, float max_h, Palette palette,
             const std::vector<HeatmapMark>& marks, bool* clicked) {
  const float s = std::min(fit_scale(v.layout, max_w, max_h), ImGui::GetFontSize() * 0.9f);
  ImTextureID tex = textures().get(key, version, v.layout, v.values, v.scale, palette);
  return DrawHeatmap(key, tex, v.layout, ImVec2(v.layout.w * s, v.layout.h * s), marks, clicked);
}

int DrawBars(const char* id, const View& v, float width, float height, bool class_labels, int truth) {
  const int n = static_cast<int>(v.values.size());
  if (n == 0) return -1;
  const float fs = ImGui::GetFontSize();
  const float bw = std::min(fs * 1.6f, width / n);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(bw * n, height + (class_labels ? fs * 1.1f : 0)));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool signed_values = *std::min_element(v.values.begin(), v.values.end()) < 0;
  const float base = signed_values ? p0.y + height * 0.5f : p0.y + height;
  const float span = signed_values ? height * 0.5f : height;
  dl->AddLine(ImVec2(p0.x, base), ImVec2(p0.x + bw * n, base), ImGui::GetColorU32(ImGuiCol_Border));
  int hover = -1;
  for (int i = 0; i < n; ++i) {
    const float x0 = p0.x + bw * i + 1, x1 = p0.x + bw * (i + 1) - 1;
    const float val = v.values[i] / v.scale;
    const float y = base - val * span;
    dl->AddRectFilled(ImVec2(x0, std::min(y, base)), ImVec2(x1, std::max(y, base) + 1), diverging_color(val));
    if (class_labels) {
      char d[12];
      std::snprintf(d, sizeof d, "%d", i);
      dl->AddText(ImVec2(x0 + (bw - 2 - ImGui::CalcTextSize(d).x) * 0.5f, p0.y + height + 2),
                  i == truth ? IM_COL32(0, 158, 115, 255) : ImGui::GetColorU32(ImGuiCol_TextDisabled), d);
    }
    if (hovered && ImGui::GetIO().MousePos.x >= p0.x + bw * i && ImGui::GetIO().MousePos.x < p0.x + bw * (i + 1))
      hover = i;
  }
  if (hover >= 0)
    dl->AddRect(ImVec2(p0.x + bw * hover, p0.y), ImVec2(p0.x + bw * (hover + 1), p0.y + height),
                IM_COL32(255, 200, 0, 255), 0, 0, 2);
  return hover;
}

}  // namespace bpl::app
