// The colours text is drawn in, per theme, chosen so every one meets WCAG AA contrast (4.5:1)
// against the backgrounds it is drawn on (tests/app/test_palette.cpp checks each pair). Panels
// ask for a colour by what it means (a heading, a warning, the stepper's backward pass), never
// by its RGB; web/theme.cpp builds ImGui's style from the same palette. No ImGui here.
#pragma once

namespace bpl::app {

struct Rgb {
  float r = 0, g = 0, b = 0;
};

struct UiPalette {
  // backgrounds text sits on
  Rgb window, child, frame, button, menu;
  // text
  Rgb text, muted, heading, warn, error, good, edit;
  // the stepper's operations by pass
  Rgb forward, backward, update, loss;
  Rgb accent_button, accent_text;  // the Start button and its label
  Rgb focus;                       // the keyboard focus ring
};

enum class Theme { Dark, Light };

// present: the projector's high-contrast variant of the theme
const UiPalette& palette(Theme theme, bool present = false);

// WCAG 2.x: relative luminance of an sRGB colour, and the contrast ratio of two colours (≥ 1)
double relative_luminance(Rgb c);
double contrast_ratio(Rgb a, Rgb b);

}  // namespace bpl::app
