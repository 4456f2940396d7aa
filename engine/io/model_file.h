// Model files (.bplm), version 4 (3 = without the run, 2 = without the buffers, 1 = without the extras). All integers
// little-endian u32, floats IEEE-754 f32 LE, "f64" IEEE-754 doubles LE, strings u32 length + UTF-8.
//   offset  field
//   0       magic "BPLM"
//   4       format version (4)
//   8       payload length P in bytes
//   12      payload:
//             layers text, input shape c, h, w,
//             normalisation kind (0 unit, 1 symmetric, 2 standard) + mean f32 + std f32,
//             parameter count N, then N × (rows, cols, rows·cols floats, column-major)
//           v2 extras:
//             dataset name (string)
//             optimizer present (0/1); if 1: kind (string), lr, momentum, beta1, beta2, eps,
//               weight decay (6 × f64), steps taken (2 × u32: low, high), then for each of the N
//               parameters: state present (0/1) and, if 1, m and v (2 × rows·cols floats)
//             history count E (≤ 100,000), E × (epoch u32, train loss, train acc, val loss,
//               val acc, seconds, images/s, lr, test loss, test acc: 9 × f64; NaN = not measured)
//           v3: buffer count NB (must equal the model's), NB × (rows, cols, floats): the layers'
//             saved non-trainable state, e.g. batch normalisation's running mean and variance
//           v4: the run, so that training continues exactly (see TrainProgress): run present
//             (0/1); if 1: the run's settings as a link query (string: every key of the settings
//             table, io/settings.h), then epoch u32, steps u64, images seen u64, train seconds
//             f64, lr now f64, the shuffle generator (rng), best watched loss f64, plateau best
//             f64, best epoch u32, epochs since best u32, since plateau u32, position in the
//             epoch u32, order count u32 + that many u32, epoch loss f64, epoch seconds f64,
//             epoch correct u64, epoch count u64, generator count u32 + that many rng (the
//             dropout layers'). u64 = 2 × u32 (low, high); rng = state u64, increment u64,
//             has spare u32, spare f64.
//   12+P    CRC-32 (IEEE 802.3, as zlib's crc32) of the payload
// Loading validates everything (magic, version, lengths, caps, the layer list, every shape,
// the checksum) into a new Model before the caller replaces anything.
#pragma once

#include "data/dataset.h"
#include "io/run_config.h"
#include "model/model.h"
#include "train/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

constexpr uint32_t kModelFormatVersion = 4;

// What a file may carry besides the weights, so training can resume where it stopped.
struct ModelExtras {
  std::string dataset;
  bool has_optimizer = false;
  OptimizerConfig optimizer;  // state (m, v) travels in the model's Params
  long steps = 0;
  std::vector<EpochStats> history;
  // v4: the whole run (its settings and where it stands), for an exact resume
  bool has_run = false;
  RunConfig run;
  TrainProgress progress;
};

struct LoadedModel {
  Model model;
  Normalizer norm;
  ModelExtras extras;
  uint32_t version = 0;
};

std::vector<uint8_t> serialize_model(Model& model, const Normalizer& norm, const ModelExtras* extras = nullptr);
LoadedModel deserialize_model(const uint8_t* data, size_t size);  // FormatError / ConfigError
void save_model(const std::string& path, Model& model, const Normalizer& norm, const ModelExtras* extras = nullptr);
LoadedModel load_model(const std::string& path);

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace bpl
