using Fleet.Protocol;
using Fleet.Providers.Dummy;

// A provider for tests, built on the host library. argv[0] (or FLEET_DUMMY_MODE) picks how it
// behaves on `create`: well-behaved, crash, hang, malformed, wrong-id, slow, patient, recording. argv[1] names the
// provider (default `dummy`; its type is `<name>.thing`). With FLEET_DUMMY_STATE_DIR set, things
// are kept as files there, so they survive the provider's restart between runs.
var mode = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("FLEET_DUMMY_MODE") ?? "well-behaved";
var name = args.Length > 1 ? args[1] : "dummy";
if (Environment.GetEnvironmentVariable("FLEET_DUMMY_PID_FILE") is { Length: > 0 } pidFile)
{
    // Where tests find this provider's process (to see that it lives, or kill it).
    File.WriteAllText(pidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

// In `recording` mode argv[1] is a whole type (`nixos.system`), served by a RecordingHandler.
var server = mode == "recording"
    ? new ProviderServer(new ProviderDefinition(name.Split('.')[0], "1.0.0", [new RecordingHandler(name)]))
    : new ProviderServer(new ProviderDefinition(name, "1.0.0", [new ThingHandler(mode, name)]));
return await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
