#include "core/rng.h"

#include <cmath>

namespace bpl {

void Rng::reseed(uint64_t seed, uint64_t stream) {
  // PCG32 initialisation (pcg32_srandom_r)
  state_ = 0;
  inc_ = (stream << 1u) | 1u;
  next_u32();
  state_ += seed;
  next_u32();
  has_spare_ = false;
}

uint32_t Rng::next_u32() {
  uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  uint32_t rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

uint32_t Rng::below(uint32_t n) {
  // reject the top partial range so every residue is equally likely
  uint32_t threshold = (0u - n) % n;
  for (;;) {
    uint32_t r = next_u32();
    if (r >= threshold) return r % n;
  }
}

double Rng::uniform() {
  uint64_t hi = next_u32(), lo = next_u32();
  uint64_t bits = ((hi << 32) | lo) >> 11;                        // 53 bits
  return static_cast<double>(bits) * (1.0 / 9007199254740992.0);  // · 2⁻⁵³
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double f = std::sqrt(-2.0 * portable_log(s) / s);  // sqrt is correctly rounded (IEEE 754)
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

void Rng::shuffle(std::vector<int>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = below(static_cast<uint32_t>(i));
    std::swap(v[i - 1], v[j]);
  }
}

double portable_log(double x) {
  // x = m · 2^e with m in [√½, √2); ln x = e·ln2 + ln m, ln m = 2·atanh(t), t = (m−1)/(m+1)
  int e = 0;
  double m = std::frexp(x, &e);  // exact: m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;  // exact
    e -= 1;
  }
  double t = (m - 1.0) / (m + 1.0);  // |t| ≤ 0.1716
  double t2 = t * t;
  // atanh(t) = t·(1 + t²/3 + t⁴/5 + …); 14 terms reach below 1e-21 relative for |t| ≤ 0.1716
  double sum = 0.0;
  for (int k = 27; k >= 1; k -= 2) sum = sum * t2 + 1.0 / k;
  const double ln2_hi = 6.93147180369123816490e-01;  // ln 2 split so e·ln2_hi is exact
  const double ln2_lo = 1.90821492927058770002e-10;
  return e * ln2_hi + (2.0 * t * sum + e * ln2_lo);
}

}  // namespace bpl
