# deployment.hooks: commands run around the node's activation.
{ ... }: { }
