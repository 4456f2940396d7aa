// Saving, restoring and sharing (never lose work): the settings as a link's query text, the
// browser's autosave and its restore offer. The model file itself is the engine's
// (io/model_file.h, through TrainingSession::save_bytes / adopt).
#pragma once

#include "io/run_config.h"
#include "platform.h"

#include <string>

namespace bpl::app {

// The settings (not the weights) as "key=value&…" with the INI keys, for links and autosave.
std::string settings_to_query(const RunConfig& cfg, const std::string& layers, int val_percent);
// Read such a text over the current settings: all or nothing. A preset named in it is applied
// first, everything else over it. Returns "" (and the new settings) or why it was refused.
std::string settings_from_query(const std::string& query, RunConfig& cfg, std::string& layers, int& val_percent,
                                bool& preset_named);

std::string url_encode(const std::string& s);
std::string url_decode(const std::string& s);

class Persistence {
 public:
  std::string restore_offer;  // non-empty: ask whether to restore this saved session
  void offer_restore(const std::string& summary) { restore_offer = summary; }
  // the learner's answer: the platform restores (or forgets) the saved session
  void answer_restore(Platform& p, bool restore) {
    restore_offer.clear();
    p.answer_restore(restore);
  }
};

}  // namespace bpl::app
