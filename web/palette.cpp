#include "palette.h"

#include <algorithm>
#include <cmath>

namespace bpl::app {

namespace {

constexpr Rgb rgb(int r, int g, int b) {
  return Rgb{r / 255.0f, g / 255.0f, b / 255.0f};
}

// dark: light text on near-black; the Okabe–Ito hues, lightened where needed for 4.5:1
const UiPalette kDark = {
    rgb(23, 26, 31),    rgb(23, 26, 31),    rgb(36, 41, 48),    rgb(46, 54, 64),   rgb(18, 20, 26),
    rgb(232, 234, 237), rgb(160, 166, 174), rgb(110, 190, 240), rgb(240, 165, 60), rgb(255, 130, 110),
    rgb(60, 200, 150),  rgb(255, 210, 60),  rgb(110, 190, 240), rgb(240, 165, 60), rgb(60, 200, 150),
    rgb(225, 150, 195), rgb(0, 94, 150),    rgb(255, 255, 255), rgb(255, 210, 60),
};
// light: dark text on off-white; the same hues darkened for 4.5:1
const UiPalette kLight = {
    rgb(247, 247, 245), rgb(247, 247, 245), rgb(226, 229, 233), rgb(214, 219, 225), rgb(232, 234, 237),
    rgb(20, 22, 26),    rgb(88, 92, 100),   rgb(0, 84, 140),    rgb(160, 72, 0),    rgb(185, 30, 20),
    rgb(0, 110, 75),    rgb(125, 90, 0),    rgb(0, 84, 140),    rgb(160, 72, 0),    rgb(0, 110, 75),
    rgb(150, 50, 110),  rgb(0, 94, 150),    rgb(255, 255, 255), rgb(190, 60, 0),
};
// present: pure black or white backgrounds, text at the extreme
const UiPalette kDarkPresent = {
    rgb(0, 0, 0),       rgb(0, 0, 0),       rgb(30, 30, 30),    rgb(45, 45, 45),   rgb(0, 0, 0),
    rgb(255, 255, 255), rgb(200, 200, 200), rgb(130, 200, 255), rgb(255, 180, 80), rgb(255, 150, 130),
    rgb(80, 220, 170),  rgb(255, 225, 80),  rgb(130, 200, 255), rgb(255, 180, 80), rgb(80, 220, 170),
    rgb(240, 170, 215), rgb(0, 84, 140),    rgb(255, 255, 255), rgb(255, 225, 80),
};
const UiPalette kLightPresent = {
    rgb(255, 255, 255), rgb(255, 255, 255), rgb(232, 232, 232), rgb(220, 220, 220), rgb(240, 240, 240),
    rgb(0, 0, 0),       rgb(60, 60, 60),    rgb(0, 70, 120),    rgb(140, 60, 0),    rgb(160, 20, 10),
    rgb(0, 95, 60),     rgb(105, 75, 0),    rgb(0, 70, 120),    rgb(140, 60, 0),    rgb(0, 95, 60),
    rgb(130, 40, 95),   rgb(0, 84, 140),    rgb(255, 255, 255), rgb(190, 60, 0),
};

double channel(float c) {
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

const UiPalette& palette(Theme theme, bool present) {
  if (theme == Theme::Dark) return present ? kDarkPresent : kDark;
  return present ? kLightPresent : kLight;
}

double relative_luminance(Rgb c) {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double contrast_ratio(Rgb a, Rgb b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace bpl::app
