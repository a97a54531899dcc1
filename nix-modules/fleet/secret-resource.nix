# One `secret.file` resource for a node's deployment.resources, from the fields of a secret
# (deployment.secrets) or a Colmena key (deployment.keys, see keys.nix).
# Uploaded before the node's activation (the system waits for it) or after it (it waits for the
# system). `file` is passed by name only (toString: a Nix path is never copied into the store).
{ lib }:
connection: key: s: {
  type = "secret.file";
  inputs = lib.filterAttrs (_: v: v != null) ({
    name = key;
    inherit (s) text command destination owner group mode upload restartUnits;
    file = if s.file == null then null else toString s.file;
  } // connection);
  beforeSystem = s.upload == "before-activation";
  dependsOn = lib.optional (s.upload == "after-activation") "@system";
}
