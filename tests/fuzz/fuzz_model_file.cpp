// libFuzzer target: loading a model file must either give a model whose forward pass runs,
// or refuse with a FormatError/ConfigError — never crash.
#include "core/error.h"
#include "io/model_file.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    bpl::LoadedModel m = bpl::deserialize_model(data, size);
    bpl::Matrix x = bpl::Matrix::Zero(m.model.input_shape().size(), 1);
    m.model.forward(x, bpl::Mode::Eval);
  } catch (const bpl::FormatError&) {
  } catch (const bpl::ConfigError&) {
  }
  return 0;
}
