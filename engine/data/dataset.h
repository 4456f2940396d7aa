// Labelled image sets, splits and normalisation.
// Pixels stay as bytes (60,000 MNIST images = 47 MB, not 188 MB of floats); a mini-batch is
// converted to floats when it is gathered, with the chosen normalisation:
//   unit       x = p / 255                       ([0, 1], R2)
//   symmetric  x = (p / 255 − 0.5) / 0.5         ([−1, 1], R3's Normalize((0.5,), (0.5,)))
//   standard   x = (p / 255 − μ) / σ             (μ, σ measured on the training split)
#pragma once

#include "core/tensor.h"
#include "data/idx.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpl {

struct Dataset {
  std::string name;  // "MNIST train"
  int rows = 28, cols = 28;
  std::vector<uint8_t> pixels;  // size() · rows · cols
  std::vector<uint8_t> labels;  // size()
  int classes = 10;
  int size() const { return static_cast<int>(labels.size()); }
  const uint8_t* image(int i) const { return pixels.data() + static_cast<size_t>(i) * rows * cols; }
  Shape shape() const { return Shape{1, rows, cols}; }
};

// Pair an image and a label set (FormatError if the counts differ).
Dataset make_dataset(IdxImages images, std::vector<uint8_t> labels, const std::string& name);
Dataset load_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name);

enum class NormKind { Unit, Symmetric, Standard };

struct Normalizer {
  NormKind kind = NormKind::Unit;
  float mean = 0.0f, std = 1.0f;  // of x = p/255, used by Standard
  // Standard: measures mean and std over the given images of `d`
  static Normalizer make(NormKind kind, const Dataset& d, const std::vector<int>& idx);
  float apply(uint8_t p) const;
  std::string describe() const;
};
NormKind parse_norm(const std::string& name);  // unit | symmetric | standard

// The images actually used: indices into a training Dataset (train, validation) and into a
// test Dataset, or test taken from the training file too (three-way split, as R4).
struct Split {
  std::vector<int> train, val, test;
  bool test_from_train = false;
};

// Shuffle the indices of `train` with `seed`, keep `subset` of them (0 = all), and divide them
// by the fractions `val` (and `test`, when > 0: then the test images come from the training file).
Split make_split(const Dataset& train, int subset, double val_frac, double test_frac, uint64_t seed,
                 const Dataset* test_set, int test_subset);

// x(:, j) = normalised pixels of d.image(idx[start + j]), labels too; j < count
void gather_batch(const Dataset& d, const std::vector<int>& idx, int start, int count, const Normalizer& norm,
                  Matrix& x, std::vector<int>& labels);

}  // namespace bpl
