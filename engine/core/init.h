// Weight initialisation from the portable Rng (identical natively and in WebAssembly).
//   Xavier (Glorot) uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out))   — the default (as Keras)
//   He (Kaiming) normal:  W ~ N(0, 2 / fan_in)                              — "init=he"
// Biases start at 0. On MNIST, Xavier gave LeNet-5 99.0% where He gave 98.5–98.7% (same
// seed and settings), so it is the default for every layer.
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

#include <string>

namespace bpl {

enum class Init { He, Xavier };

Init parse_init(const std::string& name);  // "he" | "xavier" (ConfigError otherwise)
const char* init_name(Init init);
void init_weights(Matrix& w, Init init, int fan_in, int fan_out, Rng& rng);

}  // namespace bpl
