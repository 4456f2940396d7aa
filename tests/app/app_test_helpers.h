// Shared pieces of the App's tests: small synthetic IDX data sets, a recording platform, and
// an App loaded with data and a small model.
#pragma once

#include "app.h"
#include "core/rng.h"
#include "platform.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bpl::app::test {

inline void put_u32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// Digit k is a bright bar across rows 2 + 2k and 3 + 2k (a learnable picture), over noise.
inline void synthetic_idx(int count, uint64_t seed, std::vector<uint8_t>& images, std::vector<uint8_t>& labels) {
  Rng rng(seed);
  images.clear();
  labels.clear();
  put_u32(images, 0x00000803);
  put_u32(images, static_cast<uint32_t>(count));
  put_u32(images, 28);
  put_u32(images, 28);
  put_u32(labels, 0x00000801);
  put_u32(labels, static_cast<uint32_t>(count));
  for (int i = 0; i < count; ++i) {
    const int k = static_cast<int>(rng.below(10));
    labels.push_back(static_cast<uint8_t>(k));
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const bool bar = (y == 2 + 2 * k || y == 3 + 2 * k) && x >= 4 && x < 24;
        images.push_back(static_cast<uint8_t>(bar ? 200 + rng.below(56) : rng.below(40)));
      }
  }
}

// Every call the app made of its platform, in order.
class FakePlatform : public Platform {
 public:
  bool pickers = true, links = true, storage = true;
  std::vector<std::string> calls;
  std::vector<uint8_t> downloaded, stored;
  std::string download_name, shared_query, stored_query, stored_summary;
  const DataChoice* requested = nullptr;

  void request_dataset(const DataChoice& c) override {
    calls.push_back(std::string("dataset ") + c.train);
    requested = &c;
  }
  std::string download(const std::vector<uint8_t>& bytes, const std::string& name) override {
    calls.push_back("download " + name);
    downloaded = bytes;
    download_name = name;
    return "";
  }
  bool can_pick_files() const override { return pickers; }
  void pick_data_files() override { calls.push_back("pick data"); }
  void pick_model_file() override { calls.push_back("pick model"); }
  bool can_share_link() const override { return links; }
  void share_link(const std::string& q) override {
    calls.push_back("share");
    shared_query = q;
  }
  bool can_autosave() const override { return storage; }
  // the Runs list's storage: every write is recorded; the test answers it (App::run_stored)
  std::string stored_id, stored_facts;
  void store_run(const std::string& id, const std::string& facts, const std::vector<uint8_t>& bytes,
                 const std::string& q) override {
    calls.push_back("autosave");
    stored_id = id;
    stored_facts = facts;
    stored = bytes;
    stored_query = q;
    stored_summary = nlohmann::json::parse(facts).value("summary", "");
  }
  void delete_run(const std::string& id) override { calls.push_back("delete " + id); }
  void rename_run(const std::string& id, const std::string& name) override {
    calls.push_back("rename " + id + " " + name);
  }
  void open_run(const std::string& id) override { calls.push_back("open " + id); }
  void download_run(const std::string& id, const std::string& file) override {
    calls.push_back("download run " + id + " " + file);
  }
};

// Hand the app a synthetic data set of n_train + n_test images.
inline void give_synthetic_data(App& app, int n_train = 400, int n_test = 100) {
  std::vector<uint8_t> img, lab;
  synthetic_idx(n_train, 7, img, lab);
  app.receive_idx(0, img.data(), img.size(), "train images");
  app.receive_idx(1, lab.data(), lab.size(), "train labels");
  synthetic_idx(n_test, 8, img, lab);
  app.receive_idx(2, img.data(), img.size(), "test images");
  app.receive_idx(3, lab.data(), lab.size(), "test labels");
}

// A small MLP on the synthetic data: plain SGD, a few epochs that take milliseconds.
inline void small_model(App& app, const std::string& layers = "dense(16), relu, dense(10)") {
  app.layers_text = layers;
  app.cfg.train.optimizer.kind = OptimizerKind::Sgd;
  app.cfg.train.optimizer.lr = 0.1;
  app.cfg.train.optimizer.momentum = 0;
  app.cfg.train.optimizer.weight_decay = 0;
  app.cfg.train.batch = 16;
  app.cfg.train.epochs = 3;
  app.revalidate();
  app.reset();
}

// Run frames of training until the state leaves Running (or a safety limit of ticks).
inline int train_until_stopped(App& app, int max_ticks = 100000) {
  int ticks = 0;
  while (app.state() == RunState::Running && ticks < max_ticks) {
    app.tick(5.0);
    ++ticks;
  }
  while (app.evaluating()) app.background(1e9);
  return ticks;
}

inline std::vector<Matrix> weights_of(App& app) {
  return app.model().snapshot().value;
}

}  // namespace bpl::app::test
