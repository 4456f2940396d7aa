#include "layers/conv2d.h"

#include "core/error.h"
#include "core/gemm.h"

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
  return std::make_unique<Conv2D>(filters, kh, kw, stride, pad, parse_init(spec_string(s, 99, "init", "xavier")));
}

std::string Conv2D::spec() const {
  std::string k = kh_ == kw_ ? std::to_string(kh_) : std::to_string(kh_) + "x" + std::to_string(kw_);
  std::string out = "conv(" + std::to_string(filters_) + ", " + k;
  if (stride_ != 1) out += ", stride=" + std::to_string(stride_);
  if (pad_ != "valid") out += ", pad=" + pad_;
  if (init_ != Init::Xavier) out += ", init=he";
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
    throw ConfigError("conv kernel " + std::to_string(kh_) + "×" + std::to_string(kw_) +
                      " is larger than its " + std::to_string(ph) + "×" + std::to_string(pw) +
                      (ph != in.h || pw != in.w ? " padded" : "") + " input (" + in.str() + ")");
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
              if (iw >= 0 && iw < g.w) row[iw] += s[ow];   // ∂L/∂x sums every window that read x
            }
          }
        }
      }
}

void Conv2D::forward(const Matrix& x, Matrix& y, Mode) {
  const int B = static_cast<int>(x.cols()), P = g_.patches();
  im2col(x, g_, col_);
  gemm_.resize(col_.rows(), filters_);                // out = col · Wᵀ   (P·B × Cout)
  gemm_abt(col_.data(), static_cast<int>(col_.rows()), W_.value.data(), filters_, gemm_.data(),
           static_cast<int>(gemm_.rows()), static_cast<int>(col_.rows()), filters_, g_.patch_size());
  y.resize(static_cast<Eigen::Index>(filters_) * P, B);
  for (int n = 0; n < B; ++n)
    for (int co = 0; co < filters_; ++co) {
      const float bias = b_.value(co, 0);             // y = out + b, reordered to CHW per sample
      const float* s = gemm_.col(co).data() + static_cast<long>(n) * P;
      float* d = y.col(n).data() + static_cast<long>(co) * P;
      for (int p = 0; p < P; ++p) d[p] = s[p] + bias;
    }
}

void Conv2D::backward(const Matrix&, const Matrix&, const Matrix& dy, Matrix* dx) {
  const int B = static_cast<int>(dy.cols()), P = g_.patches();
  dout_.resize(static_cast<Eigen::Index>(P) * B, filters_);
  for (int n = 0; n < B; ++n)
    for (int co = 0; co < filters_; ++co)
      std::memcpy(dout_.col(co).data() + static_cast<long>(n) * P, dy.col(n).data() + static_cast<long>(co) * P,
                  sizeof(float) * P);
  gemm_atb(dout_.data(), static_cast<int>(dout_.rows()), col_.data(), static_cast<int>(col_.rows()), W_.grad.data(),
           filters_, filters_, g_.patch_size(), static_cast<int>(col_.rows()));   // ∂L/∂W = ∂L/∂outᵀ · col
  b_.grad = dout_.colwise().sum().transpose();       // ∂L/∂b = Σ over batch and positions
  if (dx) {
    Wt_ = W_.value.transpose();
    dcol_.resize(dout_.rows(), g_.patch_size());
    gemm_abt(dout_.data(), static_cast<int>(dout_.rows()), Wt_.data(), g_.patch_size(), dcol_.data(),
             static_cast<int>(dcol_.rows()), static_cast<int>(dout_.rows()), g_.patch_size(), filters_);  // ∂L/∂col = ∂L/∂out · W
    col2im(dcol_, g_, B, *dx);                       // ∂L/∂x = col2im(∂L/∂col)
  }
}

}  // namespace bpl
