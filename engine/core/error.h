// Errors a learner can read. Every refusal in the engine is one of these, with a message
// that names the thing that is wrong and the range that would be right; nothing aborts.
#pragma once

#include <stdexcept>
#include <string>

namespace bpl {

// A model, layer or hyper-parameter setting that cannot work ("kernel 7×7 is larger than
// the 5×5 input of layer 3").
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file (IDX, model, config) that is malformed, truncated or not what it claims to be.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bpl
