// Inside the network: every layer's output for one input (a test image or the drawing),
// recomputed when the input or the weights version changes.
#pragma once

#include "draw_pad.h"
#include "training_session.h"

#include <functional>
#include <vector>

namespace bpl::app {

class Inspector {
 public:
  int source = 0;            // 0 a test image, 1 the drawing
  int index = 0;             // the test image
  std::vector<Matrix> acts;  // copies of every layer's output
  Matrix input;              // the normalised input column
  std::vector<float> probs;
  uint64_t version = 0;  // bumped when the activations are recomputed

  void show_test_image(int i) { source = 0, index = i; }
  void show_drawing() { source = 1; }
  // recompute when the input, the weights or the drawing moved on; model_ready as DrawPad::update
  void update(TrainingSession& s, DrawPad& pad, const std::function<bool()>& model_ready);

 private:
  bool computed_ = false;
  uint64_t at_weights_ = 0, at_pad_ = 0;
  int at_source_ = -1, at_index_ = -1;
};

}  // namespace bpl::app
