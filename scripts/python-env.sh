# Sourced by scripts/start and scripts/test: pick the Python to run and install packages into.
# Inside a virtual environment, that one; otherwise the project's own .venv, created on first use,
# because Debian's and Ubuntu's Python refuse `pip install` outside one (PEP 668). The .venv sees the
# machine's installed packages (--system-site-packages), so pip only adds what is missing.

in_venv() { "$1" -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else 1)' 2>/dev/null; }

if in_venv python3; then
  PY=python3
else
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating a virtual environment in .venv (the app's packages stay in this folder)"
    if ! python3 -m venv --system-site-packages .venv; then
      rm -rf .venv
      if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "==> Installing Debian's python3-venv (needed to create .venv)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv --system-site-packages .venv
      else
        echo "error: 'python3 -m venv' failed. Install the venv module (Debian/Ubuntu: sudo apt install python3-venv)" \
             "and run this again." >&2
        exit 1
      fi
    fi
  fi
  PY=.venv/bin/python
fi

# install_requirements FILE: pip install -r FILE, skipped when FILE (and what it includes) is unchanged.
install_requirements() {
  local stamp sum
  sum=$(cat "$1" requirements.txt | sha256sum | cut -d' ' -f1)
  stamp="$("$PY" -c 'import sys; print(sys.prefix)')/.autoplaylists-$(basename "$1").sha256"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  echo "==> Installing Python packages from $1 (the first time takes a few minutes)"
  if ! PYTHONUNBUFFERED=1 "$PY" -m pip install --disable-pip-version-check --progress-bar on -r "$1" \
      | { grep --line-buffered -v '^Requirement already satisfied' || true; }; then
    echo "error: installing the packages of $1 failed (see above)" >&2
    exit 1
  fi
  echo "$sum" > "$stamp"
}
