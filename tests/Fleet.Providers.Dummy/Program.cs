using System.Collections.Immutable;
using Fleet.Protocol;
using Fleet.Providers.Dummy;

// A provider for tests, built on the host library. argv[0] (or FLEET_DUMMY_MODE) picks how it
// behaves on `create`: well-behaved, crash, hang, malformed, wrong-id.
var mode = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("FLEET_DUMMY_MODE") ?? "well-behaved";
var server = new ProviderServer(new ProviderDefinition("dummy", "1.0.0", [new ThingHandler(mode)]));
return await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
