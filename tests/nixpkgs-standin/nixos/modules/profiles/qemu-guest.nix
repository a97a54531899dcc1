# STAND-IN for nixpkgs' nixos/modules/profiles/qemu-guest.nix: accepted so that real-looking configurations that import
# it evaluate; it sets nothing.
{ ... }: { }
