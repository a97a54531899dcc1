# STAND-IN for `import <nixpkgs> { }` -- NOT nixpkgs.
#
# nixpkgs cannot be fetched on the machines fleet is tested on, so the tests bring this small
# substitute: `lib` (./lib), a few trivial builders and wrappers around the HOST's programs
# (/usr/bin/python3, /bin/bash, ...). There is no stdenv and nothing is compiled: every derivation
# here is built by the host's /bin/sh with PATH=/usr/bin:/bin, which only works with the Nix
# sandbox off. Production code never imports this file; the real code path takes nixpkgs from
# the user. See ./README.md.
{ system ? builtins.currentSystem, config ? { }, overlays ? [ ], ... }:
let
  lib = import ./lib;

  trivial = import ./pkgs/trivial-builders.nix { inherit system; };
  host = import ./pkgs/host-programs.nix { inherit system trivial; };

  pkgs = trivial // host // {
    inherit lib system config overlays;
    isStandin = true;
    # As in nixpkgs: the source tree (where nixos/lib/eval-config.nix is), and the `config` and
    # `overlays` the set was imported with.
    path = ./.;

    # Only the bits of stdenv that modules commonly read; building with it is impossible here.
    stdenv = {
      inherit system;
      hostPlatform = { inherit system; isLinux = true; isx86_64 = system == "x86_64-linux"; isAarch64 = system == "aarch64-linux"; };
      buildPlatform = pkgs.stdenv.hostPlatform;
      isLinux = true;
      shell = "${host.bash}/bin/bash";
      mkDerivation = _: throw "nixpkgs stand-in: stdenv.mkDerivation is not available (no stdenv here); use runCommand";
    };
    runtimeShell = "${host.bash}/bin/bash";

    # callPackage without overriding machinery: fills a function's arguments from pkgs.
    callPackage = fn: args:
      let f = if builtins.isFunction fn then fn else import fn;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);

    # A small package, handy in tests (`environment.systemPackages = [ pkgs.hello ]`): bin/hello
    # and a stand-in payload, in hello-VERSION-standin. `pkgs.hello.override { version = "2.12.1"; }`
    # gives another version, which weighs 12 KiB more (sizes differ between versions, as real ones do).
    hello = makeHello { };
  } // kernels;

  kernels = import ./pkgs/kernels.nix { inherit trivial; };

  makeHello = { version ? "2.12", payloadKiB ? (if version == "2.12" then 40 else 52) }:
    trivial.runCommand "hello-${version}-standin"
      {
        inherit version payloadKiB;
        passthru = {
          pname = "hello";
          inherit version;
          override = args: makeHello ({ inherit version; } // args);
        };
      }
      ''
        mkdir -p "$out/bin" "$out/share/hello"
        printf '#!/bin/bash\necho "Hello, world! (nixpkgs stand-in hello %s)"\n' "$version" >"$out/bin/hello"
        chmod +x "$out/bin/hello"
        head -c "$((payloadKiB * 1024))" /dev/zero | tr '\0' h >"$out/share/hello/standin-payload"
      '';
in
builtins.foldl' (acc: overlay: acc // overlay acc acc) pkgs overlays
