// bpl — the headless trainer of Backprop Lab (native, and as WebAssembly under node).
//
//   bpl train    [--preset NAME | --model "dense(128), relu, dense(10)"] [--config run.ini] [flags]
//   bpl evaluate --load model.bplm
//   bpl report   --load model.bplm [--out DIR]  (confusion matrix, precision/recall/F1, mistakes)
//   bpl compare  r0|r1-mlp|r1-cnn|r2|r3     (a report's comparison table, ours beside the report's)
//   bpl presets
//   bpl settings [--markdown | --examples | --link QUERY]   (the settings table; README's key list)
//   bpl init     --preset NAME --seed N [--save F] | --load F   (prints a hash of the weights)
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
#include "train/experiment.h"
#include "train/step.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
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
// keep_optimizer: the flags/INI named no optimizer settings, so a loaded model's optimizer
// (and its state) carries on
int cmd_train(RunConfig rc, const std::string& data_dir, const std::string& save_path, const std::string& load_path,
              bool keep_optimizer, bool progress) {
  Model model;
  ModelExtras resumed;
  if (!load_path.empty()) {
    // continue from a saved model: its layers, weights, normalisation and optimizer state
    LoadedModel lm = load_model(load_path);
    model = std::move(lm.model);
    rc.layers = model.spec();
    rc.norm = lm.norm.kind;
    resumed = lm.extras;
    if (resumed.has_optimizer && keep_optimizer) rc.train.optimizer = resumed.optimizer;
    std::printf("Backprop Lab — continuing %s (%zu epochs trained before)\n", load_path.c_str(),
                resumed.history.size());
  } else {
    std::printf("Backprop Lab — training preset %s\n", rc.preset.c_str());
    model = Model::from_text(rc.layers, Shape{1, 28, 28}, rc.init_seed);
  }
  auto t_load = Clock::now();
  Data data = load_mnist(data_dir);
  Split split = make_split(data.train, rc.subset, rc.val_frac, rc.test_frac, rc.train.seed, &data.test, rc.test_subset);
  Normalizer norm = Normalizer::make(rc.norm, data.train, split.train);
  std::printf("data: %s — %zu train, %zu validation, %zu test (%s), loaded in %.2f s\n", data_dir.c_str(),
              split.train.size(), split.val.size(), split.test.size(),
              split.test_from_train ? "from the training file" : "official test set", seconds_since(t_load));
  std::printf("normalisation: %s\n", norm.describe().c_str());
  print_summary(model);
  Trainer trainer(model, data.train, split, norm, rc.train);
  if (resumed.has_optimizer && resumed.optimizer.kind == rc.train.optimizer.kind)
    trainer.optimizer().set_steps(resumed.steps);
  std::printf(
      "optimizer: %s, batch %d, %d epochs%s\n", trainer.optimizer().describe().c_str(), rc.train.batch, rc.train.epochs,
      rc.train.early_stop_patience ? (", early stop patience " + std::to_string(rc.train.early_stop_patience)).c_str()
                                   : "");
  const int E = rc.train.epochs;
  trainer.on_epoch = [&](const EpochStats& s) {
    if (progress) std::fprintf(stderr, "\r%*s\r", 72, "");
    std::printf("Epoch %d/%d  train loss %.4f acc %.4f", s.epoch, E, s.train_loss, s.train_acc);
    if (!std::isnan(s.val_loss)) std::printf("  val loss %.4f acc %.4f", s.val_loss, s.val_acc);
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
        std::fprintf(stderr, "\rEpoch %d/%d [%.*s%*s] %3d%%  loss %.4f", trainer.epoch() + 1, E, bars,
                     "==============================", 30 - bars, "", pct, trainer.batch_losses().back());
      }
    }
  }
  double total = seconds_since(t0);
  if (trainer.state() != TrainState::Done) std::printf("%s\n", trainer.message().c_str());
  if (trainer.state() == TrainState::Diverged) return 3;
  EvalResult r = evaluate(model, split.test_from_train ? data.train : data.test, split.test, norm);
  std::printf("test: loss %.4f  accuracy %.4f (%.2f%%) on %d images\n", r.loss, r.accuracy, 100 * r.accuracy, r.count);
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
    x.history = resumed.history;
    for (EpochStats e : trainer.history()) {
      e.epoch += static_cast<int>(resumed.history.size());
      x.history.push_back(e);
    }
    save_model(save_path, model, norm, &x);
    std::printf("saved %s\n", save_path.c_str());
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
// confident mistakes; with --out DIR also as CSV files and a confusion-matrix PNG.
int cmd_report(const std::string& path, const std::string& data_dir, int test_subset, const std::string& out_dir) {
  LoadedModel lm = load_model(path);
  Dataset test = load_test(data_dir);
  Split s = make_split(test, 0, 0.0, 0.0, 0, &test, test_subset);
  EvalResult r = evaluate(lm.model, test, s.test, lm.norm);
  std::vector<int> truth(s.test.size());
  for (size_t i = 0; i < s.test.size(); ++i) truth[i] = test.labels[s.test[i]];
  ConfusionMatrix cm = confusion_matrix(truth, r.predicted, 10);
  ClassificationReport rep = classification_report(cm);
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
  // the most confident mistakes
  std::vector<size_t> wrong;
  for (size_t i = 0; i < truth.size(); ++i)
    if (r.predicted[i] != truth[i]) wrong.push_back(i);
  std::sort(wrong.begin(), wrong.end(), [&](size_t a, size_t b) { return r.confidence[a] > r.confidence[b]; });
  std::printf("\nmost confident mistakes (test index: true → predicted, confidence)\n");
  for (size_t j = 0; j < std::min<size_t>(10, wrong.size()); ++j)
    std::printf("  #%d: %d → %d  %.3f\n", s.test[wrong[j]], truth[wrong[j]], r.predicted[wrong[j]],
                r.confidence[wrong[j]]);
  if (out_dir.empty()) return 0;
  auto open = [&](const std::string& name) {
    std::string f = out_dir + "/" + name;
    FILE* fp = std::fopen(f.c_str(), "w");
    if (!fp) throw FormatError("cannot write " + f);
    return fp;
  };
  FILE* f = open("confusion.csv");
  std::fprintf(f, "true\\predicted");
  for (int p = 0; p < 10; ++p) std::fprintf(f, ",%d", p);
  std::fprintf(f, "\n");
  for (int t = 0; t < 10; ++t) {
    std::fprintf(f, "%d", t);
    for (int p = 0; p < 10; ++p) std::fprintf(f, ",%ld", cm.at(t, p));
    std::fprintf(f, "\n");
  }
  std::fclose(f);
  f = open("report.csv");
  std::fprintf(f, "class,precision,recall,f1,support\n");
  for (int k = 0; k < 10; ++k)
    std::fprintf(f, "%d,%.6f,%.6f,%.6f,%ld\n", k, rep.precision[k], rep.recall[k], rep.f1[k], rep.support[k]);
  std::fprintf(f, "macro avg,%.6f,%.6f,%.6f,%ld\n", rep.macro_precision, rep.macro_recall, rep.macro_f1, cm.total());
  std::fprintf(f, "weighted avg,%.6f,%.6f,%.6f,%ld\n", rep.weighted_precision, rep.weighted_recall, rep.weighted_f1,
               cm.total());
  std::fclose(f);
  f = open("mistakes.csv");
  std::fprintf(f, "test_index,true,predicted,confidence\n");
  for (size_t i : wrong) std::fprintf(f, "%d,%d,%d,%.6f\n", s.test[i], truth[i], r.predicted[i], r.confidence[i]);
  std::fclose(f);
  // confusion matrix as a heatmap: 10×10 cells of 32 px, row-normalised, white → blue
  const int cell = 32, W = 10 * cell;
  std::vector<unsigned char> img(static_cast<size_t>(W) * W * 3);
  for (int t = 0; t < 10; ++t)
    for (int p = 0; p < 10; ++p) {
      const double v = std::sqrt(cm.row_normalized(t, p));  // sqrt: the rare confusions stay visible
      const unsigned char rr = static_cast<unsigned char>(255 - v * 255),
                          gg = static_cast<unsigned char>(255 - v * 141), bb = static_cast<unsigned char>(255 - v * 77);
      for (int y = 1; y < cell; ++y)
        for (int x = 1; x < cell; ++x) {
          unsigned char* px = &img[(static_cast<size_t>(t * cell + y) * W + p * cell + x) * 3];
          px[0] = rr, px[1] = gg, px[2] = bb;
        }
    }
  const std::string png = out_dir + "/confusion.png";
  if (!stbi_write_png(png.c_str(), W, W, 3, img.data(), W * 3)) throw FormatError("cannot write " + png);
  std::printf("\nwrote %s/confusion.csv, report.csv, mistakes.csv, confusion.png\n", out_dir.c_str());
  return 0;
}

// ------------------------------------------------------------------ compare
// A seed report's comparison (R0's Table V): its presets one after another with their own
// settings, the test accuracy measured after every epoch, and a table with the report's figure
// beside ours. "Epochs to converge" = the first epoch whose test accuracy is within 0.5 points of
// the last epoch's.
int cmd_compare(const std::string& which, const std::string& data_dir, int max_epochs) {
  std::vector<std::string> names = comparison_presets(which);
  Data data = load_mnist(data_dir);
  std::vector<ExperimentRun> rows;
  for (const std::string& name : names) {
    const Preset& p = find_preset(name);
    RunConfig rc = RunConfig::from_preset(p);
    if (max_epochs > 0) rc.train.epochs = std::min(rc.train.epochs, max_epochs);
    Model model = Model::from_text(rc.layers, Shape{1, 28, 28}, rc.init_seed);
    Split split =
        make_split(data.train, rc.subset, rc.val_frac, rc.test_frac, rc.train.seed, &data.test, rc.test_subset);
    const Dataset& test = split.test_from_train ? data.train : data.test;
    Normalizer norm = Normalizer::make(rc.norm, data.train, split.train);
    Trainer t(model, data.train, split, norm, rc.train);
    ExperimentRun run;
    t.on_epoch = [&](const EpochStats&) { run.test_accs.push_back(evaluate(model, test, split.test, norm).accuracy); };
    std::printf("%-18s training %d epoch(s)…\n", name.c_str(), rc.train.epochs);
    std::fflush(stdout);
    while (!t.finished()) t.step();
    if (t.state() == TrainState::Diverged) throw ConfigError(name + ": " + t.message());
    run.name = name;
    run.title = p.title;
    run.params = model.param_count();
    run.epochs = static_cast<int>(t.history().size());
    run.seconds = t.train_seconds();
    run.test_acc = evaluate(model, test, split.test, norm).accuracy;
    run.report_acc = p.report_accuracy;
    rows.push_back(run);
  }
  const int best = experiment_winner(rows);
  std::printf("\n%-46s %11s %7s %10s %10s %9s %9s  %s\n", "model", "parameters", "epochs", "converged", "train time",
              "test acc", "report", "winner");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ExperimentRun& r = rows[i];
    std::printf("%-46s %11s %7d %10d %9.1fs %8.2f%% %8.2f%%  %s\n", r.title.c_str(), with_commas(r.params).c_str(),
                r.epochs, r.converged(), r.seconds, 100 * r.test_acc, 100 * r.report_acc,
                static_cast<int>(i) == best ? "★" : "");
  }
  return 0;
}

// ------------------------------------------------------------------ init (determinism check)
int cmd_init(const std::string& layers, uint64_t seed, const std::string& load, const std::string& save) {
  Model m;
  if (!load.empty())
    m = load_model(load).model;
  else
    m = Model::from_text(layers, Shape{1, 28, 28}, seed);
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
  train->add_option("--save", save_path, "write the trained model (weights, optimizer state, history) to this file");
  std::string train_load;
  train->add_option("--load", train_load, "continue training a saved model");
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
  std::string report_load, report_out;
  int report_subset = 0;
  report->add_option("--load", report_load, "model file")->required();
  report->add_option("--test-subset", report_subset, "first N test images (0 = all)");
  report->add_option("--out", report_out, "also write CSV files and confusion.png into this folder");

  auto* compare =
      app.add_subcommand("compare", "run a seed report's comparison and print it beside the report's figures");
  std::string compare_which;
  int compare_epochs = 0;
  compare->add_option("report", compare_which, "r0 | r1-mlp | r1-cnn | r2 | r3")->required();
  compare->add_option("--max-epochs", compare_epochs, "cap every model's epochs (0 = the report's)");

  app.add_subcommand("presets", "list the model presets");

  auto* init = app.add_subcommand("init", "initialise a model and print a hash of its weights");
  uint64_t init_seed = 42;
  std::string init_preset = "r0-lenet5";
  init->add_option("--preset", init_preset, "model preset");
  std::string init_layers;
  init->add_option("--model", init_layers, "a layer list instead of a preset");
  init->add_option("--seed", init_seed, "initialisation seed");
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
      // precedence: preset < INI file < flags; a preset named in the file or by flag comes first
      RunConfig rc = resolve_run_config(ini, flag_values);
      if (dry_run) return print_settings(rc);
      bool keep_optimizer = true;
      for (const auto& src : {ini, flag_values})
        for (const char* k :
             {"training.optimizer", "training.learning_rate", "training.momentum", "training.weight_decay"})
          keep_optimizer &= !src.count(k);
      return cmd_train(rc, data_dir, save_path, train_load, keep_optimizer, !no_progress && isatty(2));
    }
    if (*evaluate_cmd) return cmd_evaluate(load_path, data_dir, eval_subset);
    if (*report) return cmd_report(report_load, data_dir, report_subset, report_out);
    if (*compare) return cmd_compare(compare_which, data_dir, compare_epochs);
    if (app.got_subcommand("presets")) {
      for (const Preset& p : presets())
        std::printf("%-18s %-44s %s\n    %s\n", p.name.c_str(), p.title.c_str(), p.report_note.c_str(),
                    p.layers.c_str());
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
    if (*init)
      return cmd_init(init_layers.empty() ? find_preset(init_preset).layers : init_layers, init_seed, init_load,
                      init_save);
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
