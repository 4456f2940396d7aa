// The Runs list: the sessions the browser keeps (issue 13, point 4 "nothing is lost"). Each run
// is one stored record (a .bplm file, its settings link, and the facts shown in the list); the
// platform stores the records, this class is the list's logic: newest first, at most `cap`, the
// oldest evicted only after a newer record was written successfully. No ImGui here.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace bpl::app {

struct RunInfo {
  std::string id;         // the storage key ("run-<ms>-<n>")
  std::string name;       // the learner's name for it (renamable)
  std::string model;      // the layer list
  std::string data;       // the data set's name
  double saved_ms = 0;    // when it was last written (ms since 1970, the page's Date.now())
  int epochs = 0;         // epochs trained
  double test_acc = NAN;  // the last epoch's test accuracy (NaN: none yet)
  std::string summary;    // one line for the restore offer
};

class RunsList {
 public:
  static constexpr int kDefaultCap = 8;
  int cap = kDefaultCap;  // how many runs the browser keeps

  const std::vector<RunInfo>& all() const { return runs_; }  // newest first
  bool empty() const { return runs_.empty(); }
  const RunInfo* find(const std::string& id) const;
  const RunInfo* newest() const { return runs_.empty() ? nullptr : &runs_.front(); }
  // a run written (new, or a newer version of the same id): replaces the one with its id
  void upsert(const RunInfo& r);
  bool rename(const std::string& id, const std::string& name);
  bool remove(const std::string& id);
  // the ids to delete so that at most cap runs remain: the oldest first, never `keep` (the
  // run just written)
  std::vector<std::string> over_cap(const std::string& keep) const;
  // the list as the platform stored it (a JSON array of records without their bytes); a
  // malformed entry is skipped
  void set_from_json(const std::string& json);
  static std::string to_json(const RunInfo& r);  // one record's facts (no bytes)

 private:
  void sort();
  std::vector<RunInfo> runs_;
};

// "03 Nov 2026 14:05", local time, from ms since 1970 (the list's date column)
std::string run_date_text(double ms);

}  // namespace bpl::app
