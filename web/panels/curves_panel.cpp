// Curves panel: loss and accuracy per epoch (train, validation, test) and the smoothed
// per-batch loss, with a log scale for the loss.
#include "panels/panels.h"
#include "widgets.h"

#include <algorithm>
#include <cmath>

namespace bpl::app {

void CurvesPanel(App& app) {
  bool log_loss = app.log_loss;
  if (ImGui::Checkbox("log scale for the loss", &log_loss)) app.set_log_loss(log_loss);
  ImGui::SameLine();
  HelpMarker(
      "Per epoch: training loss and accuracy are averaged over the epoch's batches (the weights change "
      "during the epoch); validation and test are measured after it. The thin line is the per-batch loss, "
      "smoothed with an exponential moving average (α = 0.05).");
  const auto& h = app.history();
  Series tl{"train", {}, {}, series_color(0), true}, vl{"validation", {}, {}, series_color(1), true},
      te{"test", {}, {}, series_color(2), true};
  Series ta = tl, va = vl, tea = te;
  for (const EpochRecord& r : h) {
    float e = static_cast<float>(r.stats.epoch);
    tl.x.push_back(e), tl.y.push_back(static_cast<float>(r.stats.train_loss));
    vl.x.push_back(e), vl.y.push_back(static_cast<float>(r.stats.val_loss));
    te.x.push_back(e), te.y.push_back(static_cast<float>(r.test_loss));
    ta.x.push_back(e), ta.y.push_back(static_cast<float>(r.stats.train_acc));
    va.x.push_back(e), va.y.push_back(static_cast<float>(r.stats.val_acc));
    tea.x.push_back(e), tea.y.push_back(static_cast<float>(r.test_acc));
  }
  // smoothed per-batch loss, x in epochs
  Series bl{"batch loss (smoothed)", {}, {}, series_color(3), false, 1.2f};
  if (Trainer* t = app.trainer()) {
    const auto& L = t->batch_losses();
    const float per_epoch = static_cast<float>(std::max(1, t->batches_per_epoch()));
    const size_t stride = std::max<size_t>(1, L.size() / 600);  // at most ~600 points drawn
    double ema = L.empty() ? 0 : L[0];
    for (size_t i = 0; i < L.size(); ++i) {
      ema = 0.95 * ema + 0.05 * L[i];
      if (i % stride == 0 || i + 1 == L.size()) {
        bl.x.push_back((i + 1) / per_epoch);
        bl.y.push_back(static_cast<float>(ema));
      }
    }
  }
  // at least a readable height each (the panel scrolls on a short screen)
  const float w = ImGui::GetContentRegionAvail().x,
              hgt = std::max(ImGui::GetFontSize() * 11.0f,
                             (ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y) * 0.5f);
  // one x range for both plots, so epoch 3 of the loss is above epoch 3 of the accuracy
  float x_max = 0;
  for (const Series* s : {&bl, &tl})
    if (!s->x.empty()) x_max = std::max(x_max, s->x.back());
  x_max = std::max(1.0f, x_max);
  PlotOptions lo;
  lo.x_label = "epoch";
  lo.y_label = "loss (cross-entropy)";
  lo.log_y = app.log_loss;
  lo.y_from_zero = true;
  lo.x_max = x_max;
  LinePlot("loss", {bl, tl, vl, te}, ImVec2(w, hgt), lo);
  PlotOptions ao;
  ao.x_label = "epoch";
  ao.y_label = "accuracy";
  ao.y_max_clamp = 1.0f;
  ao.value_format = "%.4f";
  ao.x_max = x_max;
  LinePlot("accuracy", {ta, va, tea}, ImVec2(w, hgt), ao);
}

}  // namespace bpl::app
