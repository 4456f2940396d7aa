#include "runs.h"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

namespace bpl::app {

const RunInfo* RunsList::find(const std::string& id) const {
  for (const RunInfo& r : runs_)
    if (r.id == id) return &r;
  return nullptr;
}

void RunsList::sort() {
  // newest first; equal times by id, so the order never depends on insertion
  std::stable_sort(runs_.begin(), runs_.end(), [](const RunInfo& a, const RunInfo& b) {
    return a.saved_ms != b.saved_ms ? a.saved_ms > b.saved_ms : a.id > b.id;
  });
}

void RunsList::upsert(const RunInfo& r) {
  auto it = std::find_if(runs_.begin(), runs_.end(), [&](const RunInfo& x) { return x.id == r.id; });
  if (it == runs_.end())
    runs_.push_back(r);
  else
    *it = r;
  sort();
}

bool RunsList::rename(const std::string& id, const std::string& name) {
  for (RunInfo& r : runs_)
    if (r.id == id) {
      r.name = name;
      return true;
    }
  return false;
}

bool RunsList::remove(const std::string& id) {
  const auto n = runs_.size();
  runs_.erase(std::remove_if(runs_.begin(), runs_.end(), [&](const RunInfo& r) { return r.id == id; }), runs_.end());
  return runs_.size() != n;
}

std::vector<std::string> RunsList::over_cap(const std::string& keep) const {
  std::vector<std::string> out;
  int excess = static_cast<int>(runs_.size()) - std::max(1, cap);
  for (auto it = runs_.rbegin(); it != runs_.rend() && excess > 0; ++it) {
    if (it->id == keep) continue;
    out.push_back(it->id);
    --excess;
  }
  return out;
}

void RunsList::set_from_json(const std::string& text) {
  runs_.clear();
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return;
  for (const nlohmann::json& e : j) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
    RunInfo r;
    r.id = e["id"].get<std::string>();
    auto str = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : ""; };
    auto num = [&](const char* k, double d) { return e.contains(k) && e[k].is_number() ? e[k].get<double>() : d; };
    r.name = str("name");
    r.model = str("model");
    r.data = str("data");
    r.summary = str("summary");
    r.saved_ms = num("saved", 0);
    r.epochs = static_cast<int>(num("epochs", 0));
    r.test_acc = num("test_acc", NAN);
    if (r.name.empty()) r.name = r.id == "last" ? "last session" : r.model;
    runs_.push_back(r);
  }
  sort();
}

std::string RunsList::to_json(const RunInfo& r) {
  nlohmann::json j = {{"id", r.id},          {"name", r.name},     {"model", r.model},     {"data", r.data},
                      {"saved", r.saved_ms}, {"epochs", r.epochs}, {"summary", r.summary}, {"test_acc", nullptr}};
  if (std::isfinite(r.test_acc)) j["test_acc"] = r.test_acc;
  return j.dump();
}

std::string run_date_text(double ms) {
  if (!(ms > 0)) return "";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
#ifdef _WIN32
  localtime_s(&tm, &t);
#else
  localtime_r(&t, &tm);
#endif
  char buf[32];
  std::strftime(buf, sizeof buf, "%d %b %Y %H:%M", &tm);
  return buf;
}

}  // namespace bpl::app
