using Fleet.Protocol;
using Fleet.Providers.Hooks;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// fleet-provider-hook: the `hook` provider, owning `hook.command` resources.
await using var hooks = new HookCommandHandler();
var server = new ProviderServer(new ProviderDefinition("hook", FleetVersion.Current, [hooks]));
return await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
