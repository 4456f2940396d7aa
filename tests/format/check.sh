#!/usr/bin/env bash
# The tracked C++ files are clang-format clean (.clang-format): prints the first differences.
set -uo pipefail
cd "$(dirname "$0")/../.."
command -v clang-format >/dev/null || { echo "FAILED: clang-format is not installed"; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.hpp' '*.cc')
else   # an unpacked archive: the same folders
  mapfile -t files < <(find engine web tools tests \( -name '*.cpp' -o -name '*.h' \) | sort)
fi
[ "${#files[@]}" -gt 0 ] || { echo "FAILED: no C++ files found"; exit 1; }
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ "${#bad[@]}" -gt 0 ]; then
  clang-format --dry-run "${bad[@]:0:3}" 2>&1 | head -30
  echo "FAILED: ${#bad[@]} of ${#files[@]} C++ files differ from .clang-format: ${bad[*]}"
  echo "fix: clang-format -i \$(git ls-files '*.cpp' '*.h')"
  exit 1
fi
echo "ok: ${#files[@]} C++ files are clang-format clean"
