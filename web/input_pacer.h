// One tap is one press, on touch screens too. Dear ImGui 1.86 decides what a press hits from
// where the pointer was the frame before: a mouse hovers first, but a finger arrives and presses
// in the same frame, so the first tap on a tab or button after touching elsewhere was lost. The
// pacer holds a press that arrives at a new place (and whatever follows it) for one frame, while
// ImGui sees the pointer move there; after a finger lifts it takes the pointer away, so no
// tooltip stays up under a finger that has gone. Pure logic on pointer events (web/main.cpp turns
// SDL's events into these and applies the result to ImGui's IO); tests in tests/app.
#pragma once

#include <cstddef>
#include <vector>

namespace bpl::app {

struct PointerEvent {
  enum Kind { Move, Down, Up, Other } kind = Other;
  float x = 0, y = 0;  // where (Move, Down, Up), in window coordinates
  bool touch = false;  // made by a finger (SDL's touch-to-mouse events)
};

class InputPacer {
 public:
  // This frame's events, in order (those held last frame first). Returns how many to hand to
  // ImGui now; the rest wait for the next frame.
  size_t admit(const std::vector<PointerEvent>& events);

  // What ImGui should see this frame instead of what the backend read from SDL's state.
  struct Pointer {
    bool set_position = false;  // use x, y (off-window when the finger has lifted)
    float x = 0, y = 0;
    bool buttons_up = false;  // a held press: the buttons are not down yet
  };
  const Pointer& pointer() const { return pointer_; }
  // the position ImGui saw this frame (after pointer() was applied)
  void saw(float x, float y) { seen_x_ = x, seen_y_ = y; }
  // a frame must follow even without new input (a held press, a finger to take away)
  bool wants_frame() const { return wants_frame_; }

  static constexpr float kGone = -3.0e38f;  // an off-window position: no hover

 private:
  Pointer pointer_;
  float seen_x_ = kGone, seen_y_ = kGone;
  bool lifted_ = false;       // a finger lifted in the last admitted frame
  bool finger_gone_ = false;  // since then, no pointer
  bool wants_frame_ = false;
};

}  // namespace bpl::app
