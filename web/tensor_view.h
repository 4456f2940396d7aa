// How a tensor is drawn: its values and where each sits on a texel grid (maps side by side,
// kernels one column per filter, weight matrices as they are, long vectors wrapped, short ones
// as bars). Shared by the stepper, the network views and the galleries.
#pragma once

#include "heatmap.h"
#include "trace/trace.h"

#include <functional>
#include <string>
#include <vector>

namespace bpl::app {

struct TensorDesc {
  TensorLayout layout = TensorLayout::Image;
  Shape shape;             // Image: c×h×w; Kernels: (cout, cin, ·)
  int kh = 1, kw = 1;      // Kernels
  int rows = 0, cols = 0;  // Matrix
};
TensorDesc desc_of(const TraceTensor& t);

struct View {
  HeatmapLayout layout;
  std::vector<float> values;
  float scale = 1;    // the largest |value| (the colour scale's end)
  bool bars = false;  // a short vector: drawn as bars
};

// vectors of at most bar_limit values are drawn as bars (0: never)
View make_view(const TensorDesc& d, const float* values, int n, int bar_limit = 64);
// `count` blocks of mh×mw texels, `cols` per row, 1-texel gaps; index_of(block, row, col)
HeatmapLayout grid_layout(int count, int mh, int mw, int cols, const std::function<int(int, int, int)>& index_of);
int texel_of(const HeatmapLayout& L, int index);  // −1 if not shown
// The view under `key`, built again only when `version` changes: the UI draws every frame, the
// values change only with a new trace, an edit or a training step.
const View& CachedView(const std::string& key, uint64_t version, const std::function<View()>& build);
// the texel scale that fits w×h texels into max_w × max_h pixels (whole numbers when ≥ 1)
float fit_scale(const HeatmapLayout& L, float max_w, float max_h);

}  // namespace bpl::app

namespace bpl::app {

// A view as a heatmap at most max_w × max_h pixels; returns the hovered value's index or −1.
int DrawView(const char* key, uint64_t version, const View& v, float max_w, float max_h,
             Palette palette = Palette::Diverging, const std::vector<HeatmapMark>& marks = {}, bool* clicked = nullptr);
// A short vector as bars (signed around a middle line); class_labels puts 0…n−1 under them and
// colours `truth` green. Returns the hovered bar or −1.
int DrawBars(const char* id, const View& v, float width, float height, bool class_labels, int truth = -1);

}  // namespace bpl::app
