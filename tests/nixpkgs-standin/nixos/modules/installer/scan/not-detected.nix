# STAND-IN for nixpkgs' nixos/modules/installer/scan/not-detected.nix: accepted so that real-looking configurations that import
# it evaluate; it sets nothing.
{ ... }: { }
