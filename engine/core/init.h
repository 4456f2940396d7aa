// Weight initialisation from the portable Rng (identical natively and in WebAssembly).
//   Xavier (Glorot) uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out))   — the default (as Keras)
//   He (Kaiming) normal:  W ~ N(0, 2 / fan_in)                              — "init=he"
//   PyTorch's default:    W ~ U(−a, a), b ~ U(−a, a), a = 1/√fan_in          — "init=pytorch"
//     (nn.Linear and nn.Conv2d: kaiming_uniform_(a=√5) gives gain √(1/3), bound gain·√(3/fan_in)
//     = 1/√fan_in; their bias bound is 1/√fan_in too). The framework reports (R0's CNN, R2's
//     framework models, R3) trained from it.
// Biases start at 0 except with PyTorch's default. On MNIST, Xavier gave LeNet-5 99.0% where He
// gave 98.5–98.7% (same seed and settings), so it is the default for every layer.
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

#include <string>
#include <vector>

namespace bpl {

enum class Init { He, Xavier, PyTorch };

// "xavier" (glorot) | "he" (kaiming) | "pytorch" (torch, framework); ConfigError otherwise
Init parse_init(const std::string& name);
const char* init_name(Init init);  // "he", "xavier", "pytorch"
const std::vector<Init>& inits();  // every kind, the default (xavier) first
void init_weights(Matrix& w, Init init, int fan_in, int fan_out, Rng& rng);
// the biases after the weights: 0, or U(−1/√fan_in, 1/√fan_in) with PyTorch's default
void init_bias(Matrix& b, Init init, int fan_in, Rng& rng);

}  // namespace bpl
