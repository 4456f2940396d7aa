#include "core/init.h"

#include "core/error.h"

#include <cmath>

namespace bpl {

Init parse_init(const std::string& name) {
  if (name == "he" || name == "kaiming") return Init::He;
  if (name == "xavier" || name == "glorot") return Init::Xavier;
  throw ConfigError("unknown initialisation \"" + name + "\" (use he or xavier)");
}

const char* init_name(Init init) {
  return init == Init::He ? "he" : "xavier";
}

void init_weights(Matrix& w, Init init, int fan_in, int fan_out, Rng& rng) {
  // filled in row-major order (row = output unit) so the sequence does not depend on layout
  if (init == Init::He) {
    double std = std::sqrt(2.0 / fan_in);
    for (int r = 0; r < w.rows(); ++r)
      for (int c = 0; c < w.cols(); ++c) w(r, c) = static_cast<float>(rng.normal() * std);
  } else {
    double a = std::sqrt(6.0 / (fan_in + fan_out));
    for (int r = 0; r < w.rows(); ++r)
      for (int c = 0; c < w.cols(); ++c) w(r, c) = static_cast<float>(rng.uniform(-a, a));
  }
}

}  // namespace bpl
