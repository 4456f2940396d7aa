#include "layers/batchnorm.h"

#include "core/error.h"
#include "core/format.h"

#include <cmath>
#include <cstdio>

namespace bpl {

std::unique_ptr<Layer> BatchNorm::from_spec(const LayerSpec& s) {
  spec_check(s, 0, {"momentum", "eps"});
  return std::make_unique<BatchNorm>(spec_double(s, 99, "momentum", 0.1, 0.0, 1.0),
                                     spec_double(s, 99, "eps", 1e-5, 1e-12, 1.0));
}

std::string BatchNorm::spec() const {
  if (momentum_ == 0.1 && eps_ == 1e-5) return "batchnorm";
  return "batchnorm(momentum=" + exact_number(momentum_) + ", eps=" + exact_number(eps_) + ")";
}

std::string BatchNorm::describe() const {
  return "BatchNorm per " + std::string(in_.is_flat() ? "feature" : "channel") + " (" + std::to_string(in_.c) + ")";
}

Shape BatchNorm::setup(const Shape& in, Rng&) {
  in_ = out_ = in;
  gamma_.resize(in.c, 1);
  beta_.resize(in.c, 1);
  gamma_.value.setOnes();  // start as the identity: x̂ scaled by 1, shifted by 0
  gamma_.decay = beta_.decay = false;
  running_mean_.setZero(in.c, 1);
  running_var_.setOnes(in.c, 1);
  return out_;
}

BatchNorm::Stats BatchNorm::running_stats(int c) const {
  Stats s;
  s.mean = running_mean_(c, 0);
  s.var = std::max(0.0, static_cast<double>(running_var_(c, 0)));  // a file's σ² is never negative here
  s.inv_std = 1.0 / std::sqrt(s.var + eps_);
  return s;
}

BatchNorm::Stats BatchNorm::batch_stats(const Matrix& x, int c) const {
  const long P = static_cast<long>(in_.h) * in_.w, N = count(x);
  double sum = 0;
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (long p = 0; p < P; ++p) sum += x(c * P + p, n);
  Stats s;
  s.mean = sum / N;  // μ = (1/N) Σ x
  double sq = 0;
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (long p = 0; p < P; ++p) {
      const double d = x(c * P + p, n) - s.mean;
      sq += d * d;
    }
  s.var = sq / N;                             // σ² = (1/N) Σ (x − μ)²
  s.inv_std = 1.0 / std::sqrt(s.var + eps_);  // 1 / √(σ² + ε)
  return s;
}

void BatchNorm::forward(const Matrix& x, Matrix& y, Mode mode) {
  const long P = static_cast<long>(in_.h) * in_.w, N = count(x);
  y.resize(x.rows(), x.cols());
  last_train_ = mode == Mode::Train;
  stats_.resize(in_.c);
  for (int c = 0; c < in_.c; ++c) {
    // training: this batch's statistics (and the running ones move towards them); evaluation:
    // the running statistics. Either way backward reads the ones used here.
    const Stats s = stats_[c] = last_train_ ? batch_stats(x, c) : running_stats(c);
    // one value per channel (N = 1) says nothing about the spread: the running statistics stay
    if (last_train_ && N > 1) {
      const double unbiased = s.var * N / (N - 1);
      running_mean_(c, 0) = static_cast<float>((1 - momentum_) * running_mean_(c, 0) + momentum_ * s.mean);
      running_var_(c, 0) = static_cast<float>((1 - momentum_) * running_var_(c, 0) + momentum_ * unbiased);
    }
    const double g = gamma_.value(c, 0), b = beta_.value(c, 0);
    for (Eigen::Index n = 0; n < x.cols(); ++n)
      for (long p = 0; p < P; ++p)
        y(c * P + p, n) = static_cast<float>(g * ((x(c * P + p, n) - s.mean) * s.inv_std) + b);  // y = γ·x̂ + β
  }
}

void BatchNorm::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  const long P = static_cast<long>(in_.h) * in_.w, N = count(x);
  if (dx) dx->resize(x.rows(), x.cols());
  for (int c = 0; c < in_.c; ++c) {
    const Stats& s = stats_[c];
    double sum_dy = 0, sum_dy_xhat = 0;
    for (Eigen::Index n = 0; n < x.cols(); ++n)
      for (long p = 0; p < P; ++p) {
        const double xhat = (x(c * P + p, n) - s.mean) * s.inv_std;
        sum_dy += dy(c * P + p, n);              // ∂L/∂β = Σ ∂L/∂y
        sum_dy_xhat += dy(c * P + p, n) * xhat;  // ∂L/∂γ = Σ ∂L/∂y · x̂
      }
    beta_.grad(c, 0) = static_cast<float>(sum_dy);
    gamma_.grad(c, 0) = static_cast<float>(sum_dy_xhat);
    if (!dx) continue;
    const double g = gamma_.value(c, 0);
    for (Eigen::Index n = 0; n < x.cols(); ++n)
      for (long p = 0; p < P; ++p) {
        const double xhat = (x(c * P + p, n) - s.mean) * s.inv_std;
        if (last_train_)  // ∂L/∂x = γ/(N·√(σ²+ε)) · (N·∂L/∂y − Σ∂L/∂y − x̂·Σ(∂L/∂y·x̂))
          (*dx)(c * P + p, n) =
              static_cast<float>(g * s.inv_std / N * (N * dy(c * P + p, n) - sum_dy - xhat * sum_dy_xhat));
        else  // evaluation: μ and σ² are constants, ∂L/∂x = γ·∂L/∂y / √(σ² + ε)
          (*dx)(c * P + p, n) = static_cast<float>(g * s.inv_std * dy(c * P + p, n));
      }
  }
}

// ---- the reference: the textbook chain rule through μ and σ², written out term by term
void BatchNorm::forward_reference(const Matrix& x, Matrix& y, Mode mode) {
  forward(x, y, mode);
}

void BatchNorm::backward_reference(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  const long P = static_cast<long>(in_.h) * in_.w, N = count(x);
  if (dx) dx->resize(x.rows(), x.cols());
  for (int c = 0; c < in_.c; ++c) {
    const Stats s = last_train_ ? batch_stats(x, c) : running_stats(c);
    const double g = gamma_.value(c, 0);
    // after an evaluation forward μ and σ² are constants: only the first term of ∂L/∂x remains
    const double through_stats = last_train_ ? 1.0 : 0.0;
    // ∂L/∂x̂ = ∂L/∂y·γ;  ∂L/∂σ² = Σ ∂L/∂x̂·(x − μ)·(−½)(σ²+ε)^(−3/2);  ∂L/∂μ = Σ −∂L/∂x̂ / √(σ²+ε)
    double dvar = 0, dmean = 0, dgamma = 0, dbeta = 0;
    for (Eigen::Index n = 0; n < x.cols(); ++n)
      for (long p = 0; p < P; ++p) {
        const double xm = x(c * P + p, n) - s.mean, d = dy(c * P + p, n);
        dvar += through_stats * d * g * xm * -0.5 * std::pow(s.var + eps_, -1.5);
        dmean += through_stats * -d * g * s.inv_std;
        dgamma += d * xm * s.inv_std;
        dbeta += d;
      }
    gamma_.grad(c, 0) = static_cast<float>(dgamma);
    beta_.grad(c, 0) = static_cast<float>(dbeta);
    if (!dx) continue;
    for (Eigen::Index n = 0; n < x.cols(); ++n)
      for (long p = 0; p < P; ++p) {  // ∂L/∂x = ∂L/∂x̂/√(σ²+ε) + ∂L/∂σ²·2(x − μ)/N + ∂L/∂μ/N
        const double xm = x(c * P + p, n) - s.mean;
        (*dx)(c * P + p, n) = static_cast<float>(dy(c * P + p, n) * g * s.inv_std + dvar * 2 * xm / N + dmean / N);
      }
  }
}

// ---- the lesson
std::vector<ParamRole> BatchNorm::param_roles() const {
  return {{"γ", "scale", ParamLayout::Vector}, additive_role("β", "shift")};
}

Lesson BatchNorm::lesson(const TensorNames& n) const {
  const std::string over = in_.is_flat() ? "over the batch" : "over the batch and every position of the channel";
  const std::string c = in_.is_flat() ? "[j]" : "[c]";
  return {
      n.y + " = γ" + n.L + c + " · (" + n.x + " − μ" + c + ") / √(σ²" + c + " + ε) + β" + n.L + c + ",   μ, σ² " + over,
      "∂L/∂γ" + n.L + " = Σ " + n.dy() + " · x̂,   ∂L/∂β" + n.L + " = Σ " + n.dy() + ",   " + n.dx() + " = γ" + n.L + c +
          " / (N·√(σ²" + c + " + ε)) · (N·" + n.dy() + " − Σ " + n.dy() + " − x̂ · Σ " + n.dy() + "·x̂)",
      "Each " + std::string(in_.is_flat() ? "feature" : "channel") +
          " is shifted to mean 0 and scaled to variance 1 over the batch, then γ and β set its scale and shift.",
      "Every value of the batch moved μ and σ², so each input's gradient also collects the two batch sums."};
}

Explanation BatchNorm::explain_forward(const StepValues& v, int s, long k) const {
  const int c = channel_of(k);
  const Stats st = batch_stats(v.x, c);
  const std::string cc = "[" + std::to_string(c) + "]";
  Explanation e;
  e.say("μ" + cc + " = " + format_number(st.mean, 9) + ",   σ²" + cc + " = " + format_number(st.var, 9) + "   (" +
        std::to_string(count(v.x)) + " values of the batch)\n");
  return e.calc(v.y_at(k) + " = " + v.param_names[0] + cc + " · (" + v.x_at(k) + " − μ" + cc + ") / √(σ²" + cc +
                    " + ε) + " + v.param_names[1] + cc,
                "{} · ({} − {}) / √({} + {}) + {}",
                {(*v.w[0])(c, 0), v.x(k, s), st.mean, st.var, eps_, (*v.w[1])(c, 0)}, v.y(k, s));
}

Explanation BatchNorm::explain_backward(const StepValues& v, int what, int s, long k) const {
  const long P = static_cast<long>(in_.h) * in_.w, N = count(v.x);
  const int c = what < 0 ? channel_of(k) : static_cast<int>(k);
  const Stats st = batch_stats(v.x, c);
  double sum_dy = 0, sum_dy_xhat = 0;
  for (Eigen::Index n = 0; n < v.x.cols(); ++n)
    for (long p = 0; p < P; ++p) {
      sum_dy += v.dy(c * P + p, n);
      sum_dy_xhat += v.dy(c * P + p, n) * (v.x(c * P + p, n) - st.mean) * st.inv_std;
    }
  const std::string cc = "[" + std::to_string(c) + "]", N_ = std::to_string(N);
  Explanation e;
  if (what == 0)
    return e.calc("∂L/∂" + v.param_names[0] + cc + " = Σ " + v.names.dy() + " · x̂ over " + N_ + " values", "{}",
                  {sum_dy_xhat}, (*v.dw[0])(c, 0));
  if (what == 1)
    return e.calc("∂L/∂" + v.param_names[1] + cc + " = Σ " + v.names.dy() + " over " + N_ + " values", "{}", {sum_dy},
                  (*v.dw[1])(c, 0));
  const double xhat = (v.x(k, s) - st.mean) * st.inv_std;
  e.say("x̂ = (" + v.x_at(k) + " − μ" + cc + ") / √(σ²" + cc + " + ε) = " + format_number(xhat, 9) + ",   Σ " +
        v.names.dy() + " = " + format_number(sum_dy, 9) + ",   Σ " + v.names.dy() +
        "·x̂ = " + format_number(sum_dy_xhat, 9) + ",   N = " + N_ + "\n");
  return e.calc(v.dx_at(k) + " = " + v.param_names[0] + cc + " / (N·√(σ²" + cc + " + ε)) · (N·" + v.dy_at(k) + " − Σ " +
                    v.names.dy() + " − x̂·Σ " + v.names.dy() + "·x̂)",
                "{} / ({} · √({} + {})) · ({} · {} − {} − {} · {})",
                {(*v.w[0])(c, 0), static_cast<double>(N), st.var, eps_, static_cast<double>(N), v.dy(k, s), sum_dy,
                 xhat, sum_dy_xhat},
                v.dx(k, s));
}

}  // namespace bpl
