// The panels of the app, one file each. Each draws into the rectangle it is given.
#pragma once

#include "app.h"
#include "palette.h"

#include <imgui.h>

namespace bpl::app {

void draw_ui(App& app);  // the whole frame: menu bar, panels, status bar

void ModelPanel(App& app);
void TrainingPanel(App& app);
void RunControls(App& app);  // Start/Pause/Step/Reset, progress, messages
void CurvesPanel(App& app);
void StepperPanel(App& app);
void InsidePanel(App& app);
void DrawPanel(App& app);
void ReportPanel(App& app);
void ExperimentsPanel(App& app);
void StatusBar(App& app, float height);
// nothing is lost (issue 13, point 4): the new-run question, the Runs list (File → Runs…)
void NewRunPopup(App& app);
void RunsMenuItem(App& app);  // the File menu's entry that opens the Runs window
void RunsWindow(App& app);
// the lesson player (issue 14): the menu, its panel, the outline and arrow to a step's control
void LessonsMenu(App& app);
void LessonFileMenuItem(App& app);  // File → Open a lesson file…
void LessonPanel(App& app);
void LessonPointer(App& app);  // after everything else is drawn

// theme and fonts (web/theme.cpp); present: the high-contrast variant for a projector
void apply_theme(bool dark, float scale, bool present = false);
const UiPalette& colors();  // the palette of the theme applied last
ImVec4 color(Rgb c);        // a palette colour for ImGui
void load_fonts(float scale, float dpr);
ImU32 series_color(int i);  // colour-blind-safe palette (Okabe–Ito)

}  // namespace bpl::app
