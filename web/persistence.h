// Saving, restoring and sharing (never lose work): the browser's autosave and its restore offer
// (the newest run of the Runs list, runs.h; the App opens it or starts afresh, keeping it).
// The model file itself is the engine's (io/model_file.h, through TrainingSession::save_bytes /
// adopt); the settings as a link's query text are the settings table's (io/settings.h).
#pragma once

#include "platform.h"

#include <string>

namespace bpl::app {

class Persistence {
 public:
  std::string restore_offer;  // non-empty: ask whether to restore this saved session
  void offer_restore(const std::string& summary) { restore_offer = summary; }
};

}  // namespace bpl::app
