using Fleet.Processes;
using Fleet.State;

namespace Fleet.Engine.Tests;

/// <summary>`fleet state log [RUN]`: every event of a run, from the state.</summary>
public sealed class StateLogCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-state-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string StatePath => Path.Combine(_dir, ".fleet", "state.db");

    private Task<ProcessResult> FleetAsync(params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--state", StatePath]),
            CancellationToken.None);

    private async Task<(long First, long Last)> TwoRunsAsync()
    {
        var ct = CancellationToken.None;
        await using var store = await StateStore.OpenAsync(StatePath, ct);
        var first = await store.BeginRunAsync("apply", "apply --on a", ct);
        store.QueueEvent(first, "node.a", "log", "copying path '/nix/store/x-etc' to 'ssh://root@a'...");
        await store.AppendEventAsync(first, "node.a", "succeeded", "update", ct);
        await store.FinishRunAsync(first, "succeeded", ct);
        var last = await store.BeginRunAsync("apply", "apply", ct);
        store.QueueEvent(last, "node.a", "stage", "health-checks");
        store.QueueEvent(last, "node.a", "log", "health: tcp 127.0.0.1:9999 failed: Connection refused");
        await store.AppendEventAsync(last, "node.a", "failed", "health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to pgd0ij1n", ct);
        await store.FinishRunAsync(last, "failed", ct);
        return (first, last);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task State_log_alone_prints_every_event_of_the_last_run_in_order()
    {
        await TwoRunsAsync();

        var result = await FleetAsync("state", "log");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("run 2 (apply): fleet apply, by ", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            ["[node.a] stage: health-checks", "[node.a] health: tcp 127.0.0.1:9999 failed: Connection refused", "[node.a] failed: health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to pgd0ij1n"],
            lines.Skip(1).Select(l => l[9..]));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task State_log_of_a_run_prints_that_run_s_provider_lines()
    {
        var (first, _) = await TwoRunsAsync();

        var result = await FleetAsync("state", "log", first.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("[node.a] copying path '/nix/store/x-etc' to 'ssh://root@a'...", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("health", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task State_log_of_an_unknown_run_says_so_and_fails()
    {
        await TwoRunsAsync();

        var result = await FleetAsync("state", "log", "99");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no run 99 in the state", result.StandardError, StringComparison.Ordinal);
    }
}
