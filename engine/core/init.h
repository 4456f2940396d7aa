// Weight initialisation from the portable Rng (identical natively and in WebAssembly).
//   He (Kaiming) normal:  W ~ N(0, 2 / fan_in)                 — for ReLU layers
//   Xavier (Glorot) uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)) — for sigmoid/tanh
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

#include <string>

namespace bpl {

enum class Init { He, Xavier };

Init parse_init(const std::string& name);   // "he" | "xavier" (ConfigError otherwise)
const char* init_name(Init init);
void init_weights(Matrix& w, Init init, int fan_in, int fan_out, Rng& rng);

}  // namespace bpl
