using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Providers.Dummy;

/// <summary>
/// A stand-in for a built-in type (`nixos.system`, `secret.file`) in tests of the command line:
/// takes any inputs and does nothing with them but append `applied ID INPUTS` (the inputs as one
/// line of JSON) to FLEET_DUMMY_CALL_LOG, so a test sees what each resource was applied with.
/// </summary>
internal sealed class RecordingHandler(string type) : ResourceHandler
{
    private static readonly Lock s_logGate = new();
    private static readonly JsonElement s_anyObject = ParseJson("""{"type":"object"}""");
    private readonly string? _callLog = Environment.GetEnvironmentVariable("FLEET_DUMMY_CALL_LOG");

    public override string Type => type;

    public override JsonElement InputSchema => s_anyObject;

    public override JsonElement OutputSchema => s_anyObject;

    public override Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Record($"applied {request.Id} {JsonSerializer.Serialize(request.Inputs, DummyJsonContext.Default.JsonElement)}");
        return Task.FromResult(new ApplyResult(ParseJson("{}")));
    }

    public override Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Record($"deleted {request.Id}");
        return Task.CompletedTask;
    }

    private void Record(string line)
    {
        if (_callLog is not null)
        {
            lock (s_logGate)
            {
                File.AppendAllText(_callLog, line + "\n");
            }
        }
    }
}
