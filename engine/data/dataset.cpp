#include "data/dataset.h"

#include "core/error.h"
#include "core/rng.h"

#include <cmath>
#include <cstdio>
#include <numeric>

namespace bpl {

Dataset make_dataset(IdxImages images, std::vector<uint8_t> labels, const std::string& name) {
  if (images.count != static_cast<int>(labels.size()))
    throw FormatError(name + ": " + std::to_string(images.count) + " images but " + std::to_string(labels.size()) +
                      " labels; the two files must belong together");
  Dataset d;
  d.name = name;
  d.rows = images.rows;
  d.cols = images.cols;
  d.pixels = std::move(images.pixels);
  d.labels = std::move(labels);
  return d;
}

Dataset load_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name) {
  return make_dataset(read_idx_images(images_path), read_idx_labels(labels_path), name);
}

NormKind parse_norm(const std::string& name) {
  if (name == "unit" || name == "01" || name == "[0,1]") return NormKind::Unit;
  if (name == "symmetric" || name == "0.5") return NormKind::Symmetric;
  if (name == "standard" || name == "meanstd") return NormKind::Standard;
  throw ConfigError("normalisation \"" + name + "\" is unknown (use unit, symmetric or standard)");
}

Normalizer Normalizer::make(NormKind kind, const Dataset& d, const std::vector<int>& idx) {
  Normalizer n;
  n.kind = kind;
  if (kind == NormKind::Unit) return n;
  if (kind == NormKind::Symmetric) {
    n.mean = 0.5f;
    n.std = 0.5f;
    return n;
  }
  if (idx.empty()) throw ConfigError("cannot measure mean and std on an empty training set");
  const size_t px = static_cast<size_t>(d.rows) * d.cols;
  double s = 0.0, s2 = 0.0;
  for (int i : idx) {
    const uint8_t* im = d.image(i);
    for (size_t k = 0; k < px; ++k) {
      double v = im[k] / 255.0;
      s += v;
      s2 += v * v;
    }
  }
  double cnt = static_cast<double>(px) * idx.size();
  double mean = s / cnt, var = std::max(1e-12, s2 / cnt - mean * mean);
  n.mean = static_cast<float>(mean);
  n.std = static_cast<float>(std::sqrt(var));
  return n;
}

float Normalizer::apply(uint8_t p) const {
  float v = p * (1.0f / 255.0f);
  return kind == NormKind::Unit ? v : (v - mean) / std;
}

std::string Normalizer::describe() const {
  char buf[96];
  if (kind == NormKind::Unit) return "pixels / 255 → [0, 1]";
  if (kind == NormKind::Symmetric) return "(pixels / 255 − 0.5) / 0.5 → [−1, 1]";
  std::snprintf(buf, sizeof buf, "(pixels / 255 − %.4f) / %.4f", mean, std);
  return buf;
}

Split make_split(const Dataset& train, int subset, double val_frac, double test_frac, uint64_t seed,
                 const Dataset* test_set, int test_subset) {
  if (train.size() == 0) throw ConfigError("the training data set is empty");
  if (subset < 0) throw ConfigError("subset size " + std::to_string(subset) + " must be ≥ 0 (0 = all)");
  if (subset > train.size())
    throw ConfigError("subset of " + std::to_string(subset) + " images asked, the training file has " +
                      std::to_string(train.size()));
  if (!(val_frac >= 0.0 && val_frac < 1.0) || !(test_frac >= 0.0 && test_frac < 1.0) || val_frac + test_frac >= 1.0)
    throw ConfigError("validation and test fractions must each be in [0, 1) and leave images to train on");
  std::vector<int> all(train.size());
  std::iota(all.begin(), all.end(), 0);
  Rng rng(seed, 0xda7a);
  rng.shuffle(all);
  if (subset > 0) all.resize(subset);
  const int n = static_cast<int>(all.size());
  const int n_val = static_cast<int>(std::lround(n * val_frac));
  const int n_test = static_cast<int>(std::lround(n * test_frac));
  Split s;
  s.train.assign(all.begin(), all.end() - n_val - n_test);
  s.val.assign(all.end() - n_val - n_test, all.end() - n_test);
  if (test_frac > 0.0) {
    s.test.assign(all.end() - n_test, all.end());
    s.test_from_train = true;
  } else if (test_set) {
    if (test_subset < 0 || test_subset > test_set->size())
      throw ConfigError("test subset of " + std::to_string(test_subset) + " images asked, the test file has " +
                        std::to_string(test_set->size()));
    int m = test_subset == 0 ? test_set->size() : test_subset;
    s.test.resize(m);
    std::iota(s.test.begin(), s.test.end(), 0);  // the first m test images, like the official order
  }
  if (s.train.empty()) throw ConfigError("the split leaves no training images");
  return s;
}

void gather_batch(const Dataset& d, const std::vector<int>& idx, int start, int count, const Normalizer& norm,
                  Matrix& x, std::vector<int>& labels) {
  const int px = d.rows * d.cols;
  x.resize(px, count);
  labels.resize(count);
  float lut[256];
  for (int v = 0; v < 256; ++v) lut[v] = norm.apply(static_cast<uint8_t>(v));
  for (int j = 0; j < count; ++j) {
    const int i = idx[start + j];
    const uint8_t* im = d.image(i);
    float* col = x.col(j).data();
    for (int k = 0; k < px; ++k) col[k] = lut[im[k]];
    labels[j] = d.labels[i];
  }
}

}  // namespace bpl
