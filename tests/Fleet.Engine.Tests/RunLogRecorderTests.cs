using Fleet.Cli.Progress;
using Fleet.Engine.Apply;
using Fleet.State;

namespace Fleet.Engine.Tests;

/// <summary>What of a run goes to the state's log: every provider line and each new stage, with the run's secret masked.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunLogRecorderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-run-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string[]> RecordedAsync(string? secret, params FleetEvent[] events)
    {
        var ct = CancellationToken.None;
        await using var store = await StateStore.OpenAsync(Path.Combine(_dir, "state.db"), ct);
        var run = await store.BeginRunAsync("apply", "", ct);
        var recorder = new RunLogRecorder(store, run, secret);
        foreach (var e in events)
        {
            recorder.OnEvent(e);
        }

        return [.. (await store.GetEventsAsync(run, ct)).Select(e => $"{e.Kind}: {e.Message}")];
    }

    private static FleetEvent Event(FleetEventKind kind) => FleetEvent.Now(kind) with { Resource = "node.a" };

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_sudo_password_of_the_run_is_masked_in_every_stored_line()
    {
        var recorded = await RecordedAsync("hunter2", Event(FleetEventKind.Log) with { Level = "stderr", Text = "sudo said hunter2 twice: hunter2" });

        Assert.Equal(["stderr: sudo said *** twice: ***"], recorded);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Each_stage_is_recorded_once_and_every_log_line_with_its_level()
    {
        var recorded = await RecordedAsync(
            null,
            Event(FleetEventKind.Progress) with { Stage = "copying" },
            Event(FleetEventKind.Progress) with { Stage = "copying", Done = 1, Expected = 2, Unit = "bytes" },
            Event(FleetEventKind.Log) with { Level = "info", Text = "copying path 'x'" },
            Event(FleetEventKind.Log) with { Level = "warn", Text = "not rebooting" });

        Assert.Equal(["stage: copying", "log: copying path 'x'", "warning: not rebooting"], recorded);
    }
}
