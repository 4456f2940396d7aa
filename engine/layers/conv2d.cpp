#include "layers/conv2d.h"

#include "core/direct_conv.h"
#include "core/error.h"
#include "core/gemm.h"

#include <cmath>
#include <cstring>

namespace bpl {

Conv2D::Conv2D(int filters, int kh, int kw, int stride, std::string pad, Init init)
    : filters_(filters), kh_(kh), kw_(kw), stride_(stride), pad_(std::move(pad)), init_(init) {}

std::unique_ptr<Layer> Conv2D::from_spec(const LayerSpec& s) {
  spec_check(s, 2, {"filters", "kernel", "stride", "pad", "init"});
  int filters = spec_int(s, 0, "filters", -1, 1, 1024);
  if (filters < 0) throw ConfigError("conv: the number of filters is missing, e.g. conv(6, 5)");
  std::string k = spec_string(s, 1, "kernel", "");
  if (k.empty()) throw ConfigError("conv: the kernel size is missing, e.g. conv(6, 5) or conv(6, 3x5)");
  int kh = 0, kw = 0;
  size_t xpos = k.find('x');
  auto whole = [&](const std::string& t) {
    char* end = nullptr;
    long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || v < 1 || v > 11)
      throw ConfigError("conv: kernel size \"" + k + "\" must be 1 to 11 (or HxW, e.g. 3x5)");
    return static_cast<int>(v);
  };
  if (xpos == std::string::npos) {
    kh = kw = whole(k);
  } else {
    kh = whole(k.substr(0, xpos));
    kw = whole(k.substr(xpos + 1));
  }
  int stride = spec_int(s, 99, "stride", 1, 1, 8);
  std::string pad = spec_string(s, 99, "pad", "valid");
  if (pad != "valid" && pad != "same") {
    char* end = nullptr;
    long p = std::strtol(pad.c_str(), &end, 10);
    if (*end != '\0' || p < 0 || p > 10)
      throw ConfigError("conv: pad must be valid, same or a whole number 0 to 10, got \"" + pad + "\"");
  }
  return std::make_unique<Conv2D>(filters, kh, kw, stride, pad, parse_init(spec_string(s, 99, "init", s.default_init)));
}

std::string Conv2D::spec() const {
  std::string k = kh_ == kw_ ? std::to_string(kh_) : std::to_string(kh_) + "x" + std::to_string(kw_);
  std::string out = "conv(" + std::to_string(filters_) + ", " + k;
  if (stride_ != 1) out += ", stride=" + std::to_string(stride_);
  if (pad_ != "valid") out += ", pad=" + pad_;
  if (init_ != Init::Xavier) out += std::string(", init=") + init_name(init_);
  return out + ")";
}

std::string Conv2D::describe() const {
  std::string d = "Conv2D " + std::to_string(filters_) + "@" + std::to_string(kh_) + "×" + std::to_string(kw_);
  if (stride_ != 1) d += " stride " + std::to_string(stride_);
  d += " pad " + pad_;
  return d;
}

Shape Conv2D::setup(const Shape& in, Rng& rng) {
  in_ = in;
  g_ = ConvGeometry{};
  g_.cin = in.c;
  g_.h = in.h;
  g_.w = in.w;
  g_.kh = kh_;
  g_.kw = kw_;
  g_.stride = stride_;
  if (pad_ == "same") {
    // output = ceil(input / stride), the missing rows/cols split with the extra one at the end
    int oh = (in.h + stride_ - 1) / stride_, ow = (in.w + stride_ - 1) / stride_;
    int th = std::max(0, (oh - 1) * stride_ + kh_ - in.h), tw = std::max(0, (ow - 1) * stride_ + kw_ - in.w);
    g_.pt = th / 2;
    g_.pb = th - g_.pt;
    g_.pl = tw / 2;
    g_.pr = tw - g_.pl;
  } else if (pad_ != "valid") {
    g_.pt = g_.pb = g_.pl = g_.pr = std::stoi(pad_);
  }
  int ph = in.h + g_.pt + g_.pb, pw = in.w + g_.pl + g_.pr;
  if (kh_ > ph || kw_ > pw)
    throw ConfigError("conv kernel " + std::to_string(kh_) + "×" + std::to_string(kw_) + " is larger than its " +
                      std::to_string(ph) + "×" + std::to_string(pw) + (ph != in.h || pw != in.w ? " padded" : "") +
                      " input (" + in.str() + ")");
  g_.ho = (ph - kh_) / stride_ + 1;
  g_.wo = (pw - kw_) / stride_ + 1;
  if (static_cast<long>(g_.patch_size()) * g_.patches() > 16'000'000L)
    throw ConfigError("its im2col matrix (" + std::to_string(g_.patch_size()) + " × " + std::to_string(g_.patches()) +
                      " per image) is larger than this lab allows");
  out_ = Shape{filters_, g_.ho, g_.wo};
  int K = g_.patch_size();
  W_.resize(filters_, K);
  b_.resize(filters_, 1);
  b_.decay = false;
  init_weights(W_.value, init_, K, filters_ * kh_ * kw_, rng);
  init_bias(b_.value, init_, K, rng);
  return out_;
}

void im2col(const Matrix& x, const ConvGeometry& g, Matrix& col) {
  const int B = static_cast<int>(x.cols()), P = g.patches(), K = g.patch_size();
  col.resize(static_cast<Eigen::Index>(P) * B, K);
  for (int ci = 0; ci < g.cin; ++ci)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        float* dst = col.col((ci * g.kh + i) * g.kw + j).data();
        for (int n = 0; n < B; ++n) {
          const float* src = x.col(n).data() + static_cast<long>(ci) * g.h * g.w;
          for (int oh = 0; oh < g.ho; ++oh) {
            int ih = oh * g.stride + i - g.pt;
            float* d = dst + (static_cast<long>(n) * P + oh * g.wo);
            if (ih < 0 || ih >= g.h) {
              std::memset(d, 0, sizeof(float) * g.wo);
              continue;
            }
            const float* row = src + ih * g.w;
            if (g.stride == 1) {
              // contiguous run: ow ∈ [ow_lo, ow_hi) has iw = ow + j − pl inside the image
              int ow_lo = std::min(g.wo, std::max(0, g.pl - j)), ow_hi = std::min(g.wo, g.w + g.pl - j);
              for (int ow = 0; ow < ow_lo; ++ow) d[ow] = 0.0f;
              if (ow_hi > ow_lo) std::memcpy(d + ow_lo, row + ow_lo + j - g.pl, sizeof(float) * (ow_hi - ow_lo));
              for (int ow = std::max(ow_hi, ow_lo); ow < g.wo; ++ow) d[ow] = 0.0f;
            } else {
              for (int ow = 0; ow < g.wo; ++ow) {
                int iw = ow * g.stride + j - g.pl;
                d[ow] = (iw >= 0 && iw < g.w) ? row[iw] : 0.0f;
              }
            }
          }
        }
      }
}

void col2im(const Matrix& dcol, const ConvGeometry& g, int B, Matrix& dx) {
  const int P = g.patches();
  dx.setZero(static_cast<Eigen::Index>(g.cin) * g.h * g.w, B);
  for (int ci = 0; ci < g.cin; ++ci)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        const float* src = dcol.col((ci * g.kh + i) * g.kw + j).data();
        for (int n = 0; n < B; ++n) {
          float* dst = dx.col(n).data() + static_cast<long>(ci) * g.h * g.w;
          for (int oh = 0; oh < g.ho; ++oh) {
            int ih = oh * g.stride + i - g.pt;
            if (ih < 0 || ih >= g.h) continue;
            const float* s = src + (static_cast<long>(n) * P + oh * g.wo);
            float* row = dst + ih * g.w;
            for (int ow = 0; ow < g.wo; ++ow) {
              int iw = ow * g.stride + j - g.pl;
              if (iw >= 0 && iw < g.w) row[iw] += s[ow];  // ∂L/∂x sums every window that read x
            }
          }
        }
      }
}

void Conv2D::forward(const Matrix& x, Matrix& y, Mode) {
  if (g_.stride == 1) return forward_direct(x, y, true, false);
  const int B = static_cast<int>(x.cols()), P = g_.patches();
  im2col(x, g_, col_);
  gemm_.resize(col_.rows(), filters_);  // out = col · Wᵀ   (P·B × Cout)
  gemm_abt(col_.data(), static_cast<int>(col_.rows()), W_.value.data(), filters_, gemm_.data(),
           static_cast<int>(gemm_.rows()), static_cast<int>(col_.rows()), filters_, g_.patch_size());
  y.resize(static_cast<Eigen::Index>(filters_) * P, B);
  for (int n = 0; n < B; ++n)
    for (int co = 0; co < filters_; ++co) {
      const float bias = b_.value(co, 0);  // y = out + b, reordered to CHW per sample
      const float* s = gemm_.col(co).data() + static_cast<long>(n) * P;
      float* d = y.col(n).data() + static_cast<long>(co) * P;
      for (int p = 0; p < P; ++p) d[p] = s[p] + bias;
    }
}

void Conv2D::backward(const Matrix&, const Matrix&, const Matrix& dy, Matrix* dx) {
  if (g_.stride == 1) return backward_direct(dy, dx);
  const int B = static_cast<int>(dy.cols()), P = g_.patches();
  dout_.resize(static_cast<Eigen::Index>(P) * B, filters_);
  for (int n = 0; n < B; ++n)
    for (int co = 0; co < filters_; ++co)
      std::memcpy(dout_.col(co).data() + static_cast<long>(n) * P, dy.col(n).data() + static_cast<long>(co) * P,
                  sizeof(float) * P);
  gemm_atb(dout_.data(), static_cast<int>(dout_.rows()), col_.data(), static_cast<int>(col_.rows()), W_.grad.data(),
           filters_, filters_, g_.patch_size(), static_cast<int>(col_.rows()));  // ∂L/∂W = ∂L/∂outᵀ · col
  b_.grad = dout_.colwise().sum().transpose();  // ∂L/∂b = Σ over batch and positions
  if (dx) {
    Wt_ = W_.value.transpose();
    dcol_.resize(dout_.rows(), g_.patch_size());
    gemm_abt(dout_.data(), static_cast<int>(dout_.rows()), Wt_.data(), g_.patch_size(), dcol_.data(),
             static_cast<int>(dcol_.rows()), static_cast<int>(dout_.rows()), g_.patch_size(),
             filters_);         // ∂L/∂col = ∂L/∂out · W
    col2im(dcol_, g_, B, *dx);  // ∂L/∂x = col2im(∂L/∂col)
  }
}

// ---- stride 1: direct kernels, no im2col
Conv2D::DirectLayout Conv2D::direct_layout() const {
  DirectLayout d;
  const int lanes = direct_conv::lanes();
  d.cout_r = direct_conv::round_up(filters_, direct_conv::channel_block(filters_));
  d.wo_r = direct_conv::round_up(g_.wo, lanes);
  d.hp = g_.h + g_.pt + g_.pb;
  d.ld_x = d.wo_r + g_.kw - 1;  // ≥ the padded width wo + kw − 1: the vectors past wo read zeros
  d.plane_x = static_cast<long>(d.hp) * d.ld_x;
  d.image_x = d.plane_x * g_.cin;
  return d;
}

// W packed k-major for the direct kernels (wk[k·cout_r + co]) and the bias, channels past
// `filters` zero
void Conv2D::pack_weights(const DirectLayout& d) {
  const int K = g_.patch_size();
  wk_.assign(static_cast<size_t>(K) * d.cout_r, 0.0f);
  for (int k = 0; k < K; ++k)
    for (int co = 0; co < filters_; ++co) wk_[static_cast<size_t>(k) * d.cout_r + co] = W_.value(co, k);
  bias_r_.assign(d.cout_r, 0.0f);
  for (int co = 0; co < filters_; ++co) bias_r_[co] = b_.value(co, 0);
}

void Conv2D::forward_direct(const Matrix& x, Matrix& y, bool keep, bool relu) {
  const int B = static_cast<int>(x.cols()), P = g_.patches();
  const DirectLayout d = direct_layout();
  pack_weights(d);
  // the zero-padded batch, kept for backward's ∂W; evaluation pads one image at a time (the
  // border stays zero, only the image is copied in)
  xpad_.assign(static_cast<size_t>(d.image_x) * (keep ? B : 1), 0.0f);
  if (!keep) xpad_valid_ = 0;
  y.resize(static_cast<Eigen::Index>(filters_) * P, B);
  // written straight into y when its rows are whole vectors and no channel is padding
  const bool in_place = d.wo_r == g_.wo && d.cout_r == filters_;
  const long plane_o = in_place ? P : static_cast<long>(g_.ho) * d.wo_r;
  if (!in_place) outs_.resize(static_cast<size_t>(d.cout_r) * plane_o);
  for (int n = 0; n < B; ++n) {
    float* xp = &xpad_[keep ? n * d.image_x : 0];
    for (int ci = 0; ci < g_.cin; ++ci)
      for (int r = 0; r < g_.h; ++r)
        std::memcpy(xp + ci * d.plane_x + static_cast<long>(r + g_.pt) * d.ld_x + g_.pl,
                    x.col(n).data() + (static_cast<long>(ci) * g_.h + r) * g_.w, sizeof(float) * g_.w);
    float* out = in_place ? y.col(n).data() : outs_.data();
    direct_conv::forward(xp, g_.cin, d.plane_x, d.ld_x, wk_.data(), bias_r_.data(), d.cout_r, g_.kh, g_.kw, g_.ho,
                         d.wo_r, out, plane_o, in_place ? g_.wo : d.wo_r, relu);
    if (in_place) continue;
    for (int co = 0; co < filters_; ++co)
      for (int i = 0; i < g_.ho; ++i)
        std::memcpy(y.col(n).data() + static_cast<long>(co) * P + i * g_.wo, &outs_[co * plane_o + i * d.wo_r],
                    sizeof(float) * g_.wo);
  }
  if (keep) xpad_valid_ = B;
}

void Conv2D::infer(const Matrix& x, Matrix& y) {
  if (g_.stride != 1) return forward(x, y, Mode::Eval);
  infer_direct(x, y, false, false);
}

bool Conv2D::infer_relu(const Matrix& x, Matrix& y) {
  if (g_.stride != 1) return false;
  infer_direct(x, y, true, false);
  return true;
}

bool Conv2D::infer_relu_pool(const Matrix& x, int pool, Matrix& y) {
  if (g_.stride != 1 || pool != 2 || g_.ho % 2 || g_.wo % 2) return false;
  infer_direct(x, y, true, true);
  return true;
}

// Evaluation only (nothing kept for backward): the direct kernels image by image, reading the
// image in place when it needs no padding (a valid convolution whose output rows are whole
// vectors: its rows are then exactly the kernel's padded rows), otherwise from a zero-padded copy
// of one image. pool: ReLU and 2×2 max pooling as the kernel stores (direct_conv::forward_pool).
void Conv2D::infer_direct(const Matrix& x, Matrix& y, bool relu, bool pool) {
  const int B = static_cast<int>(x.cols());
  const DirectLayout d = direct_layout();
  pack_weights(d);
  const bool unpadded = !g_.pt && !g_.pb && !g_.pl && !g_.pr && d.ld_x == g_.w;
  if (!unpadded) xpad_.assign(static_cast<size_t>(d.image_x), 0.0f);
  xpad_valid_ = 0;
  // the output: ho × wo per channel, or ho/2 × wo/2 pooled; written in place when its rows are
  // whole vectors (halves of them, pooled) and no channel is padding
  const int ho = pool ? g_.ho / 2 : g_.ho, wo = pool ? g_.wo / 2 : g_.wo, wo_r = pool ? d.wo_r / 2 : d.wo_r;
  const long plane_y = static_cast<long>(ho) * wo;
  y.resize(static_cast<Eigen::Index>(filters_) * plane_y, B);
  const bool in_place = wo_r == wo && d.cout_r == filters_;
  const long plane_o = in_place ? plane_y : static_cast<long>(ho) * wo_r;
  if (!in_place) outs_.resize(static_cast<size_t>(d.cout_r) * plane_o);
  for (int n = 0; n < B; ++n) {
    const float* xp = x.col(n).data();
    if (!unpadded) {
      for (int ci = 0; ci < g_.cin; ++ci)
        for (int r = 0; r < g_.h; ++r)
          std::memcpy(&xpad_[ci * d.plane_x + static_cast<long>(r + g_.pt) * d.ld_x + g_.pl],
                      x.col(n).data() + (static_cast<long>(ci) * g_.h + r) * g_.w, sizeof(float) * g_.w);
      xp = xpad_.data();
    }
    float* out = in_place ? y.col(n).data() : outs_.data();
    if (pool)
      direct_conv::forward_pool(xp, g_.cin, d.plane_x, d.ld_x, wk_.data(), bias_r_.data(), d.cout_r, g_.kh, g_.kw,
                                g_.ho, d.wo_r, out, plane_o, in_place ? wo : wo_r);
    else
      direct_conv::forward(xp, g_.cin, d.plane_x, d.ld_x, wk_.data(), bias_r_.data(), d.cout_r, g_.kh, g_.kw, g_.ho,
                           d.wo_r, out, plane_o, in_place ? wo : wo_r, relu);
    if (in_place) continue;
    for (int co = 0; co < filters_; ++co)
      for (int i = 0; i < ho; ++i)
        std::memcpy(y.col(n).data() + co * plane_y + i * wo, &outs_[co * plane_o + i * wo_r], sizeof(float) * wo);
  }
}

void Conv2D::backward_direct(const Matrix& dy, Matrix* dx) {
  const int B = static_cast<int>(dy.cols()), P = g_.patches(), K = g_.patch_size(), kh = g_.kh, kw = g_.kw;
  const DirectLayout d = direct_layout();
  if (xpad_valid_ != B) throw ConfigError("conv backward without a forward of this batch");
  // ∂L/∂y with rows of wo_r (zeros past wo), unless wo already is whole vectors
  const bool whole_rows = d.wo_r == g_.wo;
  const long plane_dy = whole_rows ? P : static_cast<long>(g_.ho) * d.wo_r;
  const float* dyv = dy.data();
  long image_dy = dy.rows();
  if (!whole_rows) {
    image_dy = filters_ * plane_dy;
    dys_.assign(static_cast<size_t>(image_dy) * B, 0.0f);
    for (int n = 0; n < B; ++n)
      for (int co = 0; co < filters_; ++co)
        for (int i = 0; i < g_.ho; ++i)
          std::memcpy(&dys_[n * image_dy + co * plane_dy + i * d.wo_r],
                      dy.col(n).data() + static_cast<long>(co) * P + i * g_.wo, sizeof(float) * g_.wo);
    dyv = dys_.data();
  }
  // ∂L/∂W[co, k] = Σₙ Σ_{i,j} ∂L/∂y[co, i, j] · x[ci, i+u−pt, j+v−pl],  ∂L/∂b[co] = Σₙ Σ_{i,j} ∂L/∂y[co, i, j]
  dwk_.assign(static_cast<size_t>(K) * filters_, 0.0f);
  direct_conv::weight_grad(xpad_.data(), g_.cin, d.plane_x, d.ld_x, d.image_x, dyv, filters_, plane_dy,
                           whole_rows ? g_.wo : d.wo_r, image_dy, B, kh, kw, g_.ho, d.wo_r, dwk_.data());
  W_.grad.resize(filters_, K);
  for (int k = 0; k < K; ++k)
    for (int co = 0; co < filters_; ++co) W_.grad(co, k) = dwk_[static_cast<size_t>(k) * filters_ + co];
  b_.grad.resize(filters_, 1);
  for (int co = 0; co < filters_; ++co) b_.grad(co, 0) = dy.middleRows(static_cast<Eigen::Index>(co) * P, P).sum();
  if (!dx) return;
  // ∂L/∂x[ci, r, q] = Σ_{co,u,v} W[co, ci, u, v] · ∂L/∂y[co, r−u, q−v]: the forward kernel on ∂L/∂y
  // padded by kh−1, kw−1 with the kernel flipped and in and out channels swapped, over the padded
  // input grid (hp × wp), of which the image part is kept
  const int cin_r = direct_conv::round_up(g_.cin, direct_conv::channel_block(g_.cin));
  wflip_.assign(static_cast<size_t>(filters_) * kh * kw * cin_r, 0.0f);
  for (int co = 0; co < filters_; ++co)
    for (int u = 0; u < kh; ++u)
      for (int v = 0; v < kw; ++v)
        for (int ci = 0; ci < g_.cin; ++ci)
          wflip_[static_cast<size_t>((co * kh + u) * kw + v) * cin_r + ci] =
              W_.value(co, (ci * kh + kh - 1 - u) * kw + kw - 1 - v);
  const int wp = g_.w + g_.pl + g_.pr, wx_r = direct_conv::round_up(wp, direct_conv::lanes());
  const int ld_p = wx_r + kw - 1, rows_p = g_.ho + 2 * (kh - 1);
  const long plane_p = static_cast<long>(rows_p) * ld_p, plane_dx = static_cast<long>(d.hp) * wx_r;
  dyp_.assign(static_cast<size_t>(filters_) * plane_p, 0.0f);  // the border stays zero for every image
  dxp_.resize(static_cast<size_t>(cin_r) * plane_dx);
  zeros_.assign(cin_r, 0.0f);
  dx->resize(in_.size(), B);
  for (int n = 0; n < B; ++n) {
    for (int co = 0; co < filters_; ++co)
      for (int i = 0; i < g_.ho; ++i)
        std::memcpy(&dyp_[co * plane_p + static_cast<long>(i + kh - 1) * ld_p + kw - 1],
                    dy.col(n).data() + static_cast<long>(co) * P + i * g_.wo, sizeof(float) * g_.wo);
    direct_conv::backward_data(dyp_.data(), filters_, plane_p, ld_p, wflip_.data(), zeros_.data(), cin_r, kh, kw, g_.ho,
                               d.hp, wx_r, dxp_.data(), plane_dx, wx_r);
    for (int ci = 0; ci < g_.cin; ++ci)
      for (int r = 0; r < g_.h; ++r)
        std::memcpy(dx->col(n).data() + (static_cast<long>(ci) * g_.h + r) * g_.w,
                    &dxp_[ci * plane_dx + static_cast<long>(r + g_.pt) * wx_r + g_.pl], sizeof(float) * g_.w);
  }
}

// ---- the definition as plain loops: the reference the im2col + GEMM path is tested against
double Conv2D::input_at(const Matrix& x, long n, int c, int r, int q) const {
  if (r < 0 || r >= g_.h || q < 0 || q >= g_.w) return 0.0;  // zero padding
  return x((static_cast<long>(c) * g_.h + r) * g_.w + q, n);
}

void Conv2D::forward_reference(const Matrix& x, Matrix& y, Mode) {
  const ConvGeometry& g = g_;
  y.resize(static_cast<Eigen::Index>(filters_) * g.patches(), x.cols());
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int c = 0; c < filters_; ++c)
      for (int i = 0; i < g.ho; ++i)
        for (int j = 0; j < g.wo; ++j) {
          double sum = b_.value(c, 0);  // y[c,i,j] = b[c] + Σ_{c′,u,v} W[c,c′,u,v] · x[c′, i·s+u−pt, j·s+v−pl]
          for (int cp = 0; cp < g.cin; ++cp)
            for (int u = 0; u < g.kh; ++u)
              for (int v = 0; v < g.kw; ++v)
                sum += W_.value(c, (cp * g.kh + u) * g.kw + v) *
                       input_at(x, n, cp, i * g.stride + u - g.pt, j * g.stride + v - g.pl);
          y((c * g.ho + i) * g.wo + j, n) = static_cast<float>(sum);
        }
}

void Conv2D::backward_reference(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
  const ConvGeometry& g = g_;
  Eigen::MatrixXd dW = Eigen::MatrixXd::Zero(W_.value.rows(), W_.value.cols()), db = Eigen::MatrixXd::Zero(filters_, 1);
  Eigen::MatrixXd dxd = Eigen::MatrixXd::Zero(x.rows(), x.cols());
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int c = 0; c < filters_; ++c)
      for (int i = 0; i < g.ho; ++i)
        for (int j = 0; j < g.wo; ++j) {
          const double gy = dy((c * g.ho + i) * g.wo + j, n);
          db(c, 0) += gy;  // ∂L/∂b[c] = Σ_{i,j} ∂L/∂y[c,i,j]
          for (int cp = 0; cp < g.cin; ++cp)
            for (int u = 0; u < g.kh; ++u)
              for (int v = 0; v < g.kw; ++v) {
                const int r = i * g.stride + u - g.pt, q = j * g.stride + v - g.pl;
                if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;
                const long xi = (static_cast<long>(cp) * g.h + r) * g.w + q;
                const int wi = (cp * g.kh + u) * g.kw + v;
                dW(c, wi) += gy * x(xi, n);          // ∂L/∂W[c,c′,u,v] += ∂L/∂y[c,i,j] · x[c′, r, q]
                dxd(xi, n) += gy * W_.value(c, wi);  // ∂L/∂x[c′, r, q] += W[c,c′,u,v] · ∂L/∂y[c,i,j]
              }
        }
  W_.grad = dW.cast<float>();
  b_.grad = db.cast<float>();
  if (dx) *dx = dxd.cast<float>();
}

// ---- the lesson
std::vector<ParamRole> Conv2D::param_roles() const {
  ParamRole w{"W", "weights", ParamLayout::Kernels, g_.cin, g_.kh, g_.kw};
  return {w, additive_role("b", "biases")};
}

std::string Conv2D::window(const std::string& i, const std::string& j) const {
  auto axis = [&](const std::string& o, const char* k, int pad) {
    std::string s = g_.stride == 1 ? o : o + "·" + std::to_string(g_.stride);
    s += std::string("+") + k;
    if (pad) s += "−" + std::to_string(pad);
    return s;
  };
  return axis(i, "u", g_.pt) + ", " + axis(j, "v", g_.pl);
}

Lesson Conv2D::lesson(const TensorNames& n) const {
  const std::string W = "W" + n.L, b = "b" + n.L;
  std::string pad;
  if (g_.pt || g_.pl || g_.pb || g_.pr)
    pad = " (" + n.x + " is 0 outside the image: padding " + std::to_string(g_.pt) + ")";
  return {
      n.y + "[c,i,j] = " + b + "[c] + Σ_{c′,u,v} " + W + "[c,c′,u,v] · " + n.x + "[c′, " + window("i", "j") + "]" + pad,
      "∂L/∂" + W + "[c,c′,u,v] = Σₙ Σ_{i,j} " + n.dy() + "[c,i,j] · " + n.x + "[c′, " + window("i", "j") + "],   ∂L/∂" +
          b + "[c] = Σₙ Σ_{i,j} " + n.dy() + "[c,i,j],   " + n.dx() + "[c′, " + window("i", "j") + "] += " + W +
          "[c,c′,u,v] · " + n.dy() + "[c,i,j]",
      "Each filter slides over the input" +
          std::string(g_.stride > 1 ? " in steps of " + std::to_string(g_.stride) : "") +
          "; every output is the filter's dot product with one window.",
      "The weight gradient correlates the input with the output gradient; every input collects W · ∂L/∂y from each "
      "window that read it."};
}

Explanation Conv2D::explain_forward(const StepValues& v, int s, long k) const {
  const ConvGeometry& g = g_;
  const Matrix& W = *v.w[0];
  const int c = static_cast<int>(k / g.patches()), i = static_cast<int>((k / g.wo) % g.ho),
            j = static_cast<int>(k % g.wo);
  const int r0 = i * g.stride - g.pt, q0 = j * g.stride - g.pl;
  ProductSum sum;
  for (int cp = 0; cp < g.cin; ++cp)
    for (int u = 0; u < g.kh; ++u)
      for (int vv = 0; vv < g.kw; ++vv) {
        const int r = r0 + u, q = q0 + vv;
        if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;  // padding: the term is 0
        const long xi = (static_cast<long>(cp) * g.h + r) * g.w + q;
        sum.add(W(c, (cp * g.kh + u) * g.kw + vv), v.x(xi, s),
                v.param_names[0] + "[" + std::to_string(c) + ", " + std::to_string(cp) + ", " + std::to_string(u) +
                    ", " + std::to_string(vv) + "] · " + v.x_at(xi));
      }
  const std::string lhs = v.y_at(k) + " = Σ_{c′,u,v} " + v.param_names[0] + "[" + std::to_string(c) + ", c′, u, v] · " +
                          v.names.x + "[c′, " + std::to_string(r0) + "+u, " + std::to_string(q0) + "+v] + " +
                          v.param_names[1] + "[" + std::to_string(c) + "]";
  Explanation e;
  sum.explain(e, lhs, v.y(k, s), " + {}", {(*v.w[1])(c, 0)});
  const int terms = g.cin * g.kh * g.kw;
  return e.say(
      "the " + std::to_string(g.kh) + "×" + std::to_string(g.kw) + " window at row " + std::to_string(r0) +
          ", column " + std::to_string(q0) + " of " + std::to_string(g.cin) + " input channel" +
          (g.cin == 1 ? "" : "s") + ": " + std::to_string(terms) + " terms" +
          (sum.terms() < terms ? ", " + std::to_string(terms - sum.terms()) + " of them in the zero padding" : ""),
      true);
}

Explanation Conv2D::explain_backward(const StepValues& v, int what, int s, long k) const {
  const ConvGeometry& g = g_;
  const Matrix& W = *v.w[0];
  const int B = v.batch;
  Explanation e;
  auto offset = [&](const std::string& o, int d) {  // "i·2+1", "j−1"
    const std::string base = g.stride == 1 ? o : o + "·" + std::to_string(g.stride);
    return d == 0 ? base : base + (d > 0 ? "+" : "−") + std::to_string(std::abs(d));
  };
  ProductSum sum;
  std::string lhs;
  if (what == 1) {  // ∂L/∂b[c] = Σₙ Σ_{i,j} ∂L/∂y[c,i,j]
    const int c = static_cast<int>(k);
    for (int n = 0; n < B; ++n)
      for (int p = 0; p < g.patches(); ++p) {
        const long o = static_cast<long>(c) * g.patches() + p;
        sum.add(v.dy(o, n), 1.0, v.dy_at(o) + " · 1");
      }
    sum.explain(e,
                "∂L/∂" + v.param_names[1] + "[" + std::to_string(c) + "] = " + (B > 1 ? "Σₙ " : "") + "Σ_{i,j} " +
                    v.names.dy() + "[" + std::to_string(c) + ", i, j]",
                (*v.dw[1])(c, 0));
    return e.say(std::to_string(g.patches()) + " positions × " + std::to_string(B) + " sample" + (B == 1 ? "" : "s"),
                 true);
  }
  if (what == 0) {  // ∂L/∂W[c,c′,u,v] = Σₙ Σ_{i,j} ∂L/∂y[c,i,j] · x[c′, i·s+u−pt, j·s+v−pl]
    const long rows = W.rows();
    const int c = static_cast<int>(k % rows), wi = static_cast<int>(k / rows);
    const int cp = wi / (g.kh * g.kw), u = (wi / g.kw) % g.kh, vv = wi % g.kw;
    for (int n = 0; n < B; ++n)
      for (int i = 0; i < g.ho; ++i)
        for (int j = 0; j < g.wo; ++j) {
          const int r = i * g.stride + u - g.pt, q = j * g.stride + vv - g.pl;
          if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;
          const long o = (static_cast<long>(c) * g.ho + i) * g.wo + j;
          sum.add(v.dy(o, n), input_at(v.x, n, cp, r, q),
                  v.dy_at(o) + " · " + v.x_at((static_cast<long>(cp) * g.h + r) * g.w + q));
        }
    lhs = "∂L/∂" + v.param_names[0] + "[" + std::to_string(c) + ", " + std::to_string(cp) + ", " + std::to_string(u) +
          ", " + std::to_string(vv) + "] = " + (B > 1 ? "Σₙ " : "") + "Σ_{i,j} " + v.names.dy() + "[" +
          std::to_string(c) + ", i, j] · " + v.names.x + "[" + std::to_string(cp) + ", " + offset("i", u - g.pt) +
          ", " + offset("j", vv - g.pl) + "]";
    return sum.explain(e, lhs, (*v.dw[0])(c, wi));
  } else {  // ∂L/∂x[c′, r, q] = Σ over the windows that read it of W[c,c′,u,v] · ∂L/∂y[c,i,j]
    const int cp = static_cast<int>(k / (static_cast<long>(g.h) * g.w)), r = static_cast<int>((k / g.w) % g.h),
              q = static_cast<int>(k % g.w);
    for (int c = 0; c < filters_; ++c)
      for (int u = 0; u < g.kh; ++u)
        for (int vv = 0; vv < g.kw; ++vv) {
          const int a = r + g.pt - u, bb = q + g.pl - vv;
          if (a < 0 || bb < 0 || a % g.stride || bb % g.stride) continue;
          const int i = a / g.stride, j = bb / g.stride;
          if (i >= g.ho || j >= g.wo) continue;
          const long o = (static_cast<long>(c) * g.ho + i) * g.wo + j;
          sum.add(W(c, (cp * g.kh + u) * g.kw + vv), v.dy(o, s),
                  v.param_names[0] + "[" + std::to_string(c) + ", " + std::to_string(cp) + ", " + std::to_string(u) +
                      ", " + std::to_string(vv) + "] · " + v.dy_at(o));
        }
    lhs = v.dx_at(k) + " = Σ " + v.param_names[0] + "[c, " + std::to_string(cp) + ", u, v] · " + v.names.dy() +
          "[c, i, j] over the windows that read it";
    if (sum.terms() == 0) return e.say(v.dx_at(k) + " = 0: no window reads this value");
    return sum.explain(e, lhs, v.dx(k, s));
  }
}

}  // namespace bpl
