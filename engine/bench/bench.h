// The speed benchmark: one report for every build. `bpl bench` (native, and bpl.js under node)
// and the browser's bench page (build/web/bench/, tools/bench/bench_web.cpp) both call
// run_bench, so they print the same lines:
//   the machine and the build (native / WebAssembly, which SIMD), the data (real MNIST images),
//   this run's peak float GEMM (256³), then for the MLP 784-128-10 and LeNet-5:
//   training at batch 32 (images/s, GFLOP/s of the weight layers = % of the peak),
//   inference at batch 1, 32 and 256 (and 256's ratio to 1),
//   and where the time goes, layer by layer (ms, share, GFLOP/s from Layer::flops()).
// Figures are medians of `reps` timed rounds; the machine may be shared, so compare ratios
// taken in one run.
#pragma once

#include "data/dataset.h"

#include <string>
#include <vector>

namespace bpl {

struct BenchConfig {
  bool quick = false;       // fewer and shorter rounds (tests, a first look)
  std::string environment;  // "node", a browser's user agent; empty natively
  std::string machine;      // the CPU; empty: read /proc/cpuinfo (native, node on Linux)
};

struct BenchModelResult {
  std::string name;
  double train_ips = 0, train_gflops = 0, train_share_of_peak = 0;  // batch 32
  double infer_ips[3] = {0, 0, 0};                                  // batch 1, 32, 256
};

struct BenchResult {
  double peak_gflops = 0;
  std::vector<BenchModelResult> models;
};

// The benchmark on the first images of `images` (MNIST test images), printed to stdout.
BenchResult run_bench(const Dataset& images, const BenchConfig& config);

// The CPU's model name from /proc/cpuinfo, or "" where there is none (a browser).
std::string cpu_model_name();
// How this binary was compiled: "native g++ 12.2, -O3 -march=native (AVX-512)", "WebAssembly, SIMD128"
std::string build_description();
// GFLOP/s of a 256³ float GEMM, the median of `reps` rounds (the best of Eigen's product and
// the engine's convolution kernel gemm_abt; both printed)
struct PeakGemm {
  double eigen = 0, conv_kernel = 0;
  double best() const { return eigen > conv_kernel ? eigen : conv_kernel; }
};
PeakGemm peak_gemm(int reps);

}  // namespace bpl
