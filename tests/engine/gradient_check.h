// Finite-difference gradient checking over many entries (after tiny-dnn's util/gradient_check.h).
// Each entry is checked by the engine's one checker (train/gradcheck.h: central difference in
// double, relative error |a − n| / max(|a|, |n|, floor)); this file picks the entries and keeps
// the worst. A wrong backward pass gives errors of order 1; float rounding gives ~1e-3.
#pragma once

#include "core/rng.h"
#include "core/tensor.h"
#include "layers/layer.h"
#include "train/gradcheck.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace bpl::test {

struct GradError {
  double max_rel = 0.0;  // worst relative error over the checked entries
  int checked = 0;
  int disagree = 0;  // entries the engine's checker does not accept (GradCheckResult::agrees)
  int worst_index = -1;
  double worst_analytic = 0, worst_numeric = 0;
};

inline double rel_error(double a, double n, double floor) {
  return std::abs(a - n) / std::max({std::abs(a), std::abs(n), floor});
}

// Check `analytic` (same shape as `wrt`) against central differences of f at `count` random
// entries of `wrt` (all entries when count ≥ size). f must read `wrt` afresh on every call.
inline GradError check_gradient(Matrix& wrt, const Matrix& analytic, const std::function<double()>& f, Rng& rng,
                                int count, double h = 1e-3, double floor = 1e-3) {
  GradError e;
  const int n = static_cast<int>(wrt.size());
  REQUIRE(n > 0);  // nothing to check is a failed check, not a pass
  REQUIRE(count > 0);
  std::vector<int> idx(n);
  for (int i = 0; i < n; ++i) idx[i] = i;
  if (count < n) {
    rng.shuffle(idx);
    idx.resize(count);
  }
  for (int i : idx) {
    const GradCheckResult r = bpl::check_gradient(f, &wrt.data()[i], analytic.data()[i], h, floor);
    const double numeric = r.numeric, analytic_i = r.analytic, err = r.rel_error;
    e.disagree += !r.agrees;
    ++e.checked;
    if (err > e.max_rel || e.worst_index < 0) {
      e.max_rel = std::max(e.max_rel, err);
      e.worst_index = i;
      e.worst_analytic = analytic_i;
      e.worst_numeric = numeric;
    }
  }
  return e;
}

// Σ r ⊙ y in double: a scalar "loss" whose ∂L/∂y is exactly r
inline double weighted_sum(const Matrix& y, const Matrix& r) {
  double s = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * r.data()[i];
  return s;
}

inline Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng, double scale = 1.0) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.normal() * scale);
  return m;
}

// Values that are pairwise at least `gap` apart and away from 0 (no ReLU kinks, no max-pool
// ties within the finite-difference step): a shuffled ladder ±(k+1)·gap.
inline Matrix distinct_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng, double gap = 0.01) {
  const int n = static_cast<int>(rows * cols);
  std::vector<int> perm(n);
  for (int i = 0; i < n; ++i) perm[i] = i;
  rng.shuffle(perm);
  Matrix m(rows, cols);
  for (int i = 0; i < n; ++i) {
    double mag = (perm[i] / 2 + 1) * gap;
    m.data()[i] = static_cast<float>(perm[i] % 2 ? mag : -mag);
  }
  return m;
}

// Directional derivative check of the whole gradient vector: for random sign vectors d,
//     (f(θ + h·d) − f(θ − h·d)) / 2h  vs  ∇f · d.
// Every entry contributes, so the signal is far above float rounding even when each single
// entry's derivative is tiny (as for the input pixels of a whole network).
inline GradError check_directional(Matrix& wrt, const Matrix& analytic, const std::function<double()>& f, Rng& rng,
                                   int directions, double h) {
  GradError e;
  for (int k = 0; k < directions; ++k) {
    Matrix d(wrt.rows(), wrt.cols());
    for (Eigen::Index i = 0; i < d.size(); ++i) d.data()[i] = rng.below(2) ? 1.0f : -1.0f;
    const Matrix old = wrt;
    wrt = old + static_cast<float>(h) * d;
    const Matrix up = wrt;
    const double fp = f();
    wrt = old - static_cast<float>(h) * d;
    const Matrix down = wrt;
    const double fm = f();
    wrt = old;
    // the steps actually taken, after float rounding: Δ = up − down
    double denom = 0, dot = 0, scale = 0;
    for (Eigen::Index i = 0; i < d.size(); ++i) {
      const double delta = static_cast<double>(up.data()[i]) - down.data()[i];
      denom += delta * d.data()[i];
      dot += static_cast<double>(analytic.data()[i]) * delta;
      scale += std::abs(static_cast<double>(analytic.data()[i]) * delta);
    }
    // (f(up) − f(down)) ≈ ∇f · (up − down); a random direction can make the dot product
    // cancel to almost nothing, so the error is measured against Σ|∂f/∂θᵢ·Δᵢ| / 10 at least
    const double numeric = fp - fm, predicted = dot;
    const double err = rel_error(predicted, numeric, 0.1 * scale);
    ++e.checked;
    if (err >= e.max_rel) {
      e.max_rel = err;
      e.worst_index = k;
      e.worst_analytic = predicted / denom;
      e.worst_numeric = numeric / denom;
    }
  }
  return e;
}

struct LayerCheck {
  GradError dx;
  std::vector<GradError> params;
  double worst() const {
    double w = dx.max_rel;
    for (const auto& p : params) w = std::max(w, p.max_rel);
    return w;
  }
};

// Full check of one layer on input x: L = Σ r ⊙ layer(x). Layers with internal randomness must
// hold it (Layer::hold_randomness) so every evaluation sees the same network.
inline LayerCheck check_layer(Layer& layer, Matrix x, Rng& rng, int count = 40, double h = 1e-3) {
  Matrix y, dx;
  layer.forward(x, y, Mode::Train);
  Matrix r = random_matrix(y.rows(), y.cols(), rng);
  layer.backward(x, y, r, &dx);
  auto f = [&]() {
    Matrix yy;
    layer.forward(x, yy, Mode::Train);
    return weighted_sum(yy, r);
  };
  LayerCheck out;
  out.dx = check_gradient(x, dx, f, rng, count, h);
  for (Param* p : layer.params()) {
    Matrix g = p->grad;  // copy: f() runs forward only, but keep the analytic value safe
    out.params.push_back(check_gradient(p->value, g, f, rng, count, h));
  }
  return out;
}

}  // namespace bpl::test
