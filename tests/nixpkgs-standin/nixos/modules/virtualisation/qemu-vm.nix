# STAND-IN for nixpkgs' nixos/modules/virtualisation/qemu-vm.nix: accepted so that real-looking configurations that import
# it evaluate; it sets nothing.
{ ... }: { }
