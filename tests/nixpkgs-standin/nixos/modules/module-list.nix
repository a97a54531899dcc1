# STAND-IN: the NixOS modules the nixpkgs stand-in declares (a tiny subset of real NixOS).
[
  ./misc/assertions.nix
  ./misc/version.nix
  ./misc/nixpkgs.nix
  ./misc/accepted-no-ops.nix
  ./config/networking.nix
  ./config/users-groups.nix
  ./config/system-path.nix
  ./config/nix.nix
  ./security/sudo.nix
  ./services/openssh.nix
  ./system/etc/etc.nix
  ./system/activation/activation-script.nix
  ./system/activation/top-level.nix
  ./system/boot/systemd.nix
  ./system/boot/kernel.nix
]
