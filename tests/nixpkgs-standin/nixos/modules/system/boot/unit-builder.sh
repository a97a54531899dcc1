# STAND-IN (nixpkgs stand-in): builds one unit directory. Run by the host's /bin/sh.
mkdir -p "$out"
sed "s|@out@|$out|g" "$runPath" >"$out/run"
chmod +x "$out/run"
for f in script preStart postStart reload; do
  eval "src=\$${f}Path"
  case $f in script) dst=script ;; preStart) dst=pre-start ;; postStart) dst=post-start ;; reload) dst=reload ;; esac
  if [ -s "$src" ]; then cp "$src" "$out/$dst"; chmod +x "$out/$dst"; fi
done
cp "$unitJsonPath" "$out/unit.json"
printf '%s\n' "$type" >"$out/type"
printf '%s\n' "$description" >"$out/description"
if [ -n "$wanted" ]; then touch "$out/wanted"; fi
if [ -n "$remainAfterExit" ]; then touch "$out/remain-after-exit"; fi
if [ -n "$restartIfChanged" ]; then touch "$out/restart-if-changed"; fi
if [ -n "$reloadIfChanged" ]; then touch "$out/reload-if-changed"; fi
basename "$out" | cut -d- -f1 >"$out/hash"
