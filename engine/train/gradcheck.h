// The finite-difference gradient checker — one for the stepper, the tests and the CLI.
// The engine computes in float, so a derivative is estimated by the central difference
//     ∂f/∂θ ≈ (f(θ + h) − f(θ − h)) / ((θ + h) − (θ − h))     (f accumulated in double)
// and compared with the analytic value:
//   rel_error   |a − n| / max(|a|, |n|, floor)
//   uncertainty |estimate with h − estimate with 2h| (float rounding in f grows as 1/h,
//               truncation as h²)
//   kink        the one-sided slopes (f(θ+h) − f(θ))/h and (f(θ) − f(θ−h))/h differ by more than
//               20%: f has a corner at θ (a ReLU input at exactly 0, a max-pool tie), no derivative
//   agrees      no kink, and rel_error < kTolerance, or |a − n| within twice the uncertainty, or a
//               between the one-sided slopes (a ReLU or max-pool switch within ±h makes the central
//               difference their average); a backward that is 5% off fails (tests/engine/test_gradcheck.cpp)
#pragma once

#include <functional>
#include <string>

namespace bpl {

struct GradCheckResult {
  int tensor = -1, index = -1;  // set by callers that check a tensor (the trace)
  std::string label;            // "W¹[3, 0, 2, 1]"
  double analytic = 0, numeric = 0, rel_error = 0, h = 0;
  double slope_left = 0, slope_right = 0;
  bool kink = false;
  double uncertainty = 0;
  bool agrees = false;
};

constexpr double kGradTolerance = 1e-2;

// Check `analytic` = ∂f/∂(*value); f must read *value afresh on every call. *value is restored.
GradCheckResult check_gradient(const std::function<double()>& f, float* value, double analytic, double h = 1e-3,
                               double floor = 1e-8);

}  // namespace bpl
