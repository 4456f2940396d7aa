// bpl — the headless trainer of Backprop Lab (native, and as WebAssembly under node).
//
//   bpl train    [--preset NAME | --model "dense(128), relu, dense(10)"] [--config run.ini] [flags]
//   bpl evaluate --load model.bplm
//   bpl report   --load model.bplm [--out DIR] [--html F.html]  (confusion matrix, precision/recall/F1,
//                mistakes; --html: the lab report, one self-contained page)
//   bpl compare  r0|r1-mlp|r1-cnn|r2|r3 [--seeds N]  (a report's comparison, mean ± sd beside the report's)
//   bpl presets
//   bpl settings [--markdown | --examples | --link QUERY]   (the settings table; README's key list)
//   bpl init     --preset NAME --init-seed N [--save F] | --load F   (prints a hash of the weights)
//   bpl bench    [--quick]                    (training / inference images per second, GEMM peak)
#include "bench/bench.h"
#include "core/error.h"
#include "core/format.h"
#include "data/dataset.h"
#include "io/model_file.h"
#include "io/run_config.h"
#include "io/settings.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "model/presets.h"
#include "report/evaluation.h"
#include "report/lab_report.h"
#include "train/experiment.h"
#include "train/step.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#ifndef BPL_ASSETS_DIR
#define BPL_ASSETS_DIR "assets"
#endif

using namespace bpl;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void print_summary(Model& m) {
  std::printf("  %-34s %-12s %12s\n", "layer", "output", "parameters");
  std::printf("  %-34s %-12s %12s\n", "input", m.input_shape().str().c_str(), "");
  for (const LayerSummary& s : m.summary())
    std::printf("  %-34s %-12s %12s\n", s.name.c_str(), s.output.str().c_str(), with_commas(s.params).c_str());
  std::printf("  total parameters: %s\n", with_commas(m.param_count()).c_str());
}

struct Data {
  Dataset train, test;
};

// One MNIST split in dir under any of its usual file names (plain, .gz, name.idx3-ubyte); the
// images file is looked for first, so a folder missing both names the images.
Dataset load_split(const std::string& dir, const std::string& prefix, const std::string& name) {
  const std::string images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  return load_dataset(images, labels, name);
}

Dataset load_test(const std::string& dir) {
  return load_split(dir, "t10k", "MNIST test");
}

Data load_mnist(const std::string& dir) {
  Data d;
  d.train = load_split(dir, "train", "MNIST train");
  d.test = load_test(dir);
  return d;
}

void print_per_class(const Dataset& d, const std::vector<int>& idx, const EvalResult& r) {
  int total[10] = {0}, right[10] = {0};
  for (size_t i = 0; i < idx.size(); ++i) {
    int y = d.labels[idx[i]];
    if (y < 10) {
      total[y]++;
      right[y] += r.predicted[i] == y;
    }
  }
  std::printf("  per class:");
  for (int k = 0; k < 10; ++k) std::printf("  %d %.1f%%", k, total[k] ? 100.0 * right[k] / total[k] : 0.0);
  std::printf("\n");
}

// ------------------------------------------------------------------ train
// The keys the INI file and the flags set, in that order (the later wins).
using GivenSettings = std::vector<std::map<std::string, std::string>>;

bool given(const GivenSettings& g, const std::string& key) {
  for (const auto& m : g)
    if (m.count(key)) return true;
  return false;
}

// What `bpl train --load FILE` continues: the file's run (format 4) with each given setting over
// its own field, or for an older file (no run stored) the default preset's settings with the
// file's layers, normalisation and optimizer, then the given settings.
RunConfig resumed_config(const LoadedModel& lm, const GivenSettings& g) {
  for (const char* k : {"model.preset", "model.layers", "model.init", "model.init_seed"})
    if (given(g, k))
      throw ConfigError(std::string("--load continues the saved model: ") + k +
                        " cannot change it (train a new model without --load)");
  RunConfig rc;
  if (lm.extras.has_run) {
    rc = lm.extras.run;
  } else {
    rc = RunConfig::from_preset(find_preset(kDefaultPreset));
    rc.preset = "loaded";
    rc.norm = lm.norm.kind;
    if (lm.extras.has_optimizer) rc.train.optimizer = lm.extras.optimizer;
  }
  rc.layers = lm.model.spec();
  for (const auto& m : g)
    for (const auto& [k, v] : m) apply_setting(rc, k, v);
  return rc;
}

int cmd_train(RunConfig rc, const GivenSettings& g, const std::string& data_dir, const std::string& save_path,
              const std::string& load_path, bool progress) {
  Model model;
  LoadedModel lm;
  const bool resuming = !load_path.empty();
  if (resuming) {
    // continue a saved run: its weights, optimizer state, normalisation, and (format 4) the
    // whole run — settings, epoch and step counters, the shuffle and dropout generators
    lm = load_model(load_path);
    rc = resumed_config(lm, g);
    model = std::move(lm.model);
    std::printf("Backprop Lab — continuing %s: %zu epochs trained, the run goes on to epoch %d\n", load_path.c_str(),
                lm.extras.history.size(), rc.train.epochs);
    if (!lm.extras.has_run)
      std::printf(
          "  note: this file (format v%u) does not store its run: batch size, seeds, split, subset and schedule come "
          "from preset %s and the flags, and the shuffle and dropout start afresh (not the run it came from)\n",
          lm.version, kDefaultPreset);
  } else {
    if (given(g, "model.layers"))
      std::printf("Backprop Lab — training the model %s\n", rc.layers.c_str());
    else
      std::printf("Backprop Lab — training preset %s\n", rc.preset.c_str());
    model = rc.build_model();
  }
  auto t_load = Clock::now();
  Data data = load_mnist(data_dir);
  Split split = make_split(data.train, rc.subset, rc.val_frac, rc.test_frac, rc.train.seed, &data.test, rc.test_subset);
  // a loaded model keeps its normalisation and statistics unless --normalize names one
  Normalizer norm =
      resuming && !given(g, "data.normalize") ? lm.norm : Normalizer::make(rc.norm, data.train, split.train);
  std::printf("data: %s — %zu train, %zu validation, %zu test (%s), loaded in %.2f s\n", data_dir.c_str(),
              split.train.size(), split.val.size(), split.test.size(),
              split.test_from_train ? "from the training file" : "official test set", seconds_since(t_load));
  std::printf("normalisation: %s\n", norm.describe().c_str());
  print_summary(model);
  Trainer trainer(model, data.train, split, norm, rc.train);
  if (resuming) {
    TrainProgress p = lm.extras.has_run ? lm.extras.progress : trainer.progress();
    if (!lm.extras.has_run) {
      p.epoch = static_cast<int>(lm.extras.history.size());
      p.steps = lm.extras.steps;
      p.lr = rc.train.optimizer.lr;
    }
    if (given(g, "training.learning_rate")) p.lr = rc.train.optimizer.lr;  // the flag is the rate from now on
    const OptimizerKind was = lm.extras.optimizer.kind;
    if (lm.extras.has_optimizer && was != rc.train.optimizer.kind) {
      // another optimizer's m (and v) mean something else: the new one starts from nothing
      for (Param* prm : model.params()) {
        prm->m.resize(0, 0);
        prm->v.resize(0, 0);
      }
      p.steps = 0;
      std::printf("optimizer changed from %s to %s: its state (velocity or moments, step count) starts fresh\n",
                  kind_name(was), kind_name(rc.train.optimizer.kind));
    }
    trainer.resume(p, lm.extras.history);
  }
  std::printf(
      "optimizer: %s, batch %d, %d epochs%s\n", trainer.optimizer().describe().c_str(), rc.train.batch, rc.train.epochs,
      rc.train.early_stop_patience ? (", early stop patience " + std::to_string(rc.train.early_stop_patience)).c_str()
                                   : "");
  if (resuming && trainer.finished())
    std::printf("nothing to train: the run already has %d epochs (--epochs is the run's total; give more to go on)\n",
                trainer.epoch());
  const int E = rc.train.epochs;
  const char* tag = resuming ? " (resumed)" : "";
  trainer.on_epoch = [&](const EpochStats& s) {
    if (progress) std::fprintf(stderr, "\r%*s\r", 72, "");
    std::printf("Epoch %d/%d%s  train loss %.6f acc %.4f", s.epoch, E, tag, s.train_loss, s.train_acc);
    if (!std::isnan(s.val_loss)) std::printf("  val loss %.6f acc %.4f", s.val_loss, s.val_acc);
    std::printf("  %.1f s  %s img/s  lr %g\n", s.seconds, human_rate(s.images_per_sec).c_str(), s.lr);
    if (s.overfitting)
      std::printf("  warning: overfitting — train accuracy %.1f%% is more than 10 points above validation %.1f%%\n",
                  100 * s.train_acc, 100 * s.val_acc);
    std::fflush(stdout);
  };
  auto t0 = Clock::now();
  int last_shown = -1;
  while (!trainer.finished()) {
    trainer.step();
    if (progress) {
      int b = trainer.batch_in_epoch(), nb = trainer.batches_per_epoch();
      int pct = nb ? 100 * b / nb : 0;
      if (pct != last_shown && b > 0) {
        last_shown = pct;
        int bars = pct * 30 / 100;
        std::fprintf(stderr, "\rEpoch %d/%d [%.*s%*s] %3d%%  loss %.6f", trainer.epoch() + 1, E, bars,
                     "==============================", 30 - bars, "", pct, trainer.batch_losses().back());
      }
    }
  }
  double total = seconds_since(t0);
  if (trainer.state() != TrainState::Done) std::printf("%s\n", trainer.message().c_str());
  if (trainer.state() == TrainState::Diverged) return 3;
  EvalResult r = evaluate(model, split.test_from_train ? data.train : data.test, split.test, norm);
  std::printf("test: loss %.6f  accuracy %.4f (%.2f%%) on %d images\n", r.loss, r.accuracy, 100 * r.accuracy, r.count);
  print_per_class(split.test_from_train ? data.train : data.test, split.test, r);
  std::printf("time: %.1f s total, %.2f s per epoch of training, %s img/s\n", total,
              trainer.train_seconds() / std::max<size_t>(1, trainer.history().size()),
              human_rate(trainer.images_seen() / std::max(1e-9, trainer.train_seconds())).c_str());
  if (!save_path.empty()) {
    ModelExtras x;
    x.dataset = "MNIST";
    x.has_optimizer = true;
    x.optimizer = trainer.optimizer().config();
    x.steps = trainer.optimizer().steps();
    x.history = trainer.history();
    x.has_run = true;
    x.run = rc;
    x.progress = trainer.progress();
    save_model(save_path, model, norm, &x);
    std::printf("saved %s (the whole run: --load continues it exactly)\n", save_path.c_str());
  }
  return 0;
}

// ------------------------------------------------------------------ evaluate
int cmd_evaluate(const std::string& path, const std::string& data_dir, int test_subset) {
  LoadedModel lm = load_model(path);
  std::printf("model %s (format v%u%s%s, %zu epochs of history)\n", path.c_str(), lm.version,
              lm.extras.dataset.empty() ? "" : ", trained on ", lm.extras.dataset.c_str(), lm.extras.history.size());
  print_summary(lm.model);
  Dataset test = load_test(data_dir);
  Split s = make_split(test, 0, 0.0, 0.0, 0, &test, test_subset);
  EvalResult r = evaluate(lm.model, test, s.test, lm.norm);
  std::printf("test: loss %.4f  accuracy %.4f (%.2f%%) on %d images\n", r.loss, r.accuracy, 100 * r.accuracy, r.count);
  print_per_class(test, s.test, r);
  return 0;
}

// ------------------------------------------------------------------ report
// R3's evaluation report from a saved model: confusion matrix (counts and row-normalised),
// precision/recall/F1/support with macro and weighted averages, R0's per-class accuracy, R2's most
// confident mistakes; with --out DIR also as CSV files and a confusion-matrix PNG, with --html
// F.html as the lab report (engine/report/lab_report.h).

// The lab report of a saved model: its run's settings and history when the file has them.
LabReportInput lab_report_input(const std::string& path, LoadedModel& lm, const Dataset& test, TestEvaluation ev) {
  LabReportInput in;
  const ModelExtras& x = lm.extras;
  const std::string file = path.substr(path.find_last_of('/') + 1);
  std::string name;
  if (x.has_run) {
    for (const Preset& p : presets())
      if (p.name == x.run.preset) name = p.title + " · ";
    in.settings = settings_rows(x.run);
  }
  in.title = name + file + (x.dataset.empty() ? "" : " · " + x.dataset);
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  in.date = date;
  in.dataset = x.dataset.empty() ? "not recorded in the model file" : x.dataset;
  std::string split;
  if (x.has_run) {
    const RunConfig& rc = x.run;
    split = "trained on " + (rc.subset > 0 ? with_commas(rc.subset) : std::string("all")) + " training images, " +
            (rc.val_frac > 0 ? exact_number(100 * rc.val_frac) + "% of them for validation" : "no validation split") +
            (rc.test_frac > 0 ? ", " + exact_number(100 * rc.test_frac) + "% for testing" : "") + "; ";
  }
  in.split = split + "tested on " + with_commas(static_cast<long>(ev.idx.size())) + " images of " + test.name;
  in.input = lm.model.input_shape();
  in.layers = lm.model.summary();
  in.params = lm.model.param_count();
  in.history = x.history;
  in.test_epoch = x.history.empty() ? 0 : x.history.back().epoch;
  in.has_test = true;
  in.test = std::move(ev);
  in.test_images = &test;
  return in;
}

int cmd_report(const std::string& path, const std::string& data_dir, int test_subset, const std::string& out_dir,
               const std::string& html_path) {
  LoadedModel lm = load_model(path);
  Dataset test = load_test(data_dir);
  Split s = make_split(test, 0, 0.0, 0.0, 0, &test, test_subset);
  const TestEvaluation ev = make_test_evaluation(test, s.test, evaluate(lm.model, test, s.test, lm.norm));
  const EvalResult& r = ev.eval;
  const ConfusionMatrix& cm = ev.cm;
  const ClassificationReport& rep = ev.rep;
  std::printf("model %s on %d test images: accuracy %.4f, loss %.4f\n\n", path.c_str(), r.count, r.accuracy, r.loss);
  std::printf("confusion matrix (rows: true digit, columns: predicted)\n      ");
  for (int p = 0; p < 10; ++p) std::printf("%6d", p);
  std::printf("\n");
  for (int t = 0; t < 10; ++t) {
    std::printf("  %d | ", t);
    for (int p = 0; p < 10; ++p) std::printf("%6ld", cm.at(t, p));
    std::printf("\n");
  }
  std::printf("\nrow-normalised (share of each true digit)\n");
  for (int t = 0; t < 10; ++t) {
    std::printf("  %d | ", t);
    for (int p = 0; p < 10; ++p) std::printf(" %5.3f", cm.row_normalized(t, p));
    std::printf("\n");
  }
  std::printf("\n  class  precision  recall  f1-score  support\n");
  for (int k = 0; k < 10; ++k)
    std::printf("  %5d  %9.4f  %6.4f  %8.4f  %7ld\n", k, rep.precision[k], rep.recall[k], rep.f1[k], rep.support[k]);
  std::printf("  macro avg  %9.4f  %6.4f  %8.4f  %7ld\n", rep.macro_precision, rep.macro_recall, rep.macro_f1,
              cm.total());
  std::printf("  weighted   %9.4f  %6.4f  %8.4f  %7ld\n", rep.weighted_precision, rep.weighted_recall, rep.weighted_f1,
              cm.total());
  std::printf("  accuracy %.4f, micro-F1 %.4f, macro-F1 %.4f\n", rep.accuracy, rep.micro_f1, rep.macro_f1);
  std::printf("\nmost confident mistakes (test index: true → predicted, confidence)\n");
  for (size_t j = 0; j < std::min<size_t>(10, ev.mistakes.size()); ++j) {
    const int i = ev.mistakes[j];
    std::printf("  #%d: %d → %d  %.3f\n", ev.idx[i], ev.truth[i], r.predicted[i], r.confidence[i]);
  }
  auto write = [](const std::string& file, const std::string& text) {
    std::ofstream f(file, std::ios::binary);
    if (!(f << text)) throw FormatError("cannot write " + file);
  };
  if (!out_dir.empty()) {
    write(out_dir + "/confusion.csv", confusion_csv(cm));
    write(out_dir + "/report.csv", report_csv(ev));
    write(out_dir + "/mistakes.csv", mistakes_csv(ev));
    const std::vector<uint8_t> png = confusion_png(cm);
    write(out_dir + "/confusion.png", std::string(png.begin(), png.end()));
    std::printf("\nwrote %s/confusion.csv, report.csv, mistakes.csv, confusion.png\n", out_dir.c_str());
  }
  if (!html_path.empty()) {
    write(html_path, lab_report_html(lab_report_input(path, lm, test, ev)));
    std::printf("\nwrote the lab report %s\n", html_path.c_str());
  }
  return 0;
}

// ------------------------------------------------------------------ compare
// A seed report's comparison (R0's Table V): its presets (the reports' own systems) one after
// another with their own settings, the test accuracy measured after every epoch, and a table with
// the report's figure beside ours. With --seeds N every preset runs N times, seeds s, s+1, …
// (initialisation and shuffle/split seed both), and the table shows mean ± standard deviation.
// "Epochs to converge" = the first epoch whose test accuracy is within 0.5 points of the last's.
int cmd_compare(const std::string& which, const std::string& data_dir, int max_epochs, int seeds, bool improved) {
  std::vector<std::string> names = comparison_presets(which, improved);
  Data data = load_mnist(data_dir);
  struct Row {
    ExperimentRun run;                               // the first seed's run (parameters, epochs, convergence)
    std::vector<double> accs, vals, secs_per_epoch;  // of the seeds that trained to the end
    int diverged = 0;                                // seeds stopped by the divergence guard
    bool report_is_val = false;                      // the report's figure is a validation accuracy (R0, R4)
  };
  std::vector<Row> rows;
  std::vector<ExperimentRun> firsts;
  for (const std::string& name : names) {
    const Preset& p = find_preset(name);
    Row row;
    row.run.name = name;
    row.run.title = p.title;
    row.run.report_acc = p.report_accuracy;
    for (int k = 0; k < seeds; ++k) {
      RunConfig rc = RunConfig::from_preset(p);
      rc.init_seed += static_cast<uint64_t>(k);
      rc.train.seed += static_cast<uint64_t>(k);
      if (max_epochs > 0) rc.train.epochs = std::min(rc.train.epochs, max_epochs);
      Model model = rc.build_model();
      Split split =
          make_split(data.train, rc.subset, rc.val_frac, rc.test_frac, rc.train.seed, &data.test, rc.test_subset);
      const Dataset& test = split.test_from_train ? data.train : data.test;
      Normalizer norm = Normalizer::make(rc.norm, data.train, split.train);
      Trainer t(model, data.train, split, norm, rc.train);
      ExperimentRun run;
      t.on_epoch = [&](const EpochStats&) {
        run.test_accs.push_back(evaluate(model, test, split.test, norm).accuracy);
      };
      std::printf("%-20s seed %d/%d: training %d epoch(s)…", name.c_str(), k + 1, seeds, rc.train.epochs);
      std::fflush(stdout);
      while (!t.finished()) t.step();
      if (t.state() == TrainState::Diverged) {  // a result too: reported, left out of the mean
        std::printf(" diverged: %s\n", t.message().c_str());
        ++row.diverged;
        row.run.params = model.param_count();
        continue;
      }
      run.name = name;
      run.title = p.title;
      run.params = model.param_count();
      run.epochs = static_cast<int>(t.history().size());
      run.seconds = t.train_seconds();
      run.test_acc = run.test_accs.empty() ? evaluate(model, test, split.test, norm).accuracy : run.test_accs.back();
      run.report_acc = p.report_accuracy;
      std::printf(" %.2f%%, %.1f s per epoch\n", 100 * run.test_acc, run.seconds / std::max(1, run.epochs));
      row.accs.push_back(run.test_acc);
      if (!t.history().empty() && !std::isnan(t.history().back().val_acc))
        row.vals.push_back(t.history().back().val_acc);
      row.secs_per_epoch.push_back(run.seconds / std::max(1, run.epochs));
      if (row.accs.size() == 1) row.run = run;  // the first seed that trained
    }
    // the winner compares the means
    row.run.test_acc = mean_std(row.accs).mean;
    row.report_is_val = p.val_frac > 0 && !row.vals.empty();
    firsts.push_back(row.run);
    rows.push_back(row);
  }
  const int best = experiment_winner(firsts);
  auto pct = [seeds](const std::vector<double>& v, int diverged) {
    if (v.empty()) return std::string(diverged ? "diverged" : "—");
    const MeanStd a = mean_std(v);
    char b[48];
    if (v.size() > 1)
      std::snprintf(b, sizeof b, "%.2f ± %.2f%%", 100 * a.mean, 100 * a.std);
    else
      std::snprintf(b, sizeof b, "%.2f%%", 100 * a.mean);
    std::string out = b;
    if (diverged) out += " " + std::to_string(seeds - diverged) + "/" + std::to_string(seeds);
    return out;
  };
  std::printf("\n%-48s %10s %6s %9s %9s %18s %18s %10s %7s  %s\n", "model", "parameters", "epochs", "converged",
              "s/epoch", "test acc", "val acc", "report", "gap", "winner");
  int any_diverged = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const ExperimentRun& r = rows[i].run;
    any_diverged += rows[i].diverged;
    const MeanStd t = mean_std(rows[i].secs_per_epoch);
    const double ours = mean_std(rows[i].report_is_val ? rows[i].vals : rows[i].accs).mean;
    std::printf("%-48s %10s %6d %9d %8.1fs %18s %18s %8.2f%%%s %+7.2f  %s\n", r.title.c_str(),
                with_commas(r.params).c_str(), r.epochs, r.converged(), t.mean,
                pct(rows[i].accs, rows[i].diverged).c_str(), pct(rows[i].vals, rows[i].diverged).c_str(),
                100 * r.report_acc, rows[i].report_is_val ? "v" : "t", 100 * (ours - r.report_acc),
                static_cast<int>(i) == best ? "★" : "");
  }
  std::printf(
      "(%d seed%s each%s; report: t = a test, v = a validation accuracy; gap = our mean − the report's "
      "figure of the same kind, in points)\n",
      seeds, seeds > 1 ? "s" : "", seeds > 1 ? ", mean ± sample standard deviation" : "");
  if (any_diverged)
    std::printf(
        "(n/%d: over the n seeds that trained; the others diverged — their mean loss passed 10·ln K — and are "
        "left out)\n",
        seeds);
  return 0;
}

// ------------------------------------------------------------------ init (determinism check)
int cmd_init(RunConfig rc, const std::string& load, const std::string& save) {
  Model m;
  if (!load.empty())
    m = load_model(load).model;
  else
    m = rc.build_model();
  if (!save.empty()) save_model(save, m, Normalizer{});
  const uint64_t h = m.weights_hash();  // FNV-1a 64 over the float bits
  const Param* first = m.params().front();
  std::printf("params %ld  fnv1a64 %016llx  W0[0..2] %.9g %.9g %.9g\n", m.param_count(), (unsigned long long)h,
              first->value(0, 0), first->value(0, 1), first->value(0, 2));
  return 0;
}

// ------------------------------------------------------------------ bench
// The shared benchmark (engine/bench), on the MNIST test images; the browser page runs the same.
int cmd_bench(const std::string& data_dir, bool quick) {
  BenchConfig c;
  c.quick = quick;
#if defined(__EMSCRIPTEN__)
  c.environment = "under node";
#endif
  run_bench(load_test(data_dir), c);
  return 0;
}

// Where a saved run stands, one key=value a line after the settings (`bpl train --load F --dry-run`):
// what the native and the WebAssembly build must read alike from the same file (tests/wasm).
void print_run(const LoadedModel& lm) {
  if (!lm.extras.has_run) {
    std::printf("run=none (format v%u)\n", lm.version);
    return;
  }
  const TrainProgress& p = lm.extras.progress;
  auto rng = [](const RngState& r) {
    char b[80];
    std::snprintf(b, sizeof b, "%016llx:%016llx:%d:%s", static_cast<unsigned long long>(r.state),
                  static_cast<unsigned long long>(r.inc), r.has_spare ? 1 : 0, exact_number(r.spare).c_str());
    return std::string(b);
  };
  std::printf("run.epoch=%d\nrun.steps=%ld\nrun.lr=%s\nrun.position=%d\nrun.shuffle=%s\n", p.epoch, p.steps,
              exact_number(p.lr).c_str(), p.pos, rng(p.shuffle).c_str());
  for (size_t i = 0; i < p.layer_rngs.size(); ++i)
    std::printf("run.dropout%zu=%s\n", i + 1, rng(p.layer_rngs[i]).c_str());
  std::printf("run.best_epoch=%d\nrun.since_best=%d\nrun.weights=%016llx\n", p.best_epoch, p.since_best,
              static_cast<unsigned long long>(const_cast<Model&>(lm.model).weights_hash()));
}

// A preset as `bpl presets` lists it: name, title, the report's figure, the layers, and the run
// (optimizer, learning rate, reduction, batch, epochs, split, normalisation, initialisation).
void print_preset(const Preset& p) {
  const RunConfig rc = RunConfig::from_preset(p);
  const TrainConfig& t = rc.train;
  std::string run = make_optimizer(t.optimizer)->describe() + ", batch " + std::to_string(t.batch) + ", " +
                    std::to_string(t.epochs) + " epochs";
  if (t.schedule.kind != ScheduleKind::None) run += std::string(", ") + kind_name(t.schedule.kind) + " schedule";
  if (t.early_stop_patience > 0) run += ", early stop " + std::to_string(t.early_stop_patience);
  run += "; " + (p.subset > 0 ? with_commas(p.subset) + " images" : std::string("all 60,000 images"));
  if (p.val_frac > 0) run += ", " + exact_number(100 * p.val_frac) + "% validation";
  if (p.test_frac > 0) run += ", " + exact_number(100 * p.test_frac) + "% test from the training file";
  const char* norm = p.norm == NormKind::Unit ? "[0, 1]" : p.norm == NormKind::Symmetric ? "[−1, 1]" : "standardised";
  run += std::string("; pixels ") + norm + "; init " + init_name(p.init);
  std::printf("%-22s %-48s %s\n    %s\n    %s\n", p.name.c_str(), p.title.c_str(), p.report_note.c_str(),
              p.layers.c_str(), run.c_str());
}

// The settings as "key=value" lines in the table's order (the link's text, one key a line,
// not URL-encoded): what tests/cli/settings.sh compares across flags, INI and links.
int print_settings(const RunConfig& rc) {
  for (const Setting& s : settings()) std::printf("%s=%s\n", s.key.c_str(), s.get(rc).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Backprop Lab headless trainer: trains the seed reports' MLPs and CNNs on MNIST"};
  app.require_subcommand(1);
  app.fallthrough();  // --data may come before or after the subcommand
  std::string data_dir = std::string(BPL_ASSETS_DIR) + "/mnist";
  app.add_option("--data", data_dir, "folder with the four MNIST IDX files (plain or .gz)");

  // train
  auto* train = app.add_subcommand("train", "train a model and report test accuracy");
  std::string config_path, save_path;
  // one option per entry of the settings table: --lr → training.learning_rate, …
  std::map<std::string, std::string> flag_values;  // "section.key" → value, applied after the INI file
  for (const Setting& st : settings()) {
    const std::string key = st.key;
    train
        ->add_option_function<std::string>(
            "--" + st.flag, [&flag_values, key](const std::string& v) { flag_values[key] = v; },
            st.help + " (" + st.range_text() + "; INI " + key + ")")
        ->type_name(setting_type_name(st.type));
  }
  train->add_option("--config", config_path, "INI file with [model] [training] [data] sections");
  train->add_option("--save", save_path,
                    "write the model and its whole run (weights, optimizer state, history, settings, counters, "
                    "generators) to this file; with --epochs 0 the untrained model");
  std::string train_load;
  train->add_option("--load", train_load,
                    "continue a saved run exactly where it stopped (its settings, counters, shuffle and dropout "
                    "generators); a flag given with it changes only its own setting; --epochs is then the run's "
                    "total, counting the file's epochs");
  bool no_progress = false;
  train->add_flag("--no-progress", no_progress, "no progress bar");
  bool dry_run = false;
  train->add_flag("--dry-run", dry_run, "print the settings the run would use, one key=value a line, and stop");

  auto* settings_cmd = app.add_subcommand("settings", "the run settings: keys, flags, ranges, help");
  bool markdown = false, examples = false;
  std::string link_query;
  settings_cmd->add_flag("--markdown", markdown, "the table as Markdown (the README's Settings section)");
  settings_cmd->add_flag("--examples", examples, "key, flag and an example value per line, tab-separated");
  settings_cmd->add_option("--link", link_query,
                           "apply a share link's query over the default preset and print the result like --dry-run");

  auto* evaluate_cmd = app.add_subcommand("evaluate", "evaluate a saved model on the MNIST test set");
  std::string load_path;
  int eval_subset = 0;
  evaluate_cmd->add_option("--load", load_path, "model file")->required();
  evaluate_cmd->add_option("--test-subset", eval_subset, "first N test images (0 = all)");

  auto* report =
      app.add_subcommand("report", "evaluation report of a saved model: confusion matrix, per-class metrics");
  std::string report_load, report_out, report_html;
  int report_subset = 0;
  report->add_option("--load", report_load, "model file")->required();
  report->add_option("--test-subset", report_subset, "first N test images (0 = all)");
  report->add_option("--out", report_out, "also write CSV files and confusion.png into this folder");
  report->add_option("--html", report_html,
                     "also write the lab report: one self-contained HTML file (model, settings, curves, "
                     "per-epoch table, confusion matrix, per-class metrics, mistakes)");

  auto* compare =
      app.add_subcommand("compare", "run a seed report's comparison and print it beside the report's figures");
  std::string compare_which;
  int compare_epochs = 0;
  compare->add_option("report", compare_which, "r0 | r1-mlp | r1-cnn | r2 | r3 | r4")->required();
  compare->add_option("--max-epochs", compare_epochs, "cap every model's epochs (0 = the report's)");
  bool compare_improved = false;
  compare->add_flag("--improved", compare_improved, "run the report's '… improved' presets instead of its own systems");
  int compare_seeds = 1;
  compare->add_option("--seeds", compare_seeds,
                      "train every model N times with seeds s, s+1, … and show mean ± standard deviation");

  app.add_subcommand("presets", "list the model presets");

  auto* init = app.add_subcommand("init", "initialise a model and print a hash of its weights");
  uint64_t init_seed = 42;
  std::string init_preset = "r0-lenet5";
  init->add_option("--preset", init_preset, "model preset (its layers and initialisation)");
  std::string init_layers, init_kind;
  init->add_option("--model", init_layers, "a layer list instead of the preset's");
  init->add_option("--init-seed,--seed", init_seed,
                   "initialisation seed (as `bpl train --init-seed`; --seed is the old name)");
  init->add_option("--init", init_kind,
                   "initialisation of layers without init=: xavier | he | pytorch (default: the preset's)");
  std::string init_load, init_save;
  init->add_option("--load", init_load, "hash the weights of this model file instead");
  init->add_option("--save", init_save, "also write the model to this file");

  auto* bench = app.add_subcommand("bench", "training and inference speed, and the GEMM peak of this build");
  bool quick = false;
  bench->add_flag("--quick", quick, "fewer repetitions");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*train) {
      std::map<std::string, std::string> ini;
      if (!config_path.empty()) {
        std::ifstream f(config_path);
        if (!f) throw FormatError("cannot open config file " + config_path);
        std::stringstream ss;
        ss << f.rdbuf();
        ini = parse_ini(ss.str());
      }
      // precedence: preset < INI file < flags; a preset named in the file or by flag comes first.
      // With --load: the file's run < INI file < flags.
      const GivenSettings g = {ini, flag_values};
      RunConfig rc =
          train_load.empty() ? resolve_run_config(ini, flag_values) : resumed_config(load_model(train_load), g);
      if (dry_run) {
        print_settings(rc);
        if (!train_load.empty()) print_run(load_model(train_load));
        return 0;
      }
      return cmd_train(rc, g, data_dir, save_path, train_load, !no_progress && isatty(2));
    }
    if (*evaluate_cmd) return cmd_evaluate(load_path, data_dir, eval_subset);
    if (*report) return cmd_report(report_load, data_dir, report_subset, report_out, report_html);
    if (*compare) {
      if (compare_seeds < 1 || compare_seeds > 100) throw ConfigError("--seeds must be in 1..100");
      return cmd_compare(compare_which, data_dir, compare_epochs, compare_seeds, compare_improved);
    }
    if (app.got_subcommand("presets")) {
      for (const Preset& p : presets()) print_preset(p);
      return 0;
    }
    if (*settings_cmd) {
      if (markdown)
        std::fputs(settings_markdown().c_str(), stdout);
      else if (examples)
        for (const Setting& st : settings())
          std::printf("%s\t%s\t%s\n", st.key.c_str(), st.flag.c_str(), st.example.c_str());
      else if (!link_query.empty() || settings_cmd->count("--link")) {
        RunConfig rc = RunConfig::from_preset(find_preset(kDefaultPreset));
        apply_settings_query(rc, link_query);
        return print_settings(rc);
      } else
        for (const Setting& st : settings())
          std::printf("%-30s --%-18s %-7s %s\n    %s\n", st.key.c_str(), st.flag.c_str(), setting_type_name(st.type),
                      st.range_text().c_str(), st.help.c_str());
      return 0;
    }
    if (*init) {
      RunConfig rc = RunConfig::from_preset(find_preset(init_preset));
      if (!init_layers.empty()) {
        rc.layers = init_layers;
        if (!init->count("--preset")) rc.init = Init::Xavier;  // a layer list alone: the settings' default
      }
      if (!init_kind.empty()) rc.init = parse_init(init_kind);
      rc.init_seed = init_seed;
      return cmd_init(rc, init_load, init_save);
    }
    if (*bench) return cmd_bench(data_dir, quick);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const FormatError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
