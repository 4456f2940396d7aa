// Light and dark themes, fonts, and the colour-blind-safe series palette.
#include "panels/panels.h"

#include <cstdio>
#include <string>

#ifndef BPL_FONTS_DIR
#define BPL_FONTS_DIR "fonts"
#endif

namespace bpl::app {

ImU32 series_color(int i) {
  // Okabe–Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow
  static const ImU32 c[] = {IM_COL32(0, 114, 178, 255), IM_COL32(230, 159, 0, 255),  IM_COL32(0, 158, 115, 255),
                            IM_COL32(213, 94, 0, 200),  IM_COL32(86, 180, 233, 255), IM_COL32(204, 121, 167, 255),
                            IM_COL32(240, 228, 66, 255)};
  return c[i % 7];
}

ImVec4 to_imvec(Rgb c, float alpha) {
  return ImVec4(c.r, c.g, c.b, alpha);
}

static bool g_dark = true, g_present = false;

const UiPalette& colors() {
  return palette(g_dark ? Theme::Dark : Theme::Light, g_present);
}

ImVec4 color(Rgb c) {
  return to_imvec(c, 1.0f);
}

void apply_theme(bool dark, float scale, bool present) {
  g_dark = dark, g_present = present;
  const UiPalette& p = colors();
  ImGuiStyle style;
  if (dark)
    ImGui::StyleColorsDark(&style);
  else
    ImGui::StyleColorsLight(&style);
  style.WindowRounding = 6.0f;
  style.FrameRounding = 4.0f;
  style.GrabRounding = 4.0f;
  style.WindowBorderSize = 0.0f;
  style.ChildBorderSize = 1.0f;
  style.ChildRounding = 6.0f;
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(8, 5);
  style.WindowPadding = ImVec2(12, 10);
  style.ScrollbarSize = 16.0f;  // a finger can hold it
  ImVec4* c = style.Colors;
  // every text colour comes from the palette (web/palette.cpp), which is checked for WCAG AA
  c[ImGuiCol_Text] = color(p.text);
  c[ImGuiCol_TextDisabled] = color(p.muted);
  c[ImGuiCol_WindowBg] = color(p.window);
  c[ImGuiCol_ChildBg] = color(p.child);
  c[ImGuiCol_PopupBg] = to_imvec(p.frame, 0.98f);
  c[ImGuiCol_MenuBarBg] = color(p.menu);
  c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = color(p.menu);
  c[ImGuiCol_FrameBg] = color(p.frame);
  c[ImGuiCol_Button] = color(p.button);
  c[ImGuiCol_NavHighlight] = color(p.focus);
  if (dark) c[ImGuiCol_Header] = ImVec4(0.0f, 0.45f, 0.70f, 0.45f);
  if (present) {
    c[ImGuiCol_Border] = to_imvec(p.muted, 0.8f);
    style.ChildBorderSize = 2.0f;
  }
  c[ImGuiCol_PlotHistogram] = to_imvec(p.good, 1.0f);
  // software WebGL (SwiftShader) pays per anti-aliasing fringe triangle; shapes stay crisp without
  style.AntiAliasedFill = false;
  style.AntiAliasedLines = false;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

void load_fonts(float scale, float dpr) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float px = 16.0f * scale * dpr;  // rasterise at device pixels for crisp text on high-DPI screens
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(io.Fonts->GetGlyphRangesDefault());
    static const ImWchar extra[] = {0x0100, 0x017F,  // Latin Extended-A: ŷ
                                    0x0300, 0x036F,  // combining marks: m̂ v̂
                                    0x0370, 0x03FF,  // Greek: η μ β λ σ
                                    0x1D00, 0x1DBF,  // phonetic extensions: ᵀ
                                    0x2000, 0x206F,  // punctuation: — … ·
                                    0x2070, 0x209F,  // super- and subscripts
                                    0x2190, 0x21FF,  // arrows
                                    0x2200, 0x22FF,  // maths: ∂ Σ √ ⊙ ≤
                                    0x25A0, 0x25FF,  // shapes
                                    0x2600, 0x26FF,  // symbols: ★
                                    0};
    b.AddRanges(extra);
    b.BuildRanges(&ranges);
  }
  const std::string dir = BPL_FONTS_DIR;
  ImFont* f = io.Fonts->AddFontFromFileTTF((dir + "/ui.ttf").c_str(), px, nullptr, ranges.Data);
  if (f) {
    ImFontConfig merge;
    merge.MergeMode = true;  // symbols Inter lacks come from DejaVu Sans
    io.Fonts->AddFontFromFileTTF((dir + "/symbols.ttf").c_str(), px, &merge, ranges.Data);
  } else {
    std::fprintf(stderr, "font %s/ui.ttf not found; using ImGui's built-in font\n", dir.c_str());
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * scale * dpr;
    io.Fonts->AddFontDefault(&cfg);
  }
  io.FontGlobalScale = 1.0f / dpr;
}

}  // namespace bpl::app
