#include "bench/bench.h"

#include "core/format.h"
#include "core/gemm.h"
#include "model/model.h"
#include "model/presets.h"
#include "train/optimizer.h"
#include "train/step.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace bpl {

namespace {

// The benchmark's clock: the CPU time this program has used where it can be read (natively the
// thread's, under node the process's), so that other programs on a shared machine do not count;
// a browser page has only the wall clock (performance.now), and BPL_BENCH_CLOCK=wall in the
// environment asks for it everywhere (to compare with builds that had no other). clock_name()
// says which.
bool cpu_clock() {
#if defined(__EMSCRIPTEN__)
  static const bool cpu = EM_ASM_INT(
      { return (typeof process == 'object' && process.cpuUsage && process.env.BPL_BENCH_CLOCK != 'wall') ? 1 : 0; });
#else
  static const bool cpu = !(std::getenv("BPL_BENCH_CLOCK") && std::string(std::getenv("BPL_BENCH_CLOCK")) == "wall");
#endif
  return cpu;
}

double now_seconds() {
#if defined(__EMSCRIPTEN__)
  if (cpu_clock())
    return EM_ASM_DOUBLE({
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    });
  return EM_ASM_DOUBLE({ return performance.now() / 1e3; });
#else
  if (cpu_clock()) {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
#endif
}

std::string clock_name() {
#if defined(__EMSCRIPTEN__)
  return cpu_clock() ? "CPU time of the node process (process.cpuUsage)" : "wall clock (performance.now)";
#else
  return cpu_clock() ? "CPU time of the thread (CLOCK_THREAD_CPUTIME_ID)" : "wall clock (steady_clock)";
#endif
}

double seconds_since(double t0) {
  return now_seconds() - t0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// 256³ float GEMM through Eigen (eigen = true) or the engine's conv kernel gemm_abt
double gemm_gflops(int reps, bool eigen) {
  const int n = 256;
  Matrix a = Matrix::Random(n, n), b = Matrix::Random(n, n), c(n, n);
  std::vector<double> g;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now_seconds();
    const int inner = 20;
    for (int i = 0; i < inner; ++i) {
      if (eigen)
        c.noalias() = a * b;
      else
        gemm_abt(a.data(), n, b.data(), n, c.data(), n, n, n, n);
    }
    g.push_back(2.0 * n * n * n * inner / seconds_since(t0) / 1e9);
  }
  volatile float sink = c(0, 0);
  (void)sink;
  return median(g);
}

// Layers with weights (dense, conv): the GEMMs. Their multiply-adds ×2 per image of one training
// step: forward, ∂W, and ∂x except for the first layer (nobody needs the input's gradient).
bool has_weights(const Layer& l) {
  const std::vector<ParamRole> roles = l.param_roles();
  return !roles.empty() && roles[0].layout != ParamLayout::Vector;
}

double train_flops_per_image(Model& m) {
  double f = 0;
  for (int i = 0; i < m.size(); ++i)
    if (has_weights(m.layer(i))) f += m.layer(i).flops(1) * (i == 0 ? 2 : 3);
  return f;
}

}  // namespace

std::string cpu_model_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      std::string name = line.substr(line.find(':') + 1);
      name.erase(0, name.find_first_not_of(' '));
      return name;
    }
  return "";
}

std::string build_description() {
#if defined(__EMSCRIPTEN__)
#if defined(__wasm_simd128__)
  return "WebAssembly (Emscripten " + std::to_string(__EMSCRIPTEN_major__) + "." +
         std::to_string(__EMSCRIPTEN_minor__) + "." + std::to_string(__EMSCRIPTEN_tiny__) + "), -O3, SIMD128";
#else
  return "WebAssembly (Emscripten), -O3, no SIMD";
#endif
#else
  std::string simd =
#if defined(__AVX512F__)
      "AVX-512";
#elif defined(__AVX2__)
      "AVX2";
#elif defined(__AVX__)
      "AVX";
#elif defined(__SSE4_2__)
      "SSE4.2";
#else
      "SSE2";
#endif
#if defined(__FMA__)
  simd += " + FMA";
#endif
#if defined(__clang__)
  const std::string compiler = "clang " + std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__);
#elif defined(__GNUC__)
  const std::string compiler = "g++ " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__);
#else
  const std::string compiler = "C++";
#endif
  return "native, " + compiler + " -O3, " + simd;
#endif
}

PeakGemm peak_gemm(int reps) {
  PeakGemm p;
  p.eigen = gemm_gflops(reps, true);
  p.conv_kernel = gemm_gflops(reps, false);
  return p;
}

BenchResult run_bench(const Dataset& d, const BenchConfig& config) {
  const bool quick = config.quick;
  BenchResult result;
  std::string machine = config.machine.empty() ? cpu_model_name() : config.machine;
  if (machine.empty()) machine = "CPU not known to this build";
  std::printf("Backprop Lab benchmark, single thread\n");
  std::printf("machine: %s\n", machine.c_str());
  std::printf("build:   %s%s\n", build_description().c_str(),
              config.environment.empty() ? "" : (", " + config.environment).c_str());
  std::printf("timing:  %s, median of %d rounds\n", clock_name().c_str(), quick ? 3 : 7);
  const int reps = quick ? 3 : 7;
  const PeakGemm peak = peak_gemm(reps);
  result.peak_gflops = peak.best();
  std::printf("peak float GEMM 256³: %.1f GFLOP/s (Eigen %.1f, conv kernel %s %.1f); percentages below use %.1f\n",
              peak.best(), peak.eigen, gemm_abt_is_simd() ? "wasm-simd" : "via Eigen", peak.conv_kernel, peak.best());
  // the same images in every build: the first 2,000 MNIST test images (the browser page loads
  // the 2,000-image test file; natively and under node the full test file is read)
  std::vector<int> idx(std::min(d.size(), 2000));
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
  std::printf("data:    %zu real %s images, unit normalisation\n", idx.size(), d.name.c_str());
  if (idx.size() < 257) {
    std::printf("error: the benchmark needs at least 257 images\n");
    return result;
  }
  Normalizer norm;
  struct Case {
    const char* name;
    std::string layers;
  };
  const Case cases[] = {{"MLP 784-128-10", find_preset("r0-mlp").layers}, {"LeNet-5", find_preset("r0-lenet5").layers}};
  for (const Case& c : cases) {
    Model m = Model::from_text(c.layers, Shape{1, 28, 28}, 1);
    OptimizerConfig oc;
    oc.kind = OptimizerKind::Adam;
    oc.lr = 1e-4;
    auto opt = make_optimizer(oc);
    SoftmaxCrossEntropy ce;
    Matrix x, dz;
    std::vector<int> y;
    const int B = 32;
    int pos = 0;
    auto train_steps = [&](int steps) {
      for (int s = 0; s < steps; ++s) {
        if (pos + B > static_cast<int>(idx.size())) pos = 0;
        gather_batch(d, idx, pos, B, norm, x, y);
        pos += B;
        train_step(m, ce, *opt, x, y, dz);
      }
    };
    train_steps(quick ? 10 : 30);  // warm-up
    std::vector<double> ips;
    const int steps = quick ? 30 : 100;
    for (int r = 0; r < reps; ++r) {
      const double t0 = now_seconds();
      train_steps(steps);
      ips.push_back(steps * B / seconds_since(t0));
    }
    BenchModelResult mr;
    mr.name = c.name;
    mr.train_ips = median(ips);
    mr.train_gflops = mr.train_ips * train_flops_per_image(m) / 1e9;
    mr.train_share_of_peak = mr.train_gflops / peak.best();
    // inference: the batches are gathered beforehand, so only the forward pass is timed
    const int batches[3] = {1, 32, 256};
    for (int b = 0; b < 3; ++b) {
      const int batch = batches[b];
      std::vector<Matrix> xs;
      for (int start = 0; start + batch <= static_cast<int>(idx.size()) && xs.size() < 16; start += batch) {
        xs.emplace_back();
        gather_batch(d, idx, start, batch, norm, xs.back(), y);
      }
      m.forward(xs[0], Mode::Eval);  // warm-up: buffers sized
      std::vector<double> v;
      for (int r = 0; r < reps; ++r) {
        long n = 0;
        const double t0 = now_seconds();
        while (seconds_since(t0) < (quick ? 0.05 : 0.2)) m.forward(xs[n++ % xs.size()], Mode::Eval);
        v.push_back(static_cast<double>(n) * batch / seconds_since(t0));
      }
      mr.infer_ips[b] = median(v);
    }
    std::printf("\n%s (%s parameters)\n", c.name, with_commas(m.param_count()).c_str());
    std::printf("  training, batch %d:    %8.0f images/s  %6.2f GFLOP/s = %.0f%% of peak GEMM\n", B, mr.train_ips,
                mr.train_gflops, 100 * mr.train_share_of_peak);
    std::printf("  inference, batch 1:    %8.0f images/s\n", mr.infer_ips[0]);
    std::printf("  inference, batch 32:   %8.0f images/s  (%.2f× batch 1)\n", mr.infer_ips[1],
                mr.infer_ips[1] / mr.infer_ips[0]);
    std::printf("  inference, batch 256:  %8.0f images/s  (%.2f× batch 1)\n", mr.infer_ips[2],
                mr.infer_ips[2] / mr.infer_ips[0]);
    // where the time goes: a training step at batch 32, and inference at batch 256
    m.set_profiling(true, now_seconds);
    train_steps(steps);
    std::vector<double> fwd = m.forward_ms(), bwd = m.backward_ms();
    m.set_profiling(true, now_seconds);
    gather_batch(d, idx, 0, 256, norm, x, y);
    const int infer_reps = quick ? 4 : 16;
    for (int r = 0; r < infer_reps; ++r) m.forward(x, Mode::Eval);
    const std::vector<double> inf = m.forward_ms();
    m.set_profiling(false);
    double total = 0, total_inf = 0;
    for (int i = 0; i < m.size(); ++i) {
      total += fwd[i] + bwd[i];
      total_inf += inf[i];
    }
    std::printf(
        "  per layer: training at batch %d (ms per batch forward / backward, share of the step, GFLOP/s\n"
        "  forward / backward) and inference at batch 256 (µs per image, share, GFLOP/s):\n",
        B);
    std::printf("    %-26s %7s %7s %6s %6s %6s  %7s %6s %6s\n", "layer", "fwd ms", "bwd ms", "share", "GF/s", "GF/s",
                "µs/img", "share", "GF/s");
    for (int i = 0; i < m.size(); ++i) {
      const Layer& l = m.layer(i);
      const double f_ms = fwd[i] / steps, b_ms = bwd[i] / steps, i_us = 1000 * inf[i] / infer_reps / 256;
      char rates[64] = "", irate[16] = "";
      if (has_weights(l)) {
        // GFLOP/s = flops / time; backward does ∂W, and ∂x except in the first layer
        const double ff = l.flops(B), bf = ff * (i == 0 ? 1 : 2);
        std::snprintf(rates, sizeof rates, "%6.1f %6.1f", ff / f_ms / 1e6, bf / b_ms / 1e6);
        std::snprintf(irate, sizeof irate, "%6.1f", l.flops(1) / i_us / 1e3);
      }
      std::printf("    %-26s %7.3f %7.3f %5.1f%% %-13s  %7.2f %5.1f%% %s\n", l.describe().c_str(), f_ms, b_ms,
                  100 * (fwd[i] + bwd[i]) / total, rates, i_us, 100 * inf[i] / total_inf, irate);
    }
    result.models.push_back(mr);
  }
  std::fflush(stdout);
  return result;
}

}  // namespace bpl
