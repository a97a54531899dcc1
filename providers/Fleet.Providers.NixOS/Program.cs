using Fleet.Protocol;
using Fleet.Providers.NixOS;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// fleet-provider-nixos: the `nixos` provider, owning `nixos.system` resources.
await using var systems = new NixosSystemHandler();
var server = new ProviderServer(new ProviderDefinition("nixos", FleetVersion.Current, [systems]));
return await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
