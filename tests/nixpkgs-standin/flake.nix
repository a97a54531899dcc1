# STAND-IN for the nixpkgs flake (NOT nixpkgs), for tests that want `inputs.nixpkgs`: point the
# input at this directory (e.g. `--override-input nixpkgs path:tests/nixpkgs-standin`).
# Outputs: lib (with lib.nixosSystem), legacyPackages.<system>. See README.md.
{
  description = "fleet tests: STAND-IN for the parts of nixpkgs fleet uses (not nixpkgs)";

  outputs = { self, ... }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);
    in
    {
      lib = (import ./lib) // {
        nixosSystem = args: import ./nixos/lib/eval-config.nix ({ lib = self.lib; } // args);
      };
      legacyPackages = forSystems (system: import ./. { inherit system; });
    };
}
