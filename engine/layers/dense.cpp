#include "layers/dense.h"

#include "core/error.h"
#include "core/gemm.h"

namespace bpl {

std::unique_ptr<Layer> Dense::from_spec(const LayerSpec& s) {
  spec_check(s, 1, {"units", "init"});
  int units = spec_int(s, 0, "units", -1, 1, 100000);
  if (units < 0) throw ConfigError("dense: the number of units is missing, e.g. dense(128)");
  return std::make_unique<Dense>(units, parse_init(spec_string(s, 99, "init", s.default_init)));
}

std::string Dense::spec() const {
  return "dense(" + std::to_string(units_) + (init_ == Init::Xavier ? "" : std::string(", init=") + init_name(init_)) +
         ")";
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
  init_bias(b_.value, init_, static_cast<int>(in.size()), rng);
  return out_;
}

void Dense::forward(const Matrix& x, Matrix& y, Mode) {
  y.noalias() = W_.value * x;      // z = W·x
  y.colwise() += b_.value.col(0);  //     + b
}

// Evaluation of a batch (Model::forward_chunked): the same sums, W·x + b. Eigen 3.4 has no
// WebAssembly SIMD code, so there the product runs on gemm_abt's f32x4 kernel (8 outputs × 4
// images per step: every weight loaded serves 4 images), on a transposed copy of x; natively
// Eigen's GEMM, as forward. relu: max(0, ·) as the bias is added.
void Dense::infer_gemm(const Matrix& x, Matrix& y, bool relu) {
  const int B = static_cast<int>(x.cols()), in = static_cast<int>(x.rows());
  if (gemm_abt_is_simd() && units_ >= 16) {
    xt_ = x.transpose();
    y.resize(units_, B);
    gemm_abt(W_.value.data(), units_, xt_.data(), B, y.data(), units_, units_, B, in);  // y = W · (xᵀ)ᵀ
  } else if (gemm_abt_is_simd()) {  // few outputs (a classifier's 10): the kernel's 8 rows run over images
    xt_ = x.transpose();
    yt_.resize(B, units_);
    gemm_abt(xt_.data(), B, W_.value.data(), units_, yt_.data(), B, B, units_, in);  // yᵀ = xᵀ · Wᵀ
    y = yt_.transpose();
  } else {
    y.noalias() = W_.value * x;
  }
  const float* b = b_.value.data();
  for (int n = 0; n < B; ++n) {
    float* yn = y.col(n).data();
    if (relu)
      for (int i = 0; i < units_; ++i) {
        const float z = yn[i] + b[i];
        yn[i] = z > 0.0f ? z : 0.0f;
      }
    else
      for (int i = 0; i < units_; ++i) yn[i] += b[i];
  }
}

void Dense::infer(const Matrix& x, Matrix& y) {
  infer_gemm(x, y, false);
}

bool Dense::infer_relu(const Matrix& x, Matrix& y) {
  infer_gemm(x, y, true);
  return true;
}

void Dense::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  W_.grad.noalias() = dy * x.transpose();             // ∂L/∂W = ∂L/∂y · xᵀ
  b_.grad = dy.rowwise().sum();                       // ∂L/∂b = Σ_n ∂L/∂y
  if (dx) dx->noalias() = W_.value.transpose() * dy;  // ∂L/∂x = Wᵀ · ∂L/∂y
}

// ---- the plain loops of the equations (the reference the GEMM path is tested against)
void Dense::forward_reference(const Matrix& x, Matrix& y, Mode) {
  y.resize(units_, x.cols());
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int i = 0; i < units_; ++i) {
      double sum = b_.value(i, 0);
      for (Eigen::Index j = 0; j < x.rows(); ++j)
        sum += static_cast<double>(W_.value(i, j)) * x(j, n);  // Σⱼ W[i,j]·x[j] + b[i]
      y(i, n) = static_cast<float>(sum);
    }
}

void Dense::backward_reference(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  const Eigen::Index B = x.cols(), in = x.rows();
  for (int i = 0; i < units_; ++i) {
    double db = 0;
    for (Eigen::Index n = 0; n < B; ++n) db += dy(i, n);  // ∂L/∂b[i] = Σₙ ∂L/∂y[i]
    b_.grad(i, 0) = static_cast<float>(db);
    for (Eigen::Index j = 0; j < in; ++j) {
      double dw = 0;
      for (Eigen::Index n = 0; n < B; ++n) dw += static_cast<double>(dy(i, n)) * x(j, n);  // Σₙ ∂L/∂y[i]·x[j]
      W_.grad(i, j) = static_cast<float>(dw);
    }
  }
  if (!dx) return;
  dx->resize(in, B);
  for (Eigen::Index n = 0; n < B; ++n)
    for (Eigen::Index j = 0; j < in; ++j) {
      double sum = 0;
      for (int i = 0; i < units_; ++i) sum += static_cast<double>(W_.value(i, j)) * dy(i, n);  // Σᵢ W[i,j]·∂L/∂y[i]
      (*dx)(j, n) = static_cast<float>(sum);
    }
}

// ---- the lesson
std::vector<ParamRole> Dense::param_roles() const {
  return {{"W", "weights", ParamLayout::Matrix}, additive_role("b", "biases")};
}

Lesson Dense::lesson(const TensorNames& n) const {
  const std::string W = "W" + n.L, b = "b" + n.L;
  return {n.y + " = " + W + " · " + n.x + " + " + b,
          "∂L/∂" + W + " = " + n.dy() + " · " + n.x + "ᵀ,   ∂L/∂" + b + " = Σₙ " + n.dy() + ",   " + n.dx() + " = " +
              W + "ᵀ · " + n.dy(),
          "Each output is a weighted sum of all inputs plus a bias.",
          "Chain rule through " + n.y + " = W·" + n.x +
              " + b: the weight gradient is an outer product, the input gradient "
              "flows back through Wᵀ."};
}

namespace {
std::string ij(long i, long j) {
  return "[" + std::to_string(i) + ", " + std::to_string(j) + "]";
}
}  // namespace

Explanation Dense::explain_forward(const StepValues& v, int s, long k) const {
  const Matrix& W = *v.w[0];
  const std::string& Wn = v.param_names[0];
  ProductSum sum;
  for (long j = 0; j < W.cols(); ++j) sum.add(W(k, j), v.x(j, s), Wn + ij(k, j) + " · " + v.x_at(j));
  Explanation e;
  return sum.explain(e,
                     v.y_at(k) + " = Σⱼ " + Wn + "[" + std::to_string(k) + ", j]·" + v.names.x + "[j] + " +
                         v.param_names[1] + "[" + std::to_string(k) + "]",
                     v.y(k, s), " + {}", {(*v.w[1])(k, 0)});
}

Explanation Dense::explain_backward(const StepValues& v, int what, int s, long k) const {
  Explanation e;
  const int B = v.batch;
  if (what == 0 || what == 1) {  // ∂L/∂W[i, j] = Σₙ ∂L/∂y[i]ₙ · x[j]ₙ,   ∂L/∂b[i] = Σₙ ∂L/∂y[i]ₙ
    const long rows = v.w[what]->rows(), i = k % rows, j = k / rows;
    const std::string name = "∂L/∂" + v.param_names[what] + (what == 0 ? ij(i, j) : "[" + std::to_string(i) + "]");
    ProductSum sum;
    for (int n = 0; n < B; ++n)
      sum.add(v.dy(i, n), what == 0 ? v.x(j, n) : 1.0,
              v.dy_at(i) + " · " + (what == 0 ? v.x_at(j) : "1") + " of sample " + std::to_string(n));
    const std::string sym = what == 0 ? v.dy_at(i) + " · " + v.x_at(j) : v.dy_at(i) + " · 1";
    sum.explain(e, name + " = " + (B > 1 ? "Σₙ " : "") + sym, (*v.dw[what])(i, j));
    if (B > 1) e.say("a sum over the " + std::to_string(B) + " samples of the batch", true);
    return e;
  }
  const Matrix& W = *v.w[0];
  ProductSum sum;
  for (long i = 0; i < W.rows(); ++i) sum.add(W(i, k), v.dy(i, s), v.param_names[0] + ij(i, k) + " · " + v.dy_at(i));
  return sum.explain(
      e, v.dx_at(k) + " = Σᵢ " + v.param_names[0] + "[i, " + std::to_string(k) + "] · " + v.names.dy() + "[i]",
      v.dx(k, s));
}

}  // namespace bpl
