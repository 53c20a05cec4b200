#!/bin/sh
# Install ictdigest from a folder of wheels into a fresh virtual environment.
# The same steps run in the Dockerfile's final stage and in tests/test_wheel.py.
#
#   deploy/install-wheel.sh WHEEL_DIR VENV
#
# ICTDIGEST_EXTRAS=webhooks also installs the webhook server (the Docker image does).
# WHEEL_DIR holds the ictdigest wheel and (for Docker) every dependency's wheel:
# nothing is fetched from the network (--no-index). The tests instead make the
# dependencies visible through ICTDIGEST_DEPS_SITE, a folder put on the new
# environment's path with a .pth file, so they need no registry either.
set -eu

wheels=${1:?usage: install-wheel.sh WHEEL_DIR VENV}
venv=${2:?usage: install-wheel.sh WHEEL_DIR VENV}
python=${PYTHON:-python3}

"$python" -m venv "$venv"
if [ -n "${ICTDIGEST_DEPS_SITE:-}" ]; then
    # Everything in that site-packages except ictdigest itself (an editable install there
    # must not leak the source tree in), linked into one folder named by a .pth file.
    deps="$venv/ictdigest-deps"
    mkdir -p "$deps"
    for entry in "$ICTDIGEST_DEPS_SITE"/*; do
        name=${entry##*/}
        case "$name" in
            ictdigest-*|__editable__*|*.pth|bot|digests|__pycache__) continue ;;
        esac
        ln -s "$entry" "$deps/$name"
    done
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    printf '%s\n' "$deps" > "$site/ictdigest-deps.pth"
fi
"$venv/bin/python" -m pip install --quiet --no-cache-dir --no-index \
    --find-links "$wheels" "ictdigest${ICTDIGEST_EXTRAS:+[$ICTDIGEST_EXTRAS]}"
# Smoke check: the console script starts and the packaged data is there.
"$venv/bin/ictdigest" --help > /dev/null
"$venv/bin/python" -I - <<'PY'  # -I: never the current folder
from importlib.resources import files

for package, folder in (("digests", "templates"), ("digests", "data"), ("digests", "seeds")):
    if not any(files(package).joinpath(folder).iterdir()):
        raise SystemExit(f"install-wheel.sh: {package}/{folder} is missing from the wheel")
PY
echo "ictdigest installed in $venv"
