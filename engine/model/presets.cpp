#include "model/presets.h"

#include "core/error.h"
#include "layers/layer.h"

namespace bpl {

namespace {

const char* kLeNet5 =
    "conv(6, 5), relu, maxpool(2), conv(16, 5), relu, maxpool(2), flatten, "
    "dense(120), relu, dense(84), relu, dense(10)";

TrainConfig tc(OptimizerKind opt, double lr, int batch, int epochs, double momentum = 0.0) {
  TrainConfig c;
  c.optimizer.kind = opt;
  c.optimizer.lr = lr;
  if (momentum > 0) c.optimizer.momentum = momentum;
  c.batch = batch;
  c.epochs = epochs;
  return c;
}

// The layer list with init= on every weight layer that names none, so the text alone (in the app,
// a link, a file) builds the preset's initialisation.
std::string with_init(const std::string& layers, Init init) {
  std::string out;
  for (LayerSpec s : parse_layer_list(layers)) {
    if ((s.name == "dense" || s.name == "conv") && !s.kwargs.count("init")) s.kwargs["init"] = init_name(init);
    out += (out.empty() ? "" : ", ") + s.str();
  }
  return out;
}

// The reports' systems as their code or framework ran them: architecture, optimizer, learning
// rate, batch, epochs, split, normalisation, initialisation (PyTorch's default for the framework
// models) and the loss reduction (R1 sums over the batch). A stronger variant is its own preset,
// "… improved", and stays out of the reports' comparisons.
std::vector<Preset> build() {
  std::vector<Preset> p;
  auto add = [&p](Preset x, Init init = Init::Xavier, bool improved = false) -> Preset& {
    x.init = init;
    if (init != Init::Xavier) x.layers = with_init(x.layers, init);
    x.improved = improved;
    p.push_back(std::move(x));
    return p.back();
  };
  // R0: full MNIST, 80/20 train/validation split for both models (48,000 training images); its
  // figures are final validation accuracies. The MLP is NumPy (init not stated: Xavier), the
  // LeNet-5 PyTorch (its default initialisation).
  add({"r0-mlp", "MLP 784-128-10 (R0)", "R0 — NumPy MLP vs LeNet CNN", "dense(128), relu, dense(10)", NormKind::Unit, 0,
       0.2, 0.0, tc(OptimizerKind::Sgd, 0.01, 128, 50), 0.920, "92.0% validation, 180 s"});
  add({"r0-lenet5", "LeNet-5 (R0)", "R0 — NumPy MLP vs LeNet CNN", kLeNet5, NormKind::Unit, 0, 0.2, 0.0,
       tc(OptimizerKind::Adam, 0.001, 64, 10), 0.990, "99.0% validation, 120 s"},
      Init::PyTorch);
  // improved: all 60,000 images and Xavier's initialisation (99.0% on the test set)
  add({"r0-lenet5-improved", "LeNet-5, all 60,000 images, Xavier (R0 improved)", "R0 — NumPy MLP vs LeNet CNN", kLeNet5,
       NormKind::Unit, 0, 0.0, 0.0, tc(OptimizerKind::Adam, 0.001, 64, 10), 0.990, "99.0% validation, 120 s"},
      Init::Xavier, true);
  // R1: SGD lr 0.01, batch 128, and its NumPy code sums the gradient over the batch (∂L/∂W₂ =
  // hᵀ(ŷ − y), no 1/B): lr 0.01 on the sum = lr 1.28 on the mean.
  const double r1_mlp[] = {0.9569, 0.9694, 0.9679, 0.9701, 0.9640};
  const int widths[] = {32, 64, 128, 256, 512};
  for (int i = 0; i < 5; ++i) {
    std::string h = std::to_string(widths[i]);
    Preset& x = add({"r1-mlp-h" + h, "MLP 784-" + h + "-10 sigmoid (R1)", "R1 — MLP and CNN from scratch in NumPy",
                     "dense(" + h + "), sigmoid, dense(10)", NormKind::Unit, 0, 0.0, 0.0,
                     tc(OptimizerKind::Sgd, 0.01, 128, 100), r1_mlp[i], "100 epochs"});
    x.train.optimizer.reduction = Reduction::Sum;
  }
  // the CNN: ONE 3×3…11×11 kernel (valid, He) → ReLU → flatten → dense(10), 5 epochs
  const double r1_cnn[] = {0.9116, 0.9047, 0.9277, 0.9129, 0.9252};
  for (int i = 0; i < 5; ++i) {
    std::string k = std::to_string(3 + 2 * i);
    Preset& x =
        add({"r1-cnn-k" + k, "Single-kernel CNN " + k + "×" + k + " (R1)", "R1 — MLP and CNN from scratch in NumPy",
             "conv(1, " + k + ", init=he), relu, flatten, dense(10, init=he)", NormKind::Unit, 0, 0.0, 0.0,
             tc(OptimizerKind::Sgd, 0.01, 128, 5), r1_cnn[i], "5 epochs"});
    x.train.optimizer.reduction = Reduction::Sum;
  }
  // improved: the mean gradient at lr 0.1 (lr 0.01 on the sum, i.e. 1.28 on the mean, leaves the
  // single ReLU map dead within the first batches: 10% in every seed)
  for (int i = 0; i < 5; ++i) {
    std::string k = std::to_string(3 + 2 * i);
    add({"r1-cnn-k" + k + "-improved", "Single-kernel CNN " + k + "×" + k + ", mean gradient lr 0.1 (R1 improved)",
         "R1 — MLP and CNN from scratch in NumPy", "conv(1, " + k + ", init=he), relu, flatten, dense(10, init=he)",
         NormKind::Unit, 0, 0.0, 0.0, tc(OptimizerKind::Sgd, 0.1, 128, 5), r1_cnn[i], "5 epochs"},
        Init::Xavier, true);
  }
  // R2: by hand and with a framework, pixels in [0, 1]; the framework rows are PyTorch's
  add({"r2-mlp", "MLP 784-128-64-10 (R2)", "R2 — NN and CNN by hand and with a framework",
       "dense(128), relu, dense(64), relu, dense(10)", NormKind::Unit, 0, 0.0, 0.0, tc(OptimizerKind::Sgd, 0.1, 32, 20),
       0.9794, "97.94% test (by hand)"});
  add({"r2-mlp-momentum", "MLP 784-128-64-10, momentum (R2 framework)", "R2 — NN and CNN by hand and with a framework",
       "dense(128), relu, dense(64), relu, dense(10)", NormKind::Unit, 0, 0.0, 0.0,
       tc(OptimizerKind::Momentum, 0.01, 32, 20, 0.9), 0.9797, "97.97% test (framework)"},
      Init::PyTorch);
  const char* r2cnn =
      "conv(16, 3, pad=same), relu, maxpool(2), conv(32, 3, pad=same), relu, maxpool(2), flatten, dense(10)";
  // by hand: He's initialisation (plain SGD for 5 epochs learns faster from its larger initial
  // weights: 98.5% vs 98.05% with Xavier, same seed)
  add({"r2-cnn", "CNN 16-32 same (R2)", "R2 — NN and CNN by hand and with a framework",
       "conv(16, 3, pad=same, init=he), relu, maxpool(2), conv(32, 3, pad=same, init=he), relu, maxpool(2), "
       "flatten, dense(10, init=he)",
       NormKind::Unit, 0, 0.0, 0.0, tc(OptimizerKind::Sgd, 0.01, 16, 5), 0.9817, "98.17% test (by hand)"});
  // framework: Adam 1e-3, batch 32, 10 epochs, no schedule
  add({"r2-cnn-adam", "CNN 16-32 same, Adam (R2 framework)", "R2 — NN and CNN by hand and with a framework", r2cnn,
       NormKind::Unit, 0, 0.0, 0.0, tc(OptimizerKind::Adam, 0.001, 32, 10), 0.9877, "98.77% test (framework)"},
      Init::PyTorch);
  // improved: a step decay of the learning rate (× 0.3 every 4 epochs) and Xavier: 99.0%
  Preset& r2i = add({"r2-cnn-adam-improved", "CNN 16-32 same, Adam + step decay (R2 improved)",
                     "R2 — NN and CNN by hand and with a framework", r2cnn, NormKind::Unit, 0, 0.0, 0.0,
                     tc(OptimizerKind::Adam, 0.001, 32, 10), 0.9877, "98.77% test (framework)"},
                    Init::Xavier, true);
  r2i.train.schedule.kind = ScheduleKind::Step;
  r2i.train.schedule.step_epochs = 4;
  r2i.train.schedule.gamma = 0.3;
  // R3: PyTorch, normalize (0.5, 0.5), its default initialisation
  add({"r3-cnn", "CNN 32-64-128 + dropout (R3)", "R3 — framework CNN vs MLP, full evaluation",
       "conv(32, 3, pad=1), relu, maxpool(2), conv(64, 3, pad=1), relu, maxpool(2), flatten, dense(128), relu, "
       "dropout(0.5), dense(10)",
       NormKind::Symmetric, 0, 0.0, 0.0, tc(OptimizerKind::Adam, 0.001, 64, 10), 0.99, "99% test, 421,642 parameters"},
      Init::PyTorch);
  add({"r3-mlp", "MLP 784-128-10 (R3)", "R3 — framework CNN vs MLP, full evaluation", "dense(128), relu, dense(10)",
       NormKind::Symmetric, 0, 0.0, 0.0, tc(OptimizerKind::Adam, 0.001, 64, 10), 0.97, "97% test, 101,770 parameters"},
      Init::PyTorch);
  // R4: 1,000 images, 80/10/10, SGD, early stopping (from scratch: Xavier)
  Preset& r4 = add({"r4-lenet5", "LeNet-5 on 1,000 images (R4)", "R4 — LeNet-5 from scratch, 1,000-image subset",
                    kLeNet5, NormKind::Unit, 1000, 0.1, 0.1, tc(OptimizerKind::Sgd, 0.01, 16, 50), 0.85,
                    "val 0.85 (best 0.87), 63.7 s/epoch"});
  r4.train.early_stop_patience = 5;
  r4.train.early_stop_min_delta = 0.001;
  return p;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> p = build();
  return p;
}

const Preset& find_preset(const std::string& name) {
  for (const Preset& p : presets())
    if (p.name == name) return p;
  std::string names;
  for (const Preset& p : presets()) names += (names.empty() ? "" : ", ") + p.name;
  throw ConfigError("unknown preset \"" + name + "\" (known: " + names + ")");
}

}  // namespace bpl
