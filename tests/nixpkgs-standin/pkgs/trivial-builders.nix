# STAND-IN for nixpkgs' trivial builders (pkgs/build-support/trivial-builders), NOT nixpkgs.
# Same call signatures as the real ones for the common cases; every derivation is built by the
# host's /bin/sh with PATH=/usr/bin:/bin (there is no stdenv), so the Nix sandbox must be off.
{ system }:
let
  hostPath = "/usr/bin:/bin";

  # Derivation attributes that are not environment variables in real nixpkgs either.
  splitPassthru = attrs:
    removeAttrs attrs [ "passthru" "meta" ];
  addPassthru = drv: attrs:
    drv // (attrs.passthru or { }) // { meta = attrs.meta or { }; };

  binPathOf = inputs:
    builtins.concatStringsSep ":" (map (p: "${p}/bin") inputs);

  # runCommand name env buildCommand: run buildCommand with the host's /bin/sh.
  runCommand = name: env: buildCommand:
    let
      inputs = (env.nativeBuildInputs or [ ]) ++ (env.buildInputs or [ ]);
      drv = derivation (splitPassthru env // {
        inherit name system buildCommand;
        builder = "/bin/sh";
        args = [ "-c" ". \"$buildCommandPath\"" ];
        passAsFile = [ "buildCommand" ] ++ (env.passAsFile or [ ]);
        PATH = (if inputs == [ ] then "" else binPathOf inputs + ":") + hostPath;
        nixpkgsStandin = "1";
      });
    in
    addPassthru drv env;

  writeTextFile =
    { name, text, executable ? false, destination ? "", checkPhase ? "", passthru ? { }, meta ? { }, ... }:
    runCommand name
      {
        inherit text passthru meta;
        passAsFile = [ "text" ];
        executable = if executable then "1" else "";
        inherit destination;
      }
      ''
        target="$out$destination"
        mkdir -p "$(dirname "$target")"
        cp "$textPath" "$target"
        if [ -n "$executable" ]; then chmod +x "$target"; fi
        ${checkPhase}
      '';

  writeText = name: text: writeTextFile { inherit name text; };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeScriptBin = name: text: writeTextFile { inherit name text; executable = true; destination = "/bin/${name}"; };

  # The shebang is the host's bash: the stand-in's `bash` package only wraps /bin/bash anyway.
  shellPrefix = "#!/bin/bash\n";
  writeShellScript = name: text: writeScript name (shellPrefix + text);
  writeShellScriptBin = name: text: writeScriptBin name (shellPrefix + text);

  writeShellApplication = { name, text, runtimeInputs ? [ ], runtimeEnv ? { }, ... }:
    writeShellScriptBin name (''
      set -o errexit -o nounset -o pipefail
    '' + (if runtimeInputs == [ ] then "" else ''
      export PATH="${binPathOf runtimeInputs}:$PATH"
    '') + builtins.concatStringsSep "" (map (k: "export ${k}=${escapeShellArg (toString runtimeEnv.${k})}\n") (builtins.attrNames runtimeEnv))
    + text);

  escapeShellArg = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";

  symlinkJoin = { name, paths, postBuild ? "", passthru ? { }, meta ? { }, ... }:
    runCommand name { inherit passthru meta; pathsToJoin = paths; } ''
      mkdir -p "$out"
      for p in $pathsToJoin; do
        (cd "$p" && find . -mindepth 1 \( -type f -o -type l \) -print) | while IFS= read -r f; do
          [ -e "$out/$f" ] || [ -L "$out/$f" ] && continue
          mkdir -p "$out/$(dirname "$f")"
          ln -s "$p/$f" "$out/$f"
        done
      done
      ${postBuild}
    '';
in
{
  inherit runCommand writeTextFile writeText writeScript writeScriptBin writeShellScript
    writeShellScriptBin writeShellApplication symlinkJoin;
  runCommandLocal = runCommand;
  runCommandNoCC = runCommand;
  runCommandCC = runCommand;
  writeTextDir = path: text: writeTextFile { name = builtins.baseNameOf path; inherit text; destination = "/${path}"; };
}
