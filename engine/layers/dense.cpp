#include "layers/dense.h"

#include "core/error.h"

namespace bpl {

std::unique_ptr<Layer> Dense::from_spec(const LayerSpec& s) {
  spec_check(s, 1, {"units", "init"});
  int units = spec_int(s, 0, "units", -1, 1, 100000);
  if (units < 0) throw ConfigError("dense: the number of units is missing, e.g. dense(128)");
  return std::make_unique<Dense>(units, parse_init(spec_string(s, 99, "init", "xavier")));
}

std::string Dense::spec() const {
  return "dense(" + std::to_string(units_) + (init_ == Init::Xavier ? "" : ", init=he") + ")";
}

std::string Dense::describe() const {
  return "Dense " + std::to_string(in_.size()) + "→" + std::to_string(units_);
}

Shape Dense::setup(const Shape& in, Rng& rng) {
  in_ = in;
  out_ = Shape{units_, 1, 1};
  if (in.size() > 20'000'000 / units_)
    throw ConfigError("dense(" + std::to_string(units_) + "): " + std::to_string(in.size()) + "×" +
                      std::to_string(units_) + " weights is more than the 20 million this lab allows");
  W_.resize(units_, static_cast<int>(in.size()));
  b_.resize(units_, 1);
  b_.decay = false;
  init_weights(W_.value, init_, static_cast<int>(in.size()), units_, rng);
  return out_;
}

void Dense::forward(const Matrix& x, Matrix& y, Mode) {
  y.noalias() = W_.value * x;                       // z = W·x
  y.colwise() += b_.value.col(0);                   //     + b
}

void Dense::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  W_.grad.noalias() = dy * x.transpose();           // ∂L/∂W = ∂L/∂y · xᵀ
  b_.grad = dy.rowwise().sum();                     // ∂L/∂b = Σ_n ∂L/∂y
  if (dx) dx->noalias() = W_.value.transpose() * dy;  // ∂L/∂x = Wᵀ · ∂L/∂y
}

}  // namespace bpl
