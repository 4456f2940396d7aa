#include "core/init.h"

#include "core/error.h"

#include <cmath>

namespace bpl {

Init parse_init(const std::string& name) {
  if (name == "he" || name == "kaiming") return Init::He;
  if (name == "xavier" || name == "glorot") return Init::Xavier;
  if (name == "pytorch" || name == "torch" || name == "framework") return Init::PyTorch;
  throw ConfigError("unknown initialisation \"" + name + "\" (use xavier, he or pytorch)");
}

const char* init_name(Init init) {
  switch (init) {
    case Init::He:
      return "he";
    case Init::Xavier:
      return "xavier";
    case Init::PyTorch:
      return "pytorch";
  }
  return "?";
}

const std::vector<Init>& inits() {
  static const std::vector<Init> all = {Init::Xavier, Init::He, Init::PyTorch};
  return all;
}

void init_weights(Matrix& w, Init init, int fan_in, int fan_out, Rng& rng) {
  // filled in row-major order (row = output unit) so the sequence does not depend on layout
  if (init == Init::He) {
    double std = std::sqrt(2.0 / fan_in);
    for (int r = 0; r < w.rows(); ++r)
      for (int c = 0; c < w.cols(); ++c) w(r, c) = static_cast<float>(rng.normal() * std);
  } else {
    const double a = init == Init::PyTorch ? 1.0 / std::sqrt(static_cast<double>(fan_in))  // U(±1/√fan_in)
                                           : std::sqrt(6.0 / (fan_in + fan_out));          // U(±√(6/(in+out)))
    for (int r = 0; r < w.rows(); ++r)
      for (int c = 0; c < w.cols(); ++c) w(r, c) = static_cast<float>(rng.uniform(-a, a));
  }
}

void init_bias(Matrix& b, Init init, int fan_in, Rng& rng) {
  if (init != Init::PyTorch) {
    b.setZero();
    return;
  }
  const double a = 1.0 / std::sqrt(static_cast<double>(fan_in));  // b ~ U(±1/√fan_in)
  for (int r = 0; r < b.rows(); ++r)
    for (int c = 0; c < b.cols(); ++c) b(r, c) = static_cast<float>(rng.uniform(-a, a));
}

}  // namespace bpl
