// The drawing pad: a 280×280 canvas the learner paints a digit on, its MNIST-style 28×28
// version (engine/data/preprocess), the model's prediction and saliency for it. The
// prediction follows the weights version. Panels read the fields and change them through the
// methods.
#pragma once

#include "data/preprocess.h"
#include "training_session.h"

#include <functional>
#include <string>
#include <vector>

namespace bpl::app {

class DrawPad {
 public:
  static constexpr int kSize = 280;  // canvas pixels (10 per MNIST pixel)
  std::vector<float> canvas = std::vector<float>(kSize * kSize, 0.0f);
  std::vector<std::vector<float>> undo_stack;  // canvases before each stroke
  float brush = 16.0f;                         // brush diameter in canvas pixels
  bool dirty = true;                           // the canvas changed: preprocess and predict again
  uint64_t version = 0;                        // bumped when the canvas or the prediction changes
  Preprocessed pre;                            // the 28×28 MNIST-style image
  std::vector<float> probs;                    // ŷ for 0–9 (empty: nothing drawn)
  std::vector<float> saliency;                 // ∂z_top/∂x, 784 values
  int top = -1;
  uint64_t at_weights = 0;  // the weights version of the prediction
  bool predicted_once = false;
  int teach_label = 0, taught = 0;

  void clear();
  void undo();
  void stroke_begin();
  void paint(float x0, float y0, float x1, float y1);  // a brush segment, canvas coordinates
  void set_brush(float diameter) { brush = diameter; }
  void set_teach_label(int label) { teach_label = label; }
  // preprocess, predict and saliency when the canvas or the weights changed; model_ready is
  // asked only when there is a drawing to predict (it may build the model)
  void update(TrainingSession& s, const std::function<bool()>& model_ready);
  // add the drawing to the training set (model_ready already checked); "" or why not
  std::string teach(TrainingSession& s, int label);
};

}  // namespace bpl::app
