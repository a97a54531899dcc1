# STAND-IN kernels (nixpkgs stand-in, NOT nixpkgs): nothing is compiled or booted. A "kernel" is
# a small labelled file, $out/bzImage, in a store path named like the real one (linux-VERSION,
# plus the stand-in's -standin label), so that a system's kernel can change as on NixOS: the
# toplevel's `kernel` link then points elsewhere and a reboot is needed to run it.
{ trivial }:
let
  # linux { version } -> a kernel; `.override { version = ...; }` gives another.
  linux = { version }:
    trivial.runCommand "linux-${version}-standin"
      {
        inherit version;
        passthru = {
          inherit version;
          pname = "linux";
          modDirVersion = version;
          override = args: linux ({ inherit version; } // args);
        };
      }
      ''
        mkdir -p "$out"
        printf 'STAND-IN kernel image for linux %s (tests/nixpkgs-standin): not a kernel, nothing boots it.\n' "$version" >"$out/bzImage"
      '';

  # As nixpkgs' linuxPackagesFor: the package set of a kernel (only `kernel` here).
  linuxPackagesFor = kernel: { inherit kernel; };

  linux_6_6 = linux { version = "6.6.1"; };
  linux_latest = linux { version = "6.7.2"; };
in
{
  inherit linuxPackagesFor linux_6_6 linux_latest;
  linux = linux_6_6;
  linuxPackages = linuxPackagesFor linux_6_6;
  linuxPackages_6_6 = linuxPackagesFor linux_6_6;
  linuxPackages_latest = linuxPackagesFor linux_latest;
}
