#!/usr/bin/env bash
# Install the Debian packages EasyVoice needs, where this machine lets us; otherwise say exactly how.
# Usage: tools/system-packages.sh [--optional] PACKAGE...
#   --optional: a package that cannot be installed is reported, and the caller goes on.
# When another program holds the package lock (apt, unattended-upgrades), apt waits for it up to
# APT_LOCK_TIMEOUT seconds (default 300). When apt fails, its own last error line is printed
# plainly, then the command that installs the packages for this user (no sudo for root).
set -u
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then hint="apt-get install ${missing[*]}"; apt=(apt-get)
else
  hint="sudo apt-get install ${missing[*]}"
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get); else apt=(); fi
fi
wait_lock=(-o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT:-300}")
reason=""
if ! command -v apt-get >/dev/null; then
  reason="this machine has no apt-get."
elif [ ${#apt[@]} -eq 0 ] && ! command -v sudo >/dev/null; then
  reason="installing needs root, and this machine has no sudo."
elif [ ${#apt[@]} -eq 0 ]; then
  reason="installing needs root, and sudo asks for a password here."
else
  echo "Installing Debian packages: ${missing[*]} (waiting for the package lock if it is held)"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  # A failed update (no network) is not the end: the lists already here may hold the packages.
  "${apt[@]}" "${wait_lock[@]}" update -qq >"$log" 2>&1
  if DEBIAN_FRONTEND=noninteractive "${apt[@]}" "${wait_lock[@]}" install -y -qq \
      "${missing[@]}" >>"$log" 2>&1; then
    exit 0
  fi
  # apt's own words for what went wrong: its last "E:" line (else its last line of output).
  reason=$(grep -E '^(E|Err):' "$log" | tail -n 1)
  [ -n "$reason" ] || reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
  reason="apt-get said: ${reason:-nothing (it failed without a message).}"
fi
echo "Could not install ${missing[*]}: $reason"
echo "Install them with:  $hint"
if [ "$optional" -eq 1 ]; then
  echo "(Going on without them: pages will use the browser's own speech instead of built audio.)"
  exit 0
fi
exit 1
