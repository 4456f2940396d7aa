// WCAG AA: every text colour of every theme (dark, light, and their present-mode variants) has a
// contrast of at least 4.5:1 against every background it is drawn on.
#include <catch2/catch.hpp>

#include "palette.h"

#include <string>
#include <utility>
#include <vector>

using namespace bpl::app;

TEST_CASE("contrast ratio follows WCAG 2's definition", "[palette]") {
  CHECK(contrast_ratio(Rgb{0, 0, 0}, Rgb{1, 1, 1}) == Approx(21.0));
  CHECK(contrast_ratio(Rgb{1, 1, 1}, Rgb{1, 1, 1}) == Approx(1.0));
  // #767676 on white is the classic 4.54:1
  const float g = 0x76 / 255.0f;
  CHECK(contrast_ratio(Rgb{g, g, g}, Rgb{1, 1, 1}) == Approx(4.54).margin(0.01));
  // the old light theme's title blue on its background was about 2:1: the check would refuse it
  CHECK(contrast_ratio(Rgb{0.34f, 0.71f, 0.91f}, Rgb{0.97f, 0.97f, 0.96f}) < 2.5);
}

TEST_CASE("every theme's text meets WCAG AA (4.5:1) on its backgrounds", "[palette]") {
  for (Theme theme : {Theme::Dark, Theme::Light})
    for (bool present : {false, true}) {
      const UiPalette& p = palette(theme, present);
      const std::string name = std::string(theme == Theme::Dark ? "dark" : "light") + (present ? " present" : "");
      const std::vector<std::pair<const char*, Rgb>> texts = {
          {"text", p.text},         {"muted", p.muted},   {"heading", p.heading}, {"warn", p.warn},
          {"error", p.error},       {"good", p.good},     {"edit", p.edit},       {"forward", p.forward},
          {"backward", p.backward}, {"update", p.update}, {"loss", p.loss}};
      const std::vector<std::pair<const char*, Rgb>> grounds = {
          {"window", p.window}, {"child", p.child}, {"menu", p.menu}};
      for (const auto& [tn, t] : texts)
        for (const auto& [gn, bg] : grounds) {
          INFO(name << ": " << tn << " on " << gn << " = " << contrast_ratio(t, bg) << ":1");
          CHECK(contrast_ratio(t, bg) >= 4.5);
        }
      // what sits on a frame (a field) or a button: the body text
      for (Rgb bg : {p.frame, p.button}) {
        INFO(name << ": text on a field or button = " << contrast_ratio(p.text, bg) << ":1");
        CHECK(contrast_ratio(p.text, bg) >= 4.5);
      }
      INFO(name << ": Start's label = " << contrast_ratio(p.accent_text, p.accent_button) << ":1");
      CHECK(contrast_ratio(p.accent_text, p.accent_button) >= 4.5);
      // the focus ring is a non-text element: WCAG 1.4.11 asks 3:1 against the window
      CHECK(contrast_ratio(p.focus, p.window) >= 3.0);
    }
}
