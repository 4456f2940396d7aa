#include "train/gradcheck.h"

#include <algorithm>
#include <cmath>

namespace bpl {

GradCheckResult check_gradient(const std::function<double()>& f, float* value, double analytic, double h,
                               double floor) {
  GradCheckResult r;
  r.h = h;
  r.analytic = analytic;
  const float old = *value;
  auto at = [&](double d, float& used) {
    used = static_cast<float>(old + d);
    *value = used;
    return f();
  };
  float up, down, up2, down2, same = old;
  const double f0 = at(0, same), fp = at(h, up), fm = at(-h, down), fp2 = at(2 * h, up2), fm2 = at(-2 * h, down2);
  *value = old;
  // the steps actually taken, after float rounding
  r.numeric = (fp - fm) / (static_cast<double>(up) - static_cast<double>(down));
  const double numeric2 = (fp2 - fm2) / (static_cast<double>(up2) - static_cast<double>(down2));
  r.slope_right = (fp - f0) / (static_cast<double>(up) - old);
  r.slope_left = (f0 - fm) / (static_cast<double>(old) - down);
  r.kink =
      std::abs(r.slope_right - r.slope_left) > 0.2 * std::max({std::abs(r.slope_right), std::abs(r.slope_left), 1e-4});
  r.rel_error = std::abs(r.analytic - r.numeric) / std::max({std::abs(r.analytic), std::abs(r.numeric), floor});
  r.uncertainty = std::abs(r.numeric - numeric2);
  const double tol = 2 * r.uncertainty + kGradTolerance * std::abs(r.numeric);
  const bool between = r.analytic >= std::min(r.slope_left, r.slope_right) - tol &&
                       r.analytic <= std::max(r.slope_left, r.slope_right) + tol;
  r.agrees =
      !r.kink && (r.rel_error < kGradTolerance || std::abs(r.analytic - r.numeric) <= 2 * r.uncertainty || between);
  return r;
}

}  // namespace bpl
