// Heatmaps of tensors as GPU textures: one texel per value (a draw call per tensor, not a
// rectangle per value, so a 128×784 weight matrix costs what a 5×5 kernel does), in a
// diverging, colour-blind-safe palette (ColorBrewer RdBu: blue < 0 < red, white at 0).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bpl::app {

// RdBu colour of v in [−1, 1] (clamped), as 0xAABBGGRR for ImGui and RGBA textures
uint32_t diverging_color(float v);

// A picture of values laid out on a texel grid: cell[ty·w + tx] is the index of the value
// shown at that texel, or −1 for the gaps between maps/kernels.
struct HeatmapLayout {
  int w = 0, h = 0;
  std::vector<int> cell;
};

enum class Palette {
  Diverging,  // RdBu, ±scale
  Grey,       // 0 … scale as black … white (images, the drawing pad)
  Overlay,    // RdBu with opacity |v|/scale (saliency over an image)
};

// A texture per key, re-uploaded when `version` changes; textures unused for a while are freed.
class TextureCache {
 public:
  ImTextureID get(const std::string& key, uint64_t version, const HeatmapLayout& layout,
                  const std::vector<float>& values, float scale, Palette palette = Palette::Diverging);
  void end_frame();  // frees textures not requested for 120 frames

 private:
  struct Entry {
    unsigned id = 0;
    uint64_t version = ~0ULL;
    float scale = 0;
    Palette palette = Palette::Diverging;
    int w = 0, h = 0;
    long last_used = 0;
  };
  std::vector<std::pair<std::string, Entry>> entries_;
  long frame_ = 0;
};

TextureCache& textures();

// Draws the heatmap (size in pixels) and a legend under it; returns the hovered value's
// index (or −1). `marks` are values to outline (edited, changed, max-pool winners).
struct HeatmapMark {
  int index;
  ImU32 color;
  float thickness;
};
int DrawHeatmap(const char* id, ImTextureID tex, const HeatmapLayout& layout, ImVec2 size,
                const std::vector<HeatmapMark>& marks, bool* clicked);
void ColorLegend(float scale, float width);

}  // namespace bpl::app
