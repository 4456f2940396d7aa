#include "input_pacer.h"

#include <cmath>

namespace bpl::app {

size_t InputPacer::admit(const std::vector<PointerEvent>& events) {
  pointer_ = Pointer{};
  wants_frame_ = false;
  if (lifted_) finger_gone_ = true;  // the frame after a finger's release: the pointer is gone
  lifted_ = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const PointerEvent& e = events[i];
    const bool moved = std::fabs(e.x - seen_x_) > 0.5f || std::fabs(e.y - seen_y_) > 0.5f;
    if (e.kind == PointerEvent::Down && moved) {
      // ImGui sees the pointer here this frame, the press next frame
      pointer_ = Pointer{true, e.x, e.y, true};
      finger_gone_ = false;
      wants_frame_ = true;
      return i;
    }
    if (e.kind == PointerEvent::Move || e.kind == PointerEvent::Down) finger_gone_ = false;
    if (e.kind == PointerEvent::Up && e.touch) {
      lifted_ = true;
      wants_frame_ = true;
    }
  }
  if (finger_gone_) pointer_ = Pointer{true, kGone, kGone, false};
  return events.size();
}

}  // namespace bpl::app
