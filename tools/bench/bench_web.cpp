// The browser's benchmark page (web/bench.html, built into build/web/bench/): the page fetches
// the MNIST test images, un-gzips them and hands the IDX bytes to bpl_bench_run, which runs the
// same benchmark as `bpl bench` (engine/bench) and prints its report through Module.print.
#include "bench/bench.h"
#include "core/error.h"
#include "data/idx.h"

#include <emscripten.h>

#include <cstdio>

extern "C" {

// images/labels: IDX files (already un-gzipped); environment: the browser's user agent;
// machine: the CPU when the page was told it (?machine=…), else empty. Returns 0, or 1 on bad data.
EMSCRIPTEN_KEEPALIVE int bpl_bench_run(const uint8_t* images, int images_size, const uint8_t* labels, int labels_size,
                                       int quick, const char* environment, const char* machine) {
  try {
    bpl::Dataset d = bpl::make_dataset(bpl::parse_idx_images(images, images_size),
                                       bpl::parse_idx_labels(labels, labels_size), "MNIST test");
    bpl::BenchConfig c;
    c.quick = quick != 0;
    c.environment = environment;
    c.machine = machine;
    bpl::run_bench(d, c);
    return 0;
  } catch (const std::exception& e) {
    std::printf("error: %s\n", e.what());
    std::fflush(stdout);
    return 1;
  }
}
}

int main() {
  return 0;
}
