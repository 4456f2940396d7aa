#include "heatmap.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace bpl::app {

uint32_t diverging_color(float v) {
  // ColorBrewer RdBu (11 classes), from −1 (dark blue) through white to +1 (dark red)
  static const uint8_t c[11][3] = {{5, 48, 97},     {33, 102, 172},  {67, 147, 195},  {146, 197, 222},
                                   {209, 229, 240}, {247, 247, 247}, {253, 219, 199}, {244, 165, 130},
                                   {214, 96, 77},   {178, 24, 43},   {103, 0, 31}};
  if (!std::isfinite(v)) return 0xFF00FF00u;  // NaN shows green: impossible to miss
  const float t = (std::clamp(v, -1.0f, 1.0f) + 1.0f) * 5.0f;
  const int i = std::min(9, static_cast<int>(t));
  const float f = t - i;
  uint32_t out = 0xFF000000u;
  for (int k = 0; k < 3; ++k) {
    const float x = c[i][k] + (c[i + 1][k] - c[i][k]) * f;
    out |= static_cast<uint32_t>(x + 0.5f) << (8 * k);
  }
  return out;
}

TextureCache& textures() {
  static TextureCache cache;
  return cache;
}

ImTextureID TextureCache::get(const std::string& key, uint64_t version, const HeatmapLayout& layout,
                              const std::vector<float>& values, float scale, Palette palette) {
  Entry* e = nullptr;
  for (auto& [k, v] : entries_)
    if (k == key) e = &v;
  if (!e) {
    entries_.push_back({key, Entry{}});
    e = &entries_.back().second;
  }
  e->last_used = frame_;
  if (e->id && e->version == version && e->scale == scale && e->palette == palette && e->w == layout.w &&
      e->h == layout.h)
    return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e->id));
  std::vector<uint32_t> px(static_cast<size_t>(layout.w) * layout.h, 0);
  const float inv = scale > 0 ? 1.0f / scale : 0.0f;
  for (size_t i = 0; i < px.size(); ++i) {
    const int k = layout.cell[i];
    if (k < 0 || k >= static_cast<int>(values.size())) continue;
    const float v = values[k] * inv;
    if (palette == Palette::Diverging) {
      px[i] = diverging_color(v);
    } else if (palette == Palette::Grey) {
      const uint32_t g = static_cast<uint32_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
      px[i] = 0xFF000000u | g << 16 | g << 8 | g;
    } else {
      const uint32_t a = static_cast<uint32_t>(std::min(1.0f, std::abs(v)) * 230.0f);
      px[i] = (diverging_color(v) & 0x00FFFFFFu) | a << 24;
    }
  }
  if (!e->id) {
    GLuint id = 0;
    glGenTextures(1, &id);
    e->id = id;
  }
  GLint last = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
  glBindTexture(GL_TEXTURE_2D, e->id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);  // crisp cells
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, layout.w, layout.h, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
  e->version = version;
  e->scale = scale;
  e->palette = palette;
  e->w = layout.w;
  e->h = layout.h;
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e->id));
}

void TextureCache::end_frame() {
  ++frame_;
  for (size_t i = 0; i < entries_.size();) {
    if (frame_ - entries_[i].second.last_used > 120) {
      GLuint id = entries_[i].second.id;
      if (id) glDeleteTextures(1, &id);
      entries_.erase(entries_.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
}

int DrawHeatmap(const char* id, ImTextureID tex, const HeatmapLayout& layout, ImVec2 size,
                const std::vector<HeatmapMark>& marks, bool* clicked) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(tex, size);
  ImGui::SetCursorScreenPos(p0);
  ImGui::InvisibleButton(id, size);
  if (clicked) *clicked = ImGui::IsItemClicked();
  const float sx = size.x / std::max(1, layout.w), sy = size.y / std::max(1, layout.h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // outline marked values: find each value's texel (a value is shown at exactly one texel)
  if (!marks.empty()) {
    std::unordered_map<int, int> where;
    for (const HeatmapMark& m : marks) where[m.index] = -1;
    for (size_t t = 0; t < layout.cell.size(); ++t) {
      auto it = where.find(layout.cell[t]);
      if (it != where.end()) it->second = static_cast<int>(t);
    }
    for (const HeatmapMark& m : marks) {
      const int t = where[m.index];
      if (t < 0) continue;
      const float x = p0.x + (t % layout.w) * sx, y = p0.y + (t / layout.w) * sy;
      dl->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + sx + 1, y + sy + 1), m.color, 0, 0, m.thickness);
    }
  }
  if (!ImGui::IsItemHovered()) return -1;
  const ImVec2 mp = ImGui::GetIO().MousePos;
  const int tx = static_cast<int>((mp.x - p0.x) / sx), ty = static_cast<int>((mp.y - p0.y) / sy);
  if (tx < 0 || ty < 0 || tx >= layout.w || ty >= layout.h) return -1;
  const int k = layout.cell[ty * layout.w + tx];
  if (k >= 0) {
    const float x = p0.x + tx * sx, y = p0.y + ty * sy;
    dl->AddRect(ImVec2(x, y), ImVec2(x + sx, y + sy), IM_COL32(255, 200, 0, 255), 0, 0, 2.0f);
  }
  return k;
}

void ColorLegend(float scale, float width) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetFontSize() * 0.55f;
  const int n = 32;
  for (int i = 0; i < n; ++i) {
    const float v = -1.0f + 2.0f * (i + 0.5f) / n;
    dl->AddRectFilled(ImVec2(p.x + width * i / n, p.y), ImVec2(p.x + width * (i + 1) / n + 1, p.y + h),
                      diverging_color(v));
  }
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, "−%.3g", scale);
  std::snprintf(hi, sizeof hi, "+%.3g", scale);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float ty = p.y + h + 2;
  dl->AddText(ImVec2(p.x, ty), dim, lo);
  dl->AddText(ImVec2(p.x + width * 0.5f - ImGui::CalcTextSize("0").x * 0.5f, ty), dim, "0");
  dl->AddText(ImVec2(p.x + width - ImGui::CalcTextSize(hi).x, ty), dim, hi);
  ImGui::Dummy(ImVec2(width, h + 2 + ImGui::GetTextLineHeight()));
}

}  // namespace bpl::app
