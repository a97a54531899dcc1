# Sourced by script/test, script/demo and script/bench: the Nix they start reads tests/nix/nix.conf
# and nothing else, whatever the machine's or the user's Nix configuration says.
fleet_nix_env() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  export NIX_CONF_DIR="$here" NIX_USER_CONF_FILES=
  unset NIX_CONFIG NIX_REMOTE
}
fleet_nix_env
