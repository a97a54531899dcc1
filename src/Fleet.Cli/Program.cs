using Fleet.Cli;

// fleet deploys to Linux nodes from a Linux (or WSL) deployer: OpenSSH, Nix and namespaces.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return await FleetCli.RunAsync(args).ConfigureAwait(false);
