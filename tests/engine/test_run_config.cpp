#include "core/error.h"
#include "io/run_config.h"

#include <catch2/catch.hpp>

using namespace bpl;

TEST_CASE("INI config: R4's file parses and applies over the preset", "[config]") {
  auto ini = parse_ini(
      "# R4 config\n[model]\npreset = r4-lenet5\n\n[training]\nepochs = 50\nbatch_size=16\n"
      "learning_rate = 0.2 ; the default in R4's config\nearly_stop_patience = 5\nearly_stop_min_delta = 0.001\n"
      "[data]\nsubset = 1000\nval_fraction = 0.1\n");
  CHECK(ini.at("training.learning_rate") == "0.2");
  RunConfig rc = RunConfig::from_preset(find_preset(ini.at("model.preset")));
  CHECK(rc.test_frac == Approx(0.1));  // the preset's, which the file does not set
  // R4's preset already holds most of the file's values: move them away first, so that each
  // check below sees the file's value arrive (a key ignored by apply_setting would fail)
  rc.train.optimizer.lr = 0.5;
  rc.train.epochs = 1;
  rc.train.batch = 1;
  rc.train.early_stop_patience = 0;
  rc.train.early_stop_min_delta = 0.0;
  rc.subset = 0;
  rc.val_frac = 0.0;
  for (const auto& [k, v] : ini)
    if (k != "model.preset") apply_setting(rc, k, v);
  CHECK(rc.train.optimizer.lr == Approx(0.2));
  CHECK(rc.train.epochs == 50);
  CHECK(rc.train.batch == 16);
  CHECK(rc.train.early_stop_patience == 5);
  CHECK(rc.train.early_stop_min_delta == Approx(0.001));
  CHECK(rc.subset == 1000);
  CHECK(rc.val_frac == Approx(0.1));
  CHECK(rc.test_frac == Approx(0.1));  // still the preset's
}

TEST_CASE("INI config: unknown sections and keys, bad syntax and bad values are refused", "[config]") {
  CHECK_THROWS_WITH(parse_ini("[training]\nepocs = 3\n"),
                    Catch::Contains("line 2") && Catch::Contains("unknown key \"epocs\""));
  CHECK_THROWS_WITH(parse_ini("[optim]\nlr = 3\n"), Catch::Contains("unknown section [optim]"));
  CHECK_THROWS_WITH(parse_ini("epochs = 3\n"), Catch::Contains("before any [section]"));
  CHECK_THROWS_WITH(parse_ini("[training\n"), Catch::Contains("no closing ]"));
  CHECK_THROWS_WITH(parse_ini("[training]\nepochs\n"), Catch::Contains("key = value"));
  CHECK_THROWS_WITH(parse_ini("[training]\nepochs=1\nepochs=2\n"), Catch::Contains("given twice"));
  RunConfig rc;
  CHECK_THROWS_WITH(apply_setting(rc, "training.epochs", "-1"), Catch::Contains("out of range [0, 10000]"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.epochs", "10001"), Catch::Contains("out of range [0, 10000]"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.batch_size", "ten"), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.learning_rate", "0"), Catch::Contains("(0, 10]"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.learning_rate", "-1e-3"), Catch::Contains("(0, 10]"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.optimizer", "rmsprop"), Catch::Contains("unknown"));
  CHECK_THROWS_WITH(apply_setting(rc, "data.normalize", "zscore"), Catch::Contains("unknown"));
  CHECK_THROWS_WITH(apply_setting(rc, "model.layers", "dense(10"), Catch::Contains("parenthes"));
  CHECK_THROWS_WITH(apply_setting(rc, "model.preset", "lenet"), Catch::Contains("unknown preset"));
  CHECK_THROWS_WITH(apply_setting(rc, "training.restore_best", "maybe"), Catch::Contains("true or false"));
}
