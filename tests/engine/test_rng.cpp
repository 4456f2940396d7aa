#include "core/init.h"
#include "core/rng.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace bpl;

TEST_CASE("PCG32 matches the reference implementation's published output", "[rng]") {
  // pcg32-demo: pcg32_srandom_r(&rng, 42u, 54u) prints these six numbers first
  Rng rng(42, 54);
  const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e};
  for (uint32_t e : expected) CHECK(rng.next_u32() == e);
}

TEST_CASE("portable_log agrees with the C library to double precision", "[rng]") {
  Rng rng(7);
  for (int i = 0; i < 10000; ++i) {
    double x = std::ldexp(rng.uniform() + 1e-300, static_cast<int>(rng.below(80)) - 40);
    double a = portable_log(x), b = std::log(x);
    REQUIRE(std::abs(a - b) <= 4e-16 * std::max(1.0, std::abs(b)));
  }
  CHECK(portable_log(1.0) == 0.0);
  CHECK(std::abs(portable_log(2.0) - 0.69314718055994530942) < 1e-16);
}

TEST_CASE("uniform, below and normal have the right distributions", "[rng]") {
  Rng rng(123);
  int counts[10] = {0};
  for (int i = 0; i < 100000; ++i) counts[rng.below(10)]++;
  for (int c : counts) CHECK(std::abs(c - 10000) < 500);  // > 10σ would be needed to fail by chance
  double s = 0, s2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double z = rng.normal();
    s += z;
    s2 += z * z;
  }
  CHECK(std::abs(s / n) < 0.01);
  CHECK(std::abs(s2 / n - 1.0) < 0.02);
  for (int i = 0; i < 1000; ++i) {
    double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
  }
}

TEST_CASE("same seed, same stream of numbers, different seed, different stream", "[rng]") {
  Rng a(5), b(5), c(6);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    double x = a.normal();
    REQUIRE(x == b.normal());
    differs |= (x != c.normal());
  }
  CHECK(differs);
}

TEST_CASE("He and Xavier initialisation have the promised scale", "[init]") {
  Rng rng(9);
  Matrix w(256, 400);
  init_weights(w, Init::He, 400, 256, rng);
  double var = w.squaredNorm() / w.size();
  CHECK(std::abs(var - 2.0 / 400) / (2.0 / 400) < 0.03);
  init_weights(w, Init::Xavier, 400, 256, rng);
  double a = std::sqrt(6.0 / (400 + 256));
  CHECK(w.maxCoeff() <= a);
  CHECK(w.minCoeff() >= -a);
  double var_x = w.squaredNorm() / w.size();  // U(−a, a) has variance a²/3
  CHECK(std::abs(var_x - a * a / 3) / (a * a / 3) < 0.03);
}
