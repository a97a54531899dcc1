# deployment.secrets: files uploaded to the node without entering any Nix store.
{ ... }: { }
