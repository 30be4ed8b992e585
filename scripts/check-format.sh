#!/bin/sh
# Fails when a C source or header differs from .clang-format's style.
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find include src tests bench -name '*.[ch]')
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
    echo "format-check: run 'clang-format -i' on the files above" >&2
    exit 1
fi
echo "format-check: ok"
