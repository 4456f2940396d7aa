#include "inspector.h"

#include "loss/softmax_cross_entropy.h"

#include <algorithm>

namespace bpl::app {

void Inspector::update(TrainingSession& s, DrawPad& pad, const std::function<bool()>& model_ready) {
  if (source == 1) pad.update(s, model_ready);
  const bool same = computed_ && at_weights_ == s.weights_version() && at_source_ == source && at_index_ == index &&
                    (source == 0 || at_pad_ == pad.version);
  if (same) return;
  acts.clear();
  probs.clear();
  if (!model_ready()) return;
  const Dataset& test = s.test_data();
  index = std::clamp(index, 0, std::max(0, test.size() - 1));
  Matrix x(784, 1);
  if (source == 1) {
    if (pad.pre.empty) return;
    for (int i = 0; i < 784; ++i) x(i, 0) = s.normalizer().apply(pad.pre.pixels[i]);
  } else {
    std::vector<int> y;
    gather_batch(test, {index}, 0, 1, s.normalizer(), x, y);
  }
  Model& m = s.model();
  const Matrix& z = m.forward(x, Mode::Eval);
  for (int i = 0; i < m.size(); ++i) acts.push_back(m.activation(i));
  Matrix p;
  softmax(z, p);
  probs.assign(p.data(), p.data() + p.size());
  input = x;
  computed_ = true;
  at_weights_ = s.weights_version();
  at_source_ = source;
  at_index_ = index;
  at_pad_ = pad.version;
  ++version;
}

}  // namespace bpl::app
