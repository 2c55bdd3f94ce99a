#!/bin/sh
# Install the Debian/Ubuntu packages named as arguments when they are missing, with apt-get as
# root or through sudo; otherwise say which packages to install on each system, and stop.
set -eu
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
    done
    [ -z "$missing" ] && exit 0
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" != none ]; then
        echo "Installing system packages:$missing"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
        exit 0
    fi
else
    cat >&2 <<MSG
Not a Debian/Ubuntu system: make sure SpatiaLite, Pango and a CJK font (and, for the tests,
PostgreSQL with PostGIS, GDAL and Chromium) are installed:
  Fedora: sudo dnf install libspatialite pango wqy-microhei-fonts postgresql-server postgis gdal chromium chromedriver
  macOS:  brew install libspatialite pango postgresql postgis gdal && brew install --cask chromium
MSG
    exit 0
fi
cat >&2 <<MSG
Landstock needs these system packages, and cannot install them without root:
  Debian/Ubuntu: sudo apt-get install$missing
  Fedora:        sudo dnf install libspatialite pango wqy-microhei-fonts postgresql-server postgis gdal chromium chromedriver
  macOS:         brew install libspatialite pango postgresql postgis gdal && brew install --cask chromium
Install them, then run the make command again.
MSG
exit 1
