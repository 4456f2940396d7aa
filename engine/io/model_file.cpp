#include "io/model_file.h"

#include "core/error.h"
#include "io/settings.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

namespace bpl {

namespace {

constexpr size_t kMaxFileBytes = 256u << 20;  // no model of this lab comes near it

void put_u32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_f32(std::vector<uint8_t>& b, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  put_u32(b, v);
}
void put_f64(std::vector<uint8_t>& b, double d) {
  uint64_t v;
  std::memcpy(&v, &d, 8);
  put_u32(b, static_cast<uint32_t>(v));
  put_u32(b, static_cast<uint32_t>(v >> 32));
}
void put_u64(std::vector<uint8_t>& b, uint64_t v) {
  put_u32(b, static_cast<uint32_t>(v));
  put_u32(b, static_cast<uint32_t>(v >> 32));
}
void put_rng(std::vector<uint8_t>& b, const RngState& r) {
  put_u64(b, r.state);
  put_u64(b, r.inc);
  put_u32(b, r.has_spare ? 1 : 0);
  put_f64(b, r.spare);
}
void put_str(std::vector<uint8_t>& b, const std::string& s) {
  put_u32(b, static_cast<uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}
void put_floats(std::vector<uint8_t>& b, const Matrix& m) {
  for (Eigen::Index i = 0; i < m.size(); ++i) put_f32(b, m.data()[i]);
}

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  uint32_t u32(const char* what) {
    need(4, what);
    uint32_t v =
        uint32_t(p_[i_]) | (uint32_t(p_[i_ + 1]) << 8) | (uint32_t(p_[i_ + 2]) << 16) | (uint32_t(p_[i_ + 3]) << 24);
    i_ += 4;
    return v;
  }
  float f32(const char* what) {
    uint32_t v = u32(what);
    float f;
    std::memcpy(&f, &v, 4);
    return f;
  }
  uint64_t u64(const char* what) {
    const uint64_t lo = u32(what), hi = u32(what);
    return lo | (hi << 32);
  }
  RngState rng(const char* what) {
    RngState r;
    r.state = u64(what);
    r.inc = u64(what);
    const uint32_t spare = u32(what);
    if (spare > 1) throw FormatError(std::string("model file: bad ") + what);
    r.has_spare = spare == 1;
    r.spare = f64(what);
    if ((r.inc & 1) == 0 || !std::isfinite(r.spare)) throw FormatError(std::string("model file: bad ") + what);
    return r;
  }
  double f64(const char* what) {
    uint64_t lo = u32(what), hi = u32(what);
    uint64_t v = lo | (hi << 32);
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }
  std::string str(const char* what, uint32_t max_len) {
    uint32_t n = u32(what);
    if (n > max_len) throw FormatError(std::string("model file: ") + what + " is implausibly long");
    const uint8_t* p = take(n, what);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  // finite floats into m (already sized)
  void floats(Matrix& m, const char* what) {
    const uint8_t* f = take(static_cast<size_t>(m.size()) * 4, what);
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      float v;
      std::memcpy(&v, f + 4 * k, 4);
      if (!std::isfinite(v)) throw FormatError(std::string("model file: ") + what + " holds NaN or Inf");
      m.data()[k] = v;
    }
  }
  void need(size_t k, const char* what) {
    if (n_ - i_ < k) throw FormatError(std::string("model file is truncated (while reading ") + what + ")");
  }
  const uint8_t* take(size_t k, const char* what) {
    need(k, what);
    const uint8_t* r = p_ + i_;
    i_ += k;
    return r;
  }
  size_t left() const { return n_ - i_; }

 private:
  const uint8_t* p_;
  size_t n_, i_ = 0;
};

}  // namespace

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::vector<uint8_t> serialize_model(Model& model, const Normalizer& norm, const ModelExtras* extras) {
  std::vector<uint8_t> payload;
  std::string spec = model.spec();
  put_u32(payload, static_cast<uint32_t>(spec.size()));
  payload.insert(payload.end(), spec.begin(), spec.end());
  Shape in = model.input_shape();
  put_u32(payload, in.c);
  put_u32(payload, in.h);
  put_u32(payload, in.w);
  put_u32(payload, static_cast<uint32_t>(norm.kind));
  put_f32(payload, norm.mean);
  put_f32(payload, norm.std);
  auto ps = model.params();
  put_u32(payload, static_cast<uint32_t>(ps.size()));
  for (Param* p : ps) {
    put_u32(payload, static_cast<uint32_t>(p->value.rows()));
    put_u32(payload, static_cast<uint32_t>(p->value.cols()));
    put_floats(payload, p->value);
  }
  // v2 extras
  ModelExtras none;
  const ModelExtras& x = extras ? *extras : none;
  put_str(payload, x.dataset);
  put_u32(payload, x.has_optimizer ? 1 : 0);
  if (x.has_optimizer) {
    put_str(payload, kind_name(x.optimizer.kind));
    for (double d : {x.optimizer.lr, x.optimizer.momentum, x.optimizer.beta1, x.optimizer.beta2, x.optimizer.eps,
                     x.optimizer.weight_decay})
      put_f64(payload, d);
    put_u32(payload, static_cast<uint32_t>(x.steps));
    put_u32(payload, static_cast<uint32_t>(static_cast<uint64_t>(x.steps) >> 32));
    for (Param* p : ps) {
      const bool has = p->m.size() == p->value.size() && (p->v.size() == p->value.size() || p->v.size() == 0);
      put_u32(payload, has ? 1 : 0);
      if (!has) continue;
      put_floats(payload, p->m);
      if (p->v.size() == p->value.size())
        put_floats(payload, p->v);
      else
        put_floats(payload, Matrix::Zero(p->value.rows(), p->value.cols()));
    }
  }
  put_u32(payload, static_cast<uint32_t>(x.history.size()));
  for (const EpochStats& e : x.history) {
    put_u32(payload, static_cast<uint32_t>(e.epoch));
    for (double d :
         {e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.seconds, e.images_per_sec, e.lr, e.test_loss, e.test_acc})
      put_f64(payload, d);
  }
  // v3: the layers' buffers (running statistics), in Model::buffers() order
  auto bs = model.buffers();
  put_u32(payload, static_cast<uint32_t>(bs.size()));
  for (Matrix* b : bs) {
    put_u32(payload, static_cast<uint32_t>(b->rows()));
    put_u32(payload, static_cast<uint32_t>(b->cols()));
    put_floats(payload, *b);
  }
  // v4: the run
  put_u32(payload, x.has_run ? 1 : 0);
  if (x.has_run) {
    const TrainProgress& p = x.progress;
    put_str(payload, settings_query(x.run));
    put_u32(payload, static_cast<uint32_t>(p.epoch));
    put_u64(payload, static_cast<uint64_t>(p.steps));
    put_u64(payload, static_cast<uint64_t>(p.images_seen));
    put_f64(payload, p.train_seconds);
    put_f64(payload, p.lr);
    put_rng(payload, p.shuffle);
    put_f64(payload, p.best_watched);
    put_f64(payload, p.plateau_best);
    put_u32(payload, static_cast<uint32_t>(p.best_epoch));
    put_u32(payload, static_cast<uint32_t>(p.since_best));
    put_u32(payload, static_cast<uint32_t>(p.since_plateau));
    put_u32(payload, static_cast<uint32_t>(p.pos));
    put_u32(payload, static_cast<uint32_t>(p.order.size()));
    for (int i : p.order) put_u32(payload, static_cast<uint32_t>(i));
    put_f64(payload, p.epoch_loss);
    put_f64(payload, p.epoch_seconds);
    put_u64(payload, static_cast<uint64_t>(p.epoch_correct));
    put_u64(payload, static_cast<uint64_t>(p.epoch_count));
    put_u32(payload, static_cast<uint32_t>(p.layer_rngs.size()));
    for (const RngState& r : p.layer_rngs) put_rng(payload, r);
  }
  std::vector<uint8_t> out = {'B', 'P', 'L', 'M'};
  put_u32(out, kModelFormatVersion);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  put_u32(out, crc32(payload.data(), payload.size()));
  return out;
}

LoadedModel deserialize_model(const uint8_t* data, size_t size) {
  if (size < 16)
    throw FormatError("model file is too short (" + std::to_string(size) + " bytes) to be a Backprop Lab model");
  if (std::memcmp(data, "BPLM", 4) != 0)
    throw FormatError("not a Backprop Lab model file (the first bytes are not \"BPLM\")");
  Reader hdr(data + 4, 8);
  uint32_t version = hdr.u32("version"), plen = hdr.u32("payload length");
  if (version == 0 || version > kModelFormatVersion)
    throw FormatError("model file format version " + std::to_string(version) + " is newer than this app reads (" +
                      std::to_string(kModelFormatVersion) + ")");
  if (size > kMaxFileBytes) throw FormatError("model file is larger than the 256 MB cap");
  if (static_cast<uint64_t>(plen) + 16 != size)
    throw FormatError("model file is truncated or has extra bytes: the header announces " + std::to_string(plen) +
                      " payload bytes, the file has " + std::to_string(size >= 16 ? size - 16 : 0));
  const uint8_t* payload = data + 12;
  Reader crc_r(payload + plen, 4);
  uint32_t stored = crc_r.u32("checksum");
  if (crc32(payload, plen) != stored) throw FormatError("model file checksum mismatch: the file is corrupted");

  Reader r(payload, plen);
  uint32_t slen = r.u32("layers length");
  if (slen == 0 || slen > 65536)
    throw FormatError("model file: layer list length " + std::to_string(slen) + " is not plausible");
  const uint8_t* s = r.take(slen, "layers");
  std::string spec(reinterpret_cast<const char*>(s), slen);
  Shape in;
  in.c = static_cast<int>(r.u32("input channels"));
  in.h = static_cast<int>(r.u32("input height"));
  in.w = static_cast<int>(r.u32("input width"));
  if (in.c < 1 || in.c > 64 || in.h < 1 || in.h > 1024 || in.w < 1 || in.w > 1024)
    throw FormatError("model file: input shape " + in.str() + " is out of range");
  uint32_t nk = r.u32("normalisation");
  if (nk > 2) throw FormatError("model file: unknown normalisation kind " + std::to_string(nk));
  LoadedModel out;
  out.norm.kind = static_cast<NormKind>(nk);
  out.norm.mean = r.f32("mean");
  out.norm.std = r.f32("std");
  if (!std::isfinite(out.norm.mean) || !(out.norm.std > 0.0f) || !std::isfinite(out.norm.std))
    throw FormatError("model file: normalisation mean/std are not usable");
  try {
    out.model = Model::from_text(spec, in, 0);
  } catch (const ConfigError& e) {
    throw FormatError(std::string("model file: its layer list does not build: ") + e.what());
  }
  auto ps = out.model.params();
  uint32_t np = r.u32("parameter count");
  if (np != ps.size())
    throw FormatError("model file: " + std::to_string(np) + " parameter tensors for a model that has " +
                      std::to_string(ps.size()));
  for (size_t i = 0; i < ps.size(); ++i) {
    uint32_t rows = r.u32("rows"), cols = r.u32("cols");
    if (static_cast<Eigen::Index>(rows) != ps[i]->value.rows() ||
        static_cast<Eigen::Index>(cols) != ps[i]->value.cols())
      throw FormatError("model file: parameter " + std::to_string(i) + " is " + std::to_string(rows) + "×" +
                        std::to_string(cols) + ", the layer list needs " + std::to_string(ps[i]->value.rows()) + "×" +
                        std::to_string(ps[i]->value.cols()));
    try {
      r.floats(ps[i]->value, "weights");
    } catch (const FormatError& e) {
      if (std::string(e.what()).find("NaN") == std::string::npos) throw;
      throw FormatError("model file: parameter " + std::to_string(i) + " holds NaN or Inf");
    }
  }
  out.version = version;
  if (version >= 2) {
    ModelExtras& x = out.extras;
    x.dataset = r.str("dataset name", 256);
    uint32_t has_opt = r.u32("optimizer flag");
    if (has_opt > 1) throw FormatError("model file: bad optimizer flag");
    if (has_opt) {
      x.has_optimizer = true;
      const std::string kind = r.str("optimizer kind", 32);
      x.optimizer.lr = r.f64("lr");
      x.optimizer.momentum = r.f64("momentum");
      x.optimizer.beta1 = r.f64("beta1");
      x.optimizer.beta2 = r.f64("beta2");
      x.optimizer.eps = r.f64("eps");
      x.optimizer.weight_decay = r.f64("weight decay");
      try {
        x.optimizer.kind = parse_optimizer_kind(kind);  // stored by name: the file format is unchanged
        x.optimizer.validate();
      } catch (const ConfigError& e) {
        throw FormatError(std::string("model file: its optimizer settings are invalid: ") + e.what());
      }
      uint64_t lo = r.u32("steps"), hi = r.u32("steps");
      const uint64_t steps = lo | (hi << 32);
      if (steps > (1ull << 40)) throw FormatError("model file: implausible optimizer step count");
      x.steps = static_cast<long>(steps);
      for (size_t i = 0; i < ps.size(); ++i) {
        uint32_t has = r.u32("optimizer state flag");
        if (has > 1) throw FormatError("model file: bad optimizer state flag");
        if (!has) continue;
        ps[i]->m.resize(ps[i]->value.rows(), ps[i]->value.cols());
        ps[i]->v.resize(ps[i]->value.rows(), ps[i]->value.cols());
        r.floats(ps[i]->m, "optimizer state");
        r.floats(ps[i]->v, "optimizer state");
        if (x.optimizer.kind != OptimizerKind::Adam) ps[i]->v.resize(0, 0);  // written as zeros: only Adam has v
      }
    }
    uint32_t epochs = r.u32("history length");
    if (epochs > 100000) throw FormatError("model file: implausible history length");
    if (static_cast<uint64_t>(epochs) * 76 > r.left())
      throw FormatError("model file is truncated (while reading history)");
    for (uint32_t e = 0; e < epochs; ++e) {
      EpochStats st;
      st.epoch = static_cast<int>(r.u32("epoch"));
      st.train_loss = r.f64("history");
      st.train_acc = r.f64("history");
      st.val_loss = r.f64("history");
      st.val_acc = r.f64("history");
      st.seconds = r.f64("history");
      st.images_per_sec = r.f64("history");
      st.lr = r.f64("history");
      st.test_loss = r.f64("history");
      st.test_acc = r.f64("history");
      x.history.push_back(st);
    }
  }
  if (version >= 3) {
    auto bs = out.model.buffers();
    const uint32_t nb = r.u32("buffer count");
    if (nb != bs.size())
      throw FormatError("model file: " + std::to_string(nb) + " buffers for a model that has " +
                        std::to_string(bs.size()));
    for (size_t i = 0; i < bs.size(); ++i) {
      const uint32_t rows = r.u32("rows"), cols = r.u32("cols");
      if (static_cast<Eigen::Index>(rows) != bs[i]->rows() || static_cast<Eigen::Index>(cols) != bs[i]->cols())
        throw FormatError("model file: buffer " + std::to_string(i) + " has the wrong shape for its layer");
      r.floats(*bs[i], "buffers");
    }
  }
  if (version >= 4 && r.u32("run flag") == 1) {
    ModelExtras& x = out.extras;
    TrainProgress& p = x.progress;
    x.has_run = true;
    const std::string query = r.str("run settings", 16384);
    try {
      apply_settings_query(x.run, query);
    } catch (const ConfigError& e) {
      throw FormatError(std::string("model file: its run settings are invalid: ") + e.what());
    }
    x.optimizer.reduction = x.run.train.optimizer.reduction;
    constexpr uint32_t kMaxCount = 100'000'000;
    auto count = [&](const char* what) {
      const uint32_t n = r.u32(what);
      if (n > kMaxCount) throw FormatError(std::string("model file: implausible ") + what);
      return static_cast<int>(n);
    };
    auto count64 = [&](const char* what) {
      const uint64_t n = r.u64(what);
      if (n > (1ull << 50)) throw FormatError(std::string("model file: implausible ") + what);
      return static_cast<long>(n);
    };
    p.epoch = count("epoch");
    p.steps = count64("step count");
    p.images_seen = count64("image count");
    p.train_seconds = r.f64("training time");
    p.lr = r.f64("learning rate");
    if (!(p.lr > 0 && p.lr <= 10)) throw FormatError("model file: the run's learning rate is out of range");
    p.shuffle = r.rng("shuffle generator");
    p.best_watched = r.f64("best loss");
    p.plateau_best = r.f64("plateau loss");
    p.best_epoch = count("best epoch");
    p.since_best = count("epochs since the best");
    p.since_plateau = count("epochs since the plateau");
    p.pos = count("position in the epoch");
    const int n_order = count("order length");
    if (static_cast<uint64_t>(n_order) * 4 > r.left())
      throw FormatError("model file is truncated (while reading order)");
    p.order.resize(static_cast<size_t>(n_order));
    for (int& i : p.order) {
      const uint32_t v = r.u32("order");
      if (v > kMaxCount) throw FormatError("model file: implausible image index in the order");
      i = static_cast<int>(v);
    }
    p.epoch_loss = r.f64("epoch loss");
    p.epoch_seconds = r.f64("epoch time");
    p.epoch_correct = count64("epoch correct");
    p.epoch_count = count64("epoch count");
    const int n_rng = count("generator count");
    if (n_rng != static_cast<int>(out.model.rngs().size()))
      throw FormatError("model file: " + std::to_string(n_rng) + " layer generators for a model that has " +
                        std::to_string(out.model.rngs().size()));
    for (int i = 0; i < n_rng; ++i) p.layer_rngs.push_back(r.rng("layer generator"));
    for (double d : {p.train_seconds, p.epoch_loss, p.epoch_seconds})
      if (!std::isfinite(d)) throw FormatError("model file: the run holds NaN or Inf");
  }
  if (r.left() != 0)
    throw FormatError("model file: " + std::to_string(r.left()) + " unexpected bytes after the weights");
  return out;
}

void save_model(const std::string& path, Model& model, const Normalizer& norm, const ModelExtras* extras) {
  auto bytes = serialize_model(model, norm, extras);
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw FormatError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw FormatError("cannot write " + path);
  }
}

LoadedModel load_model(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw FormatError("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<FILE, int (*)(FILE*)> guard(f, std::fclose);
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + got);
    if (bytes.size() > kMaxFileBytes) throw FormatError(path + ": larger than the 256 MB cap for model files");
  }
  return deserialize_model(bytes.data(), bytes.size());
}

}  // namespace bpl
