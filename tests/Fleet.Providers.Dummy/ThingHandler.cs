using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Providers.Dummy;

/// <summary>
/// `dummy.thing`: remembers its inputs in memory and echoes `value`; misbehaves on `create` as
/// told. With FLEET_DUMMY_CALL_LOG set it appends `start|end|fail create|update|delete ID` lines
/// to that file, so tests see the order of calls; FLEET_DUMMY_STEP_DELAY_MS makes each update
/// and delete take that long, and FLEET_DUMMY_FAIL_DELETE (ids, comma-separated) fails the
/// deletes of those things, which stay. In `slow` mode, FLEET_DUMMY_HOLD_FILE holds each create
/// after the first FLEET_DUMMY_UNHELD_CREATES (default 0) until that file exists or the call is
/// cancelled (a state the test releases), and logs `cancelled create ID` when `$/cancel` ends
/// it; FLEET_DUMMY_IGNORE_CANCEL=1 makes the hold deaf to cancellation, and
/// FLEET_DUMMY_CHILD_PID_FILE makes each held create start a child process (`sleep`), whose pid
/// it writes to that file, and wait for it: a provider's child, for containment tests;
/// FLEET_DUMMY_CLEANUP_HOLD_FILE gives a cancelled create a cleanup held until that file exists
/// (<see cref="CleanUpAsync"/>). Without a hold file, each create takes FLEET_DUMMY_DELAY_MS.
/// In `patient` mode the thing's `value` says how its create behaves, so one process serves
/// calls of every kind at once: `silent:FILE` says nothing until cancelled, then writes FILE;
/// `chatty:FILE` logs `still working (N)` every 100 ms until FILE exists; `beating:FILE` says
/// nothing but the heartbeat of <see cref="ProviderCall.KeepAlive"/> (every 100 ms) until FILE
/// exists; `malformed` writes a line that is not JSON; anything else answers at once.
/// </summary>
internal sealed class ThingHandler : ResourceHandler
{
    private static readonly Lock s_logGate = new();

    private static readonly JsonElement s_inputs = ParseJson("""
        {"type":"object","required":["name","value"],"properties":{"name":{"type":"string"},"value":{"type":"string"}},"additionalProperties":false}
        """);

    private static readonly JsonElement s_outputs = ParseJson("""
        {"type":"object","required":["echo"],"properties":{"echo":{"type":"string"}}}
        """);

    private readonly string _mode;
    private readonly string _type;
    private readonly string? _stateDir = Environment.GetEnvironmentVariable("FLEET_DUMMY_STATE_DIR");
    private readonly string? _callLog = Environment.GetEnvironmentVariable("FLEET_DUMMY_CALL_LOG");
    private readonly ConcurrentDictionary<string, JsonElement> _things = new(StringComparer.Ordinal);
    private int _creates;

    public ThingHandler(string mode, string providerName = "dummy")
    {
        _mode = mode;
        _type = providerName + ".thing";
        if (_stateDir is not null)
        {
            Directory.CreateDirectory(_stateDir);
            foreach (var file in Directory.GetFiles(_stateDir, "*.json"))
            {
                _things[Uri.UnescapeDataString(Path.GetFileNameWithoutExtension(file))] = ParseJson(File.ReadAllText(file));
            }
        }
    }

    public override string Type => _type;

    public override JsonElement InputSchema => s_inputs;

    public override JsonElement OutputSchema => s_outputs;

    public override ImmutableArray<string> ReplaceOnChange => ["name"];

    public override async Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        Record("start create", request.Id);
        await call.LogAsync("info", "creating", cancellationToken).ConfigureAwait(false);
        switch (_mode)
        {
            case "crash":
                await Console.Error.WriteLineAsync("dummy: about to crash").ConfigureAwait(false);
                Environment.Exit(137);
                break;
            case "hang":
                await Console.Error.WriteLineAsync("dummy: hanging").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, CancellationToken.None).ConfigureAwait(false);
                break;
            case "malformed":
                await WriteRawAsync("this is not json {").ConfigureAwait(false);
                break;
            case "wrong-id":
                await WriteRawAsync("""{"jsonrpc":"2.0","id":424242,"result":{"outputs":{"echo":"x"}}}""").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                break;
            case "slow":
                try
                {
                    await SlowAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Record("cancelled create", request.Id);
                    await CleanUpAsync(request.Id, call).ConfigureAwait(false);
                    throw;
                }

                break;
            case "patient":
                await PatientAsync(request, call, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }

        Record("end create", request.Id);
        return Apply(request);
    }

    public override async Task<ApplyResult> UpdateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        Record("start update", request.Id);
        await StepDelayAsync(cancellationToken).ConfigureAwait(false);
        Record("end update", request.Id);
        return Apply(request);
    }

    public override async Task<ReadResult> ReadAsync(ReadParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        // FLEET_DUMMY_FAIL_READ (ids, comma-separated): those things cannot be reached, as a node that is down; the provider logs it first, as the nixos provider does.
        if ((Environment.GetEnvironmentVariable("FLEET_DUMMY_FAIL_READ")?.Split(',') ?? []).Contains(request.Id, StringComparer.Ordinal))
        {
            await call.LogAsync("error", $"cannot reach {request.Id}", cancellationToken).ConfigureAwait(false);
            throw new ResourceFailedException($"dummy: cannot reach {request.Id} (told to fail reading it)");
        }

        return _things.TryGetValue(request.Id, out var inputs)
            ? new ReadResult(true, inputs, Outputs(inputs))
            : new ReadResult(false, null, null);
    }

    public override async Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        Record("start delete", request.Id);
        await StepDelayAsync(cancellationToken).ConfigureAwait(false);
        var failing = Environment.GetEnvironmentVariable("FLEET_DUMMY_FAIL_DELETE")?.Split(',') ?? [];
        if (failing.Contains(request.Id, StringComparer.Ordinal))
        {
            Record("fail delete", request.Id);
            throw new ResourceFailedException($"dummy: told to fail deleting {request.Id}");
        }

        _things.TryRemove(request.Id, out _);
        if (_stateDir is not null)
        {
            File.Delete(FileOf(request.Id));
        }

        Record("end delete", request.Id);
    }

    private async Task SlowAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("FLEET_DUMMY_HOLD_FILE") is not { Length: > 0 } hold)
        {
            var delay = int.TryParse(Environment.GetEnvironmentVariable("FLEET_DUMMY_DELAY_MS"), out var ms) ? ms : 30_000;
            await Task.Delay(TimeSpan.FromMilliseconds(delay), cancellationToken).ConfigureAwait(false);
            return;
        }

        var unheld = int.TryParse(Environment.GetEnvironmentVariable("FLEET_DUMMY_UNHELD_CREATES"), out var n) ? n : 0;
        if (Interlocked.Increment(ref _creates) <= unheld)
        {
            return;
        }

        var held = Environment.GetEnvironmentVariable("FLEET_DUMMY_IGNORE_CANCEL") == "1" ? CancellationToken.None : cancellationToken;
        using var child = StartChild();
        try
        {
            while (!File.Exists(hold))
            {
                await Task.Delay(50, held).ConfigureAwait(false);
            }
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill();
            }
        }
    }

    /// <summary>
    /// With FLEET_DUMMY_CLEANUP_HOLD_FILE: a cancelled create's cleanup (as the nixos provider tells
    /// a node to roll back), held until that file exists, under <see cref="ProviderCall.KeepAliveWhileCancelling"/>;
    /// logs `start cleanup ID` and `end cleanup ID`.
    /// </summary>
    private async Task CleanUpAsync(string id, ProviderCall call)
    {
        if (Environment.GetEnvironmentVariable("FLEET_DUMMY_CLEANUP_HOLD_FILE") is not { Length: > 0 } hold)
        {
            return;
        }

        await using var beats = call.KeepAliveWhileCancelling();
        Record("start cleanup", id);
        while (!File.Exists(hold))
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        Record("end cleanup", id);
    }

    /// <summary>With FLEET_DUMMY_CHILD_PID_FILE: a child process that runs until the create ends (or the provider dies).</summary>
    private static System.Diagnostics.Process? StartChild()
    {
        if (Environment.GetEnvironmentVariable("FLEET_DUMMY_CHILD_PID_FILE") is not { Length: > 0 } pidFile)
        {
            return null;
        }

        var child = new Fleet.Processes.ProcessRunner().Start(Fleet.Processes.ProcessSpec.Create("sleep", "100000"));
        File.WriteAllText(pidFile + ".tmp", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(pidFile + ".tmp", pidFile, overwrite: true);
        return child;
    }

    private static async Task PatientAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        var value = request.Inputs.GetProperty("value").GetString() ?? "";
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var (behaviour, file) = colon < 0 ? (value, "") : (value[..colon], value[(colon + 1)..]);
        switch (behaviour)
        {
            case "silent":
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await File.WriteAllTextAsync(file, "cancelled\n", CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                break;
            case "chatty":
                for (var n = 1; !File.Exists(file); n++)
                {
                    await call.LogAsync("info", $"still working ({n})", cancellationToken).ConfigureAwait(false);
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }

                break;
            case "beating":
                await call.ProgressAsync("waiting", null, cancellationToken).ConfigureAwait(false);
                await using (call.KeepAlive(TimeSpan.FromMilliseconds(100)))
                {
                    while (!File.Exists(file))
                    {
                        await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    }
                }

                break;
            case "malformed":
                await WriteRawAsync("this is not json {").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    private static Task StepDelayAsync(CancellationToken cancellationToken) =>
        int.TryParse(Environment.GetEnvironmentVariable("FLEET_DUMMY_STEP_DELAY_MS"), out var ms)
            ? Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken)
            : Task.CompletedTask;

    private void Record(string what, string id)
    {
        if (_callLog is not null)
        {
            lock (s_logGate)
            {
                File.AppendAllText(_callLog, $"{what} {id}\n");
            }
        }
    }

    private ApplyResult Apply(ApplyParams request)
    {
        _things[request.Id] = request.Inputs.Clone();
        if (_stateDir is not null)
        {
            File.WriteAllText(FileOf(request.Id), request.Inputs.GetRawText());
        }

        return new ApplyResult(Outputs(request.Inputs));
    }

    private string FileOf(string id) => Path.Combine(_stateDir!, Uri.EscapeDataString(id) + ".json");

    private static JsonElement Outputs(JsonElement inputs) =>
        JsonSerializer.SerializeToElement(
            new Dictionary<string, string> { ["echo"] = inputs.GetProperty("value").GetString() ?? "" },
            DummyJsonContext.Default.DictionaryStringString);

    private static async Task WriteRawAsync(string line)
    {
        var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line + "\n")).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
    }
}
