using Fleet.Agent.Activation;

namespace Fleet.Agent.Tests;

/// <summary>`fleet-agent reject` where no worker needs to run: before the activation starts, and after it ended.</summary>
public sealed class RejectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-agent-reject").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rejecting_an_activation_that_has_not_started_says_so_and_leaves_the_marker_that_stops_it()
    {
        var files = new AgentFiles(new AgentPaths(_root));

        var (record, code, message) = await new Rejection(files).RejectAsync("early", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Null(record);
        Assert.Equal(ExitCodes.NothingPending, code);
        Assert.Contains("changes nothing", message, StringComparison.Ordinal);
        Assert.True(File.Exists(files.Paths.RejectFile("early")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rejecting_an_activation_that_was_already_confirmed_fails_and_says_the_new_system_stays()
    {
        var files = new AgentFiles(new AgentPaths(_root));
        files.WriteLastActivation(new ActivationRecord(
            "done", "/nix/store/new", "/nix/store/old", "switch", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, Outcomes.Confirmed, ExitCodes.Ok, null, [], "log"));

        var (record, code, message) = await new Rejection(files).RejectAsync("done", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(Outcomes.Confirmed, record?.Outcome);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("already ended as confirmed", message, StringComparison.Ordinal);
        Assert.False(File.Exists(files.Paths.RejectFile("done")));
    }
}
