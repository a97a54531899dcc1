# STAND-IN (nixpkgs stand-in, not NixOS): builds the toplevel. Run by the host's /bin/sh.
mkdir -p "$out/bin" "$out/etc" "$out/sw/bin" "$out/units"

printf '%s\n' "$nixosVersion" >"$out/nixos-version"
printf '%s\n' "$targetSystem" >"$out/system"
cat >"$out/standin" <<MARK
This system was built by the nixpkgs STAND-IN of the fleet tests (tests/nixpkgs-standin).
It is not NixOS: services run as plain processes, without systemd.
MARK

sed "s|@out@|$out|g" "$activatePath" >"$out/activate"
sed "s|@out@|$out|g" "$dryActivatePath" >"$out/dry-activate"
sed -e "s|@out@|$out|g" -e "s|@unitsLib@|$unitsLib|g" "$switchScript" >"$out/bin/switch-to-configuration"
sed "s|@out@|$out|g" "$initScript" >"$out/init"
chmod +x "$out/activate" "$out/dry-activate" "$out/bin/switch-to-configuration" "$out/init"

# As NixOS' toplevel: what only a reboot brings into use (stand-in files, see ../boot/kernel.nix).
ln -s "$kernel" "$out/kernel"
ln -s "$initrd" "$out/initrd"
ln -s "$kernelModules" "$out/kernel-modules"

# /etc: one link per entry; etc-entries drops the source column.
: >"$out/etc-entries"
while IFS='	' read -r mode user group target source; do
  [ -n "$target" ] || continue
  mkdir -p "$out/etc/$(dirname "$target")"
  ln -s "$source" "$out/etc/$target"
  printf '%s\t%s\t%s\t%s\n' "$mode" "$user" "$group" "$target" >>"$out/etc-entries"
done <"$etcLinesPath"

# sw/bin: first package providing a name wins.
for p in $swPaths; do
  for d in "$p/bin" "$p/sbin"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
      [ -e "$f" ] || [ -L "$f" ] || continue
      n=${f##*/}
      [ -e "$out/sw/bin/$n" ] || [ -L "$out/sw/bin/$n" ] || ln -s "$f" "$out/sw/bin/$n"
    done
  done
done

while IFS='	' read -r name path; do
  [ -n "$name" ] && ln -s "$path" "$out/units/$name"
done <"$unitLinesPath"
cp "$unitsJsonPath" "$out/units.json"
grep -v '^$' "$unitOrderPath" >"$out/unit-order" || true

. "$extraCmdsPath"
