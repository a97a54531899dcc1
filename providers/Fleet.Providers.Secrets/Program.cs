using Fleet.Protocol;
using Fleet.Providers.Secrets;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// fleet-provider-secret: the `secret` provider, owning `secret.file` resources.
await using var secrets = new SecretFileHandler();
var server = new ProviderServer(new ProviderDefinition("secret", FleetVersion.Current, [secrets]));
return await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
