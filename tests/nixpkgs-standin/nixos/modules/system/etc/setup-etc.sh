# STAND-IN (nixpkgs stand-in, not NixOS) for setup-etc.pl; sourced by the activation script.
# $systemConfig/etc-entries has one line per file: MODE<TAB>USER<TAB>GROUP<TAB>TARGET.

standin_setup_etc() { # SYSTEM
  local system=$1 manifest=/etc/.fleet-standin-etc new mode user group target old
  new=$(mktemp /etc/.fleet-standin-etc.XXXXXX)

  ln -sfn "$system/etc" /etc/.static.standin-tmp && mv -Tf /etc/.static.standin-tmp /etc/static

  while IFS=$'\t' read -r mode user group target; do
    [ -n "$target" ] || continue
    mkdir -p "/etc/$(dirname "$target")"
    if [ -d "/etc/$target" ] && [ ! -L "/etc/$target" ]; then
      echo "warning: /etc/$target is a directory; not replacing it" >&2
      continue
    fi
    if [ "$mode" = symlink ]; then
      ln -sfn "/etc/static/$target" "/etc/$target.standin-tmp"
    else
      cp -L "$system/etc/$target" "/etc/$target.standin-tmp"
      chown "$user:$group" "/etc/$target.standin-tmp"
      chmod "$mode" "/etc/$target.standin-tmp"
    fi
    mv -Tf "/etc/$target.standin-tmp" "/etc/$target"
    printf '%s\n' "$target" >>"$new"
  done <"$system/etc-entries"

  # Remove what the previous configuration managed and this one does not.
  if [ -f "$manifest" ]; then
    while IFS= read -r old; do
      [ -n "$old" ] || continue
      if ! grep -qxF -- "$old" "$new"; then
        echo "removing obsolete /etc/$old"
        rm -f "/etc/$old"
        if [ "$(dirname "$old")" != . ]; then
          rmdir -p --ignore-fail-on-non-empty "/etc/$(dirname "$old")" 2>/dev/null || true
        fi
      fi
    done <"$manifest"
  fi
  mv -f "$new" "$manifest"
  chmod 0644 "$manifest"
}
