#!/bin/sh
# Verify the deployment files as far as this machine allows; exit non-zero on a failure.
#   deploy/check-deploy.sh          (make deploy-check)
# 1. the Dockerfile's stage 1 (build the ictdigest wheel) and stage 2 (install-wheel.sh into a
#    clean venv) — dependencies come from .venv instead of the registry;
# 2. the systemd unit with `systemd-analyze verify`, its ExecStart pointed at that venv;
# 3. every COPY source of the Dockerfile and the compose file's paths exist;
# 4. `docker build`, only when a Docker engine answers (none does in CI here).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
say() { printf '%-32s %s\n' "$1" "$2"; }

"$python" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$work/wheels" "$root" \
    && say "wheel build" ok || { say "wheel build" FAILED; failed=1; }
site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if ICTDIGEST_DEPS_SITE=$site PYTHON=$python "$root/deploy/install-wheel.sh" "$work/wheels" \
    "$work/venv" > "$work/install.log" 2>&1; then
    say "install-wheel.sh in a clean venv" ok
else
    say "install-wheel.sh in a clean venv" FAILED; cat "$work/install.log"; failed=1
fi

if command -v systemd-analyze > /dev/null 2>&1; then
    sed "s|/opt/ictdigest|$work/venv|g" "$root/deploy/ictdigest.service" > "$work/ictdigest.service"
    if systemd-analyze verify "$work/ictdigest.service" > "$work/verify.log" 2>&1 \
        && [ ! -s "$work/verify.log" ]; then
        say "systemd-analyze verify" ok
    else
        say "systemd-analyze verify" FAILED; cat "$work/verify.log"; failed=1
    fi
else
    say "systemd-analyze verify" "NOT RUN: systemd-analyze is not installed"; failed=1
fi

missing=""
for src in $(sed -n 's/^COPY \([^-][^ ]*\( [^ ]*\)*\) [^ ]*$/\1/p' "$root/deploy/Dockerfile"); do
    [ -e "$root/$src" ] || missing="$missing $src"
done
for path in deploy/.env.example deploy/Dockerfile; do
    [ -e "$root/$path" ] || missing="$missing $path"
done
if [ -z "$missing" ]; then say "Dockerfile/compose paths" ok
else say "Dockerfile/compose paths" "FAILED: missing$missing"; failed=1; fi

for script in install-wheel.sh check-deploy.sh ictdigestctl; do
    sh -n "$root/deploy/$script" || { say "sh -n $script" FAILED; failed=1; }
done

if docker info > /dev/null 2>&1; then
    if docker build -q -f "$root/deploy/Dockerfile" -t ictdigest:check "$root" > /dev/null; then
        say "docker build" ok
    else
        say "docker build" FAILED; failed=1
    fi
else
    say "docker build" "NOT RUN: no Docker engine here"
fi
exit $failed
