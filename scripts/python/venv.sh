#!/usr/bin/env bash
# A Python virtual environment per requirements file, cached by the file's content:
#
#   scripts/python/venv.sh scripts/python/requirements/<name>.txt     # prints the venv's folder
#
# The venv lives in ${BERTH_CACHE:-$HOME/.cache/berth}/venvs/<name>-<sha256 of the file, 12 hex>,
# so a changed pin makes a new one and an unchanged file costs nothing. `.complete` marks a venv
# whose install finished; a half-made one is removed and made again. Tests find the same folder
# with test/helpers/python-venv.ts.
set -euo pipefail
requirements="${1:?usage: scripts/python/venv.sh REQUIREMENTS_FILE}"
[[ -f "$requirements" ]] || { echo "no such requirements file: $requirements" >&2; exit 2; }
python="${BERTH_PYTHON:-python3}"
name="$(basename "$requirements" .txt)"
hash="$(sha256sum "$requirements" | cut -c1-12)"
dir="${BERTH_CACHE:-$HOME/.cache/berth}/venvs/$name-$hash"
if [[ ! -f "$dir/.complete" ]]; then
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  started=$SECONDS
  "$python" -m venv "$dir" >&2
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
  touch "$dir/.complete"
  echo "venv $name-$hash made in $((SECONDS - started)) s" >&2
fi
echo "$dir"
