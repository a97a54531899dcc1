using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Tests;

/// <summary>A misbehaving provider fails only its own calls, with a message naming provider and resource.</summary>
public sealed class ProviderClientTests
{
    private static readonly ProcessRunner Runner = new();

    private static ApplyParams Thing(string id) =>
        new(id, "dummy.thing", TestProviders.Json("""{"name":"n","value":"v"}"""), null, null);

    private static async Task AssertOtherProviderWorksAsync()
    {
        await using var healthy = await ProviderClient.StartAsync(TestProviders.Dummy("well-behaved"), Runner, CancellationToken.None);
        var result = await healthy.CreateAsync(Thing("other"), CancellationToken.None);
        Assert.Equal("v", result.Outputs.GetProperty("echo").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_crashing_provider_fails_its_call_with_exit_code_and_stderr_while_another_keeps_working()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("crash"), Runner, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        Assert.Equal("dummy-crash", error.Provider);
        Assert.Equal("notes", error.ResourceId);
        Assert.Contains("provider `dummy-crash` crashed (exit code 137) while creating `notes`", error.Message, StringComparison.Ordinal);
        Assert.Contains("dummy: about to crash", error.Message, StringComparison.Ordinal);
        await AssertOtherProviderWorksAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hanging_provider_fails_its_call_after_its_timeout()
    {
        // 2 s bounds the calls, not the start: `initialize` gets minutes, and `create` is the first call after it.
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("hang", TimeSpan.FromSeconds(2)), Runner, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        Assert.Contains("provider `dummy-hang` said nothing about `notes` for 2s while creating it", error.Message, StringComparison.Ordinal);
        await AssertOtherProviderWorksAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_writing_malformed_json_fails_its_call()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("malformed"), Runner, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        Assert.Contains("provider `dummy-malformed` wrote malformed JSON on stdout", error.Message, StringComparison.Ordinal);
        Assert.Contains("while creating `notes`", error.Message, StringComparison.Ordinal);
        await AssertOtherProviderWorksAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_answering_an_unknown_id_fails_its_call()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("wrong-id"), Runner, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        Assert.Contains("provider `dummy-wrong-id` answered with an unknown id 424242 while creating `notes`", error.Message, StringComparison.Ordinal);
        await AssertOtherProviderWorksAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Calls_after_a_crash_fail_with_the_same_reason()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("crash"), Runner, CancellationToken.None);
        await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        var later = await Assert.ThrowsAsync<ProviderException>(() => client.PlanAsync(
            new PlanParams("later", "dummy.thing", null, null, TestProviders.Json("{}")), CancellationToken.None));

        Assert.Contains("crashed (exit code 137) while planning `later`", later.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_missing_from_disk_is_a_clear_error()
    {
        var declaration = new ProviderDeclaration("ghost", ["/nonexistent/fleet-provider-ghost"], TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ProviderException>(() => ProviderClient.StartAsync(declaration, Runner, CancellationToken.None));

        Assert.Contains("provider `ghost` could not be started: `/nonexistent/fleet-provider-ghost` is missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.ExitCode);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Cancelling_a_call_sends_cancel_and_the_provider_stays_usable()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("slow"), Runner, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CreateAsync(Thing("slow"), cancel.Token));

        Assert.Null(client.Fault);
        var read = await client.ReadAsync(new ReadParams("slow", "dummy.thing", TestProviders.Json("{}"), TestProviders.Json("{}")), CancellationToken.None);
        Assert.False(read.Exists);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Log_notifications_and_stderr_lines_become_events()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("crash"), Runner, CancellationToken.None);
        var logs = new System.Collections.Concurrent.ConcurrentQueue<LogParams>();
        client.Log += logs.Enqueue;

        await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("notes"), CancellationToken.None));

        Assert.Contains(logs, l => l is { Level: "info", Resource: "notes", Text: "creating" });
        Assert.Contains(logs, l => l is { Level: "stderr", Text: "dummy: about to crash" });
    }
}
