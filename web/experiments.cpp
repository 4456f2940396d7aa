#include "experiments.h"

#include "io/run_config.h"
#include "model/presets.h"

#include <algorithm>

namespace bpl::app {

void Experiments::start(const TrainingSession& s) {
  if (!s.data_ready()) return;
  runs.clear();
  total_epochs.clear();
  message.clear();
  queue.clear();
  try {
    for (const std::string& name : comparison_presets(comparison_names()[which], improved))
      for (int k = 0; k < seeds; ++k) queue.push_back({name, k});
  } catch (const std::exception& e) {
    message = e.what();
    return;
  }
  std::reverse(queue.begin(), queue.end());  // popped from the back
  trainer_.reset();
  running = true;
}

void Experiments::stop() {
  running = false;
  trainer_.reset();
  model_.reset();
  queue.clear();
  if (!runs.empty() && runs.back().epochs == 0) runs.pop_back();
  message = "stopped";
}

void Experiments::tick(const TrainingSession& s, double budget_ms) {
  if (!running) return;
  const Dataset& train = s.train_data();
  const Dataset& test = s.test_data();
  try {
    if (!trainer_) {
      if (queue.empty()) {
        running = false;
        message = "done";
        return;
      }
      const Preset& p = find_preset(queue.back().preset);
      const int seed = queue.back().seed;
      queue.pop_back();
      RunConfig rc = RunConfig::from_preset(p);
      // seed k: the preset's seeds + k for the initialisation and the split and shuffle (`bpl compare --seeds`)
      rc.init_seed += static_cast<uint64_t>(seed);
      rc.train.seed += static_cast<uint64_t>(seed);
      if (max_epochs > 0) rc.train.epochs = std::min(rc.train.epochs, max_epochs);
      // each preset's own settings on the data loaded in the app (its subset if smaller)
      model_ = std::make_unique<Model>(Model::from_text(rc.layers, Shape{1, 28, 28}, rc.init_seed));
      split_ = make_split(train, std::min(rc.subset, train.size()), rc.val_frac, 0.0, rc.train.seed, &test, 0);
      norm_ = Normalizer::make(rc.norm, train, split_.train);
      trainer_ = std::make_unique<Trainer>(*model_, train, split_, norm_, rc.train);
      trainer_->set_sliced_validation(true);
      ExperimentRun run;
      run.name = p.name;
      run.title = p.title;
      run.params = model_->param_count();
      run.report_acc = p.report_accuracy;
      run.seed = seed;
      runs.push_back(run);
      total_epochs.push_back(rc.train.epochs);
      trainer_->on_epoch = [this, &test](const EpochStats& st) {
        ExperimentRun& r = runs.back();
        r.test_accs.push_back(evaluate(*model_, test, split_.test, norm_).accuracy);
        r.val_accs.push_back(st.val_acc);
        r.epochs = st.epoch;
        r.test_acc = r.test_accs.back();
      };
    }
    trainer_->run_for_ms(budget_ms);
    runs.back().seconds = trainer_->train_seconds();
    if (trainer_->finished()) {
      if (trainer_->state() == TrainState::Diverged) {  // a result too: shown, left out of the mean
        runs.back().diverged = true;
        message = runs.back().name + ": " + trainer_->message();
      }
      trainer_.reset();
      model_.reset();
    }
  } catch (const std::exception& e) {
    message = e.what();
    running = false;
    trainer_.reset();
  }
}

}  // namespace bpl::app
