# STAND-IN packages that wrap programs of the HOST (Debian) instead of building them. NOT nixpkgs.
# Each is a tiny derivation whose $out/bin/<prog> is a symlink to the host's binary, so it has a
# store path, can go into environment.systemPackages and a service's `path`, and is copied to test
# nodes like any closure (the node shares the host's /usr and /bin, so the links resolve there).
{ system, trivial }:
let
  # Link each program found in the host's /usr/bin, /usr/sbin, /bin or /sbin; missing ones are
  # skipped so that the package builds on a host lacking some of them.
  wrapHost = { pname, version ? "host", programs, passthru ? { } }:
    trivial.runCommand "${pname}-${version}-standin"
      {
        inherit programs;
        passthru = { inherit pname version; } // passthru;
      }
      ''
        mkdir -p "$out/bin"
        for prog in $programs; do
          for dir in /usr/bin /usr/sbin /bin /sbin; do
            if [ -x "$dir/$prog" ]; then ln -s "$dir/$prog" "$out/bin/$prog"; break; fi
          done
        done
      '';

  bash = wrapHost {
    pname = "bash";
    programs = [ "bash" "sh" ];
    passthru.shellPath = "/bin/bash";
  };

  python3 = wrapHost {
    pname = "python3";
    programs = [ "python3" ];
    passthru = {
      interpreter = "${python3}/bin/python3";
      # The host's interpreter cannot gain packages here: withPackages ignores them.
      withPackages = _: python3;
      pkgs = { };
      executable = "python3";
    };
  };
in
{
  inherit bash python3;
  bashInteractive = bash;
  python3Minimal = python3;
  python = python3;

  coreutils = wrapHost {
    pname = "coreutils";
    programs = [
      "basename" "cat" "chgrp" "chmod" "chown" "cp" "cut" "date" "dd" "df" "dirname" "du" "echo"
      "env" "false" "head" "id" "install" "ln" "ls" "md5sum" "mkdir" "mktemp" "mv" "nproc" "printf"
      "pwd" "readlink" "realpath" "rm" "rmdir" "seq" "sha256sum" "sleep" "sort" "stat" "tail" "tee"
      "test" "timeout" "touch" "tr" "true" "uname" "uniq" "wc" "whoami" "yes"
    ];
  };
  gnugrep = wrapHost { pname = "gnugrep"; programs = [ "grep" "egrep" "fgrep" ]; };
  gnused = wrapHost { pname = "gnused"; programs = [ "sed" ]; };
  gawk = wrapHost { pname = "gawk"; programs = [ "awk" "gawk" ]; };
  findutils = wrapHost { pname = "findutils"; programs = [ "find" "xargs" ]; };
  gnutar = wrapHost { pname = "gnutar"; programs = [ "tar" ]; };
  gzip = wrapHost { pname = "gzip"; programs = [ "gzip" "gunzip" "zcat" ]; };
  curl = wrapHost { pname = "curl"; programs = [ "curl" ]; };
  jq = wrapHost { pname = "jq"; programs = [ "jq" ]; };
  procps = wrapHost { pname = "procps"; programs = [ "ps" "pkill" "pgrep" "kill" "free" "uptime" ]; };
  util-linux = wrapHost { pname = "util-linux"; programs = [ "setsid" "flock" "setpriv" "unshare" "nsenter" "mount" "umount" "logger" ]; };
  iproute2 = wrapHost { pname = "iproute2"; programs = [ "ip" "ss" ]; };
  openssh = wrapHost { pname = "openssh"; programs = [ "ssh" "scp" "ssh-keygen" "ssh-keyscan" "sshd" ]; };
  sudo = wrapHost { pname = "sudo"; programs = [ "sudo" ]; };
  nix = wrapHost { pname = "nix"; programs = [ "nix" "nix-build" "nix-instantiate" "nix-store" "nix-env" "nix-copy-closure" ]; };
  shadow = wrapHost { pname = "shadow"; programs = [ "nologin" "passwd" ]; passthru.shellPath = "/bin/nologin"; };
}
