// Tensors of Backprop Lab.
//
// A batch is an Eigen column-major float matrix with one sample per column:
//     x : (features × batch),  features = channels·height·width,
// and a sample's features are laid out channel-major ("CHW"):
//     index(c, h, w) = (c·H + h)·W + w.
// A Shape says how a column is to be read as an image (c × h × w); a flat vector is
// (n × 1 × 1). Dense layers see the column as a vector, conv and pool layers as CHW.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string>

namespace bpl {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

struct Shape {
  int c = 1, h = 1, w = 1;
  long size() const { return static_cast<long>(c) * h * w; }
  bool is_flat() const { return h == 1 && w == 1; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  // "6×24×24" for images, "120" for vectors
  std::string str() const;
  // the position of value k of a sample: "[k]" for vectors, "[row, col]" for one channel,
  // "[channel, row, col]" otherwise
  std::string index_str(long k) const;
};

}  // namespace bpl
