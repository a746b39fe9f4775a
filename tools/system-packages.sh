#!/usr/bin/env bash
# Install the Debian packages EasyVoice needs, where this machine lets us; otherwise say exactly how.
# Usage: tools/system-packages.sh [--optional] PACKAGE...
#   --optional: a package that cannot be installed is reported, and the caller goes on.
set -u
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get); else apt=(); fi
if [ ${#apt[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  if "${apt[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null; then
    exit 0
  fi
fi
echo "EasyVoice needs these Debian packages: ${missing[*]}"
echo "Install them with:  sudo apt-get install ${missing[*]}"
if [ "$optional" -eq 1 ]; then
  echo "(Going on without them: pages will use the browser's own speech instead of built audio.)"
  exit 0
fi
exit 1
