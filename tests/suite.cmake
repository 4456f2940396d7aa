# Every check of Backprop Lab as a CTest test with a label, registered in one place: the native
# build (build/native). The wasm and browser tests use the WebAssembly build's outputs
# (BPL_WEB_BUILD_DIR); the asan and fuzz tests make their own builds (presets asan, fuzz).
#   ctest --test-dir build/native -N -L browser      list one label's tests
#   ctest --test-dir build/native -L cli             run them
# Labels: unit wasm cli browser desktop fuzz asan format.
set(BPL_WEB_BUILD_DIR "${CMAKE_SOURCE_DIR}/build/web" CACHE PATH "the WebAssembly build the wasm and browser tests run")
set(BPL_FUZZ_SECONDS 60 CACHE STRING "seconds of libFuzzer per fuzz target")
set(BPL_SCREENSHOTS_DIR "${CMAKE_SOURCE_DIR}/build/screenshots" CACHE PATH "where the browser and desktop tests save screenshots")
find_program(BPL_NODE node)
find_program(BPL_BASH bash)

# what the test scripts read (tests/cli/lib.sh): the tools under test and where to put files
set(BPL_TEST_ENV
  "BPL_ROOT=${CMAKE_SOURCE_DIR}"
  "BPL_CLI=${CMAKE_BINARY_DIR}/bpl"
  "BPL_WEB_CLI=${BPL_WEB_BUILD_DIR}/bpl.js"
  "BPL_APP=${CMAKE_BINARY_DIR}/backprop_lab"
  "BPL_SCREENSHOTS=${BPL_SCREENSHOTS_DIR}"
  "NODE_PATH=/usr/share/nodejs")

# bpl_test(NAME LABEL [TIMEOUT s] [SERIAL] COMMAND args...)
function(bpl_test name label)
  cmake_parse_arguments(T "SERIAL" "TIMEOUT" "COMMAND" ${ARGN})
  add_test(NAME ${name} COMMAND ${T_COMMAND} WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${BPL_TEST_ENV}")
  if(T_SERIAL)
    # timing-sensitive (training speed, playback rate, frame pacing): nothing else runs beside it
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

# ---- wasm: the Catch2 tests under node; native ↔ WebAssembly agree bit for bit; the wasm CLI
bpl_test(wasm_unit_tests wasm TIMEOUT 900 COMMAND ${BPL_NODE} "${BPL_WEB_BUILD_DIR}/bpl_tests.js")
foreach(preset r0-mlp r0-lenet5 r3-cnn r1-cnn-k7)
  bpl_test(wasm_same_seed_weights_${preset} wasm COMMAND ${BPL_BASH} tests/wasm/same_seed_weights.sh ${preset})
endforeach()
bpl_test(wasm_model_file_native_to_wasm wasm COMMAND ${BPL_BASH} tests/wasm/model_file_cross.sh native-to-wasm)
bpl_test(wasm_model_file_wasm_to_native wasm COMMAND ${BPL_BASH} tests/wasm/model_file_cross.sh wasm-to-native)
bpl_test(wasm_cli_train wasm COMMAND ${BPL_BASH} tests/wasm/cli_train.sh)
# exact resume under node, and a natively saved run resumed under node
bpl_test(wasm_cli_resume wasm COMMAND ${BPL_BASH} tests/cli/resume.sh wasm)
bpl_test(wasm_resume_native_to_wasm wasm COMMAND ${BPL_BASH} tests/wasm/resume_cross.sh)

# ---- cli: the native CLI's config file, refusals of bad input, report and compare
foreach(check config_ini unknown_ini_key negative_lr impossible_model truncated_idx data_names report lab_report compare resume)
  bpl_test(cli_${check} cli COMMAND ${BPL_BASH} tests/cli/${check}.sh)
endforeach()
# every key of the settings table: flags, INI and link agree; out-of-range values refused by all three
bpl_test(cli_settings cli COMMAND ${BPL_BASH} tests/cli/settings.sh "${CMAKE_BINARY_DIR}/bpl")
bpl_test(wasm_cli_settings wasm COMMAND ${BPL_BASH} tests/cli/settings.sh "${BPL_WEB_BUILD_DIR}/bpl.js")

# ---- browser: playwright-core in headless Chromium, one at a time
foreach(t app stepper stepper-batchnorm views persist screens keyboard offline idle keep lessons lessons-all lab-report)
  bpl_test(browser_${t} browser SERIAL TIMEOUT 600
    COMMAND ${BPL_NODE} tests/browser/${t}.test.mjs "${BPL_WEB_BUILD_DIR}/site" "${BPL_SCREENSHOTS_DIR}")
endforeach()
bpl_test(browser_bench browser SERIAL TIMEOUT 600 COMMAND ${BPL_NODE} tests/browser/bench.mjs "${BPL_WEB_BUILD_DIR}/bench" --quick)
bpl_test(browser_server browser SERIAL COMMAND ${BPL_NODE} tests/browser/server.test.mjs "${BPL_WEB_BUILD_DIR}/site")

# ---- desktop: the native app under Xvfb
bpl_test(desktop_train_epoch desktop SERIAL COMMAND ${BPL_BASH} tests/desktop/app.sh train)
bpl_test(desktop_stepper desktop SERIAL COMMAND ${BPL_BASH} tests/desktop/app.sh stepper)

# ---- asan: the unit tests built with -DBPL_SANITIZE=ON (preset asan, build/asan)
bpl_test(asan_build asan TIMEOUT 2400 COMMAND ${BPL_BASH} tests/asan/build.sh)
bpl_test(asan_unit_tests asan TIMEOUT 1800 COMMAND "${CMAKE_SOURCE_DIR}/build/asan/bpl_tests")
set_tests_properties(asan_build PROPERTIES FIXTURES_SETUP bpl_asan)
set_tests_properties(asan_unit_tests PROPERTIES FIXTURES_REQUIRED bpl_asan)

# ---- fuzz: libFuzzer + ASan + UBSan per parser (preset fuzz, build/fuzz)
bpl_test(fuzz_build fuzz TIMEOUT 1200 COMMAND ${BPL_BASH} scripts/fuzz.sh --build-only)
set_tests_properties(fuzz_build PROPERTIES FIXTURES_SETUP bpl_fuzz)
foreach(target idx model_file ini)
  math(EXPR fuzz_timeout "${BPL_FUZZ_SECONDS} + 120")
  bpl_test(fuzz_${target} fuzz TIMEOUT ${fuzz_timeout} COMMAND ${BPL_BASH} scripts/fuzz.sh --no-build ${BPL_FUZZ_SECONDS} ${target})
  set_tests_properties(fuzz_${target} PROPERTIES FIXTURES_REQUIRED bpl_fuzz)
endforeach()

# ---- format: the tracked C++ files are clang-format clean
bpl_test(format_clang_format format COMMAND ${BPL_BASH} tests/format/check.sh)
