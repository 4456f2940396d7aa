// MNIST-style preprocessing of a drawn digit, as LeCun et al. made the MNIST images:
//   1. crop to the ink (values > threshold)
//   2. scale the crop into a 20×20 box keeping its aspect ratio, with area averaging
//      (anti-aliased grey levels, not a hard threshold)
//   3. place it in a 28×28 image so that its centre of mass is the image centre (14, 14)
// Input: a w×h canvas of ink in [0, 1], row-major. Output: 28×28 bytes (0 = paper, 255 = ink),
// the form the data sets and the Normalizer use. An empty canvas gives an empty image.
#pragma once

#include <cstdint>
#include <vector>

namespace bpl {

struct Preprocessed {
  std::vector<uint8_t> pixels;                         // 28·28
  bool empty = true;                                   // no ink found
  int crop_x = 0, crop_y = 0, crop_w = 0, crop_h = 0;  // the ink's box on the canvas
  double com_x = 14, com_y = 14;                       // centre of mass before the shift
};

Preprocessed mnist_preprocess(const std::vector<float>& canvas, int w, int h, float threshold = 0.05f);

}  // namespace bpl
