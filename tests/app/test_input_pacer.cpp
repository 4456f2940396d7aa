// The input pacer: a press at a new place waits one frame while ImGui sees the pointer there;
// a finger that lifts takes the pointer away on the next frame; a mouse that hovered first is
// never delayed.
#include <catch2/catch.hpp>

#include "input_pacer.h"

using namespace bpl::app;
using E = PointerEvent;

namespace {
// one frame: admit, then what ImGui saw (the override, or the last admitted event's position)
size_t frame(InputPacer& p, const std::vector<E>& ev, float& x, float& y) {
  const size_t n = p.admit(ev);
  for (size_t i = 0; i < n; ++i)
    if (ev[i].kind != E::Other) x = ev[i].x, y = ev[i].y;
  if (p.pointer().set_position) x = p.pointer().x, y = p.pointer().y;
  p.saw(x, y);
  return n;
}
}  // namespace

TEST_CASE("a tap at a new place: the pointer moves there first, the press follows a frame later", "[pacer]") {
  InputPacer p;
  float x = InputPacer::kGone, y = InputPacer::kGone;
  // the finger arrives: motion, press and release all in one frame
  const std::vector<E> tap = {{E::Move, 100, 40, true}, {E::Down, 100, 40, true}, {E::Up, 100, 40, true}};
  REQUIRE(frame(p, tap, x, y) == 1);  // the move only
  CHECK(p.pointer().set_position);
  CHECK(p.pointer().x == 100);
  CHECK(p.pointer().buttons_up);  // SDL already says "down": ImGui must not see it yet
  CHECK(p.wants_frame());
  // next frame: the held press and release go in; the pointer is where ImGui saw it
  const std::vector<E> held(tap.begin() + 1, tap.end());
  REQUIRE(frame(p, held, x, y) == 2);
  CHECK_FALSE(p.pointer().buttons_up);
  CHECK_FALSE(p.pointer().set_position);  // still over the button for the release
  CHECK(p.wants_frame());                 // … and a frame to take the finger away
  // the frame after: no pointer, so no tooltip stays under a lifted finger
  REQUIRE(frame(p, {}, x, y) == 0);
  CHECK(p.pointer().set_position);
  CHECK(p.pointer().x == InputPacer::kGone);
  // and it stays gone until the next touch
  frame(p, {}, x, y);
  CHECK(p.pointer().x == InputPacer::kGone);
}

TEST_CASE("a mouse that hovered before pressing is never delayed", "[pacer]") {
  InputPacer p;
  float x = 0, y = 0;
  REQUIRE(frame(p, {{E::Move, 10, 10, false}}, x, y) == 1);
  CHECK_FALSE(p.pointer().set_position);
  REQUIRE(frame(p, {{E::Down, 10, 10, false}}, x, y) == 1);
  CHECK_FALSE(p.pointer().buttons_up);
  REQUIRE(frame(p, {{E::Up, 10, 10, false}}, x, y) == 1);
  // a mouse's pointer stays where it is after a release (hover and tooltips are right for a mouse)
  frame(p, {}, x, y);
  CHECK_FALSE(p.pointer().set_position);
}

TEST_CASE("a drag with a finger paints from its first point", "[pacer]") {
  InputPacer p;
  float x = InputPacer::kGone, y = InputPacer::kGone;
  REQUIRE(frame(p, {{E::Move, 50, 50, true}, {E::Down, 50, 50, true}}, x, y) == 1);
  REQUIRE(frame(p, {{E::Down, 50, 50, true}, {E::Move, 55, 52, true}}, x, y) == 2);
  REQUIRE(frame(p, {{E::Move, 60, 54, true}}, x, y) == 1);
  CHECK_FALSE(p.pointer().set_position);  // moving with the finger down: ImGui follows SDL
  REQUIRE(frame(p, {{E::Up, 60, 54, true}}, x, y) == 1);
  frame(p, {}, x, y);
  CHECK(p.pointer().x == InputPacer::kGone);
}
