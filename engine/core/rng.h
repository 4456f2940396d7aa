// Seeded random numbers that are bit-identical in every build (g++/libstdc++ natively,
// clang/libc++ in WebAssembly). The standard library's distributions are implementation-
// defined, so none is used: the generator is PCG32 (O'Neill 2014), integers are drawn by
// rejection, and normals by Marsaglia's polar method with a logarithm written here from
// IEEE-exact operations only (+ − × ÷ and sqrt are correctly rounded everywhere; libm's
// log is not guaranteed to be). The file is compiled with -ffp-contract=off so that no
// compiler fuses a·b + c into an FMA on one platform and not on the other.
#pragma once

#include <cstdint>
#include <vector>

namespace bpl {

// Everything that decides the next draws: saved in model files, so a resumed run continues the
// same sequence (shuffles, dropout masks).
struct RngState {
  uint64_t state = 0, inc = 0;
  bool has_spare = false;
  double spare = 0.0;
};

class Rng {
 public:
  explicit Rng(uint64_t seed = 42, uint64_t stream = 54) { reseed(seed, stream); }
  void reseed(uint64_t seed, uint64_t stream = 54);

  uint32_t next_u32();
  // uniform integer in [0, n), unbiased (rejection sampling); n ≥ 1
  uint32_t below(uint32_t n);
  // uniform double in [0, 1) with 53 random bits
  double uniform();
  // uniform in [lo, hi)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // standard normal N(0, 1), Marsaglia polar method (caches the second value)
  double normal();
  // Fisher–Yates shuffle of an index vector
  void shuffle(std::vector<int>& v);

  RngState state() const { return {state_, inc_, has_spare_, spare_}; }
  void set_state(const RngState& s) {
    state_ = s.state;
    inc_ = s.inc | 1u;  // PCG's increment is odd
    has_spare_ = s.has_spare;
    spare_ = s.spare;
  }

 private:
  uint64_t state_ = 0, inc_ = 0;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// ln(x) for x > 0 from exact operations only (frexp, + − × ÷): identical on all platforms,
// within 2 ulp of the true value. Used by the normal sampler.
double portable_log(double x);

}  // namespace bpl
