#!/usr/bin/env bash
# Debian's openarena-server: a real Quake 3-family server the quake3 tests run against.
#   bash scripts/openarena.sh install          install it with apt when absent (root only)
#   bash scripts/openarena.sh start [port]     run it on 127.0.0.1 with bots (rcon password: secret)
set -euo pipefail

BINARY=/usr/games/openarena-server

case "${1:-}" in
  install)
    if [ -x "$BINARY" ]; then
      echo "openarena-server already installed ($BINARY)"
      exit 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
      echo "openarena-server is missing and we are not root: install it with" >&2
      echo "  sudo apt-get update && sudo apt-get install -y openarena-server" >&2
      exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "openarena-server is missing and apt-get is not available: install Debian's openarena-server package" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq openarena-server >/dev/null
    [ -x "$BINARY" ] || { echo "apt-get finished but $BINARY is still missing" >&2; exit 1; }
    echo "openarena-server installed"
    ;;
  start)
    [ -x "$BINARY" ] || { echo "run: bash scripts/openarena.sh install" >&2; exit 1; }
    port="${2:-27960}"
    home="$(mktemp -d)"
    trap 'rm -rf "$home"' EXIT
    # fs_homepath is $HOME/<com_homepath>: keep everything the server writes in a temp dir.
    HOME="$home" exec "$BINARY" +set com_homepath oa-home +set dedicated 1 +set net_ip 127.0.0.1 \
      +set net_port "$port" +set rconPassword secret +set bot_enable 1 +set sv_maxclients 16 \
      +map oa_dm1 +addbot Grism 1 +addbot Sarge 1 +addbot Angelyss 1 +addbot Gargoyle 1
    ;;
  *)
    echo "usage: bash scripts/openarena.sh install | start [port]" >&2
    exit 2
    ;;
esac
