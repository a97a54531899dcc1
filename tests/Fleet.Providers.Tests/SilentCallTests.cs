using System.Diagnostics;
using System.Text.Json;
using Fleet.Engine.Providers;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Tests;

/// <summary>
/// Slow is not dead: a provider's timeout is how long one call may stay silent; it fails that call
/// alone and the provider serves on, while a protocol break still ends the provider. The dummy's
/// `patient` mode serves silent, chatty, fast and malformed creates side by side in one process.
/// </summary>
public sealed class SilentCallTests : IDisposable
{
    private static readonly ProcessRunner Runner = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-silent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static ApplyParams Thing(string id, string value) =>
        new(id, "dummy.thing", TestProviders.Json($$"""{"name":"n","value":"{{JsonEncodedText.Encode(value)}}"}"""), null, null);

    private static async Task WaitForFileAsync(string path)
    {
        while (!System.IO.File.Exists(path))
        {
            await Task.Delay(50);
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_silent_call_fails_alone_after_its_timeout_while_the_calls_beside_it_succeed_on_the_same_process()
    {
        // The silent call stays silent however slow the machine; the chatty one speaks every 100 ms
        // against 3 s, and the fast ones answer at once.
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("patient", TimeSpan.FromSeconds(3)), Runner, CancellationToken.None);
        var pid = client.ProcessId;
        var release = File("release-chatty");
        var cancelled = File("quiet-was-cancelled");

        var before = await client.CreateAsync(Thing("before", "fast"), CancellationToken.None);
        var chatty = client.CreateAsync(Thing("chatty", "chatty:" + release), CancellationToken.None);
        var silent = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("quiet", "silent:" + cancelled), CancellationToken.None));

        Assert.Equal("dummy-patient", silent.Provider);
        Assert.Equal("quiet", silent.ResourceId);
        Assert.StartsWith("provider `dummy-patient` said nothing about `quiet` for 3s while creating it, so fleet cancelled that call; its other calls go on.", silent.Message, StringComparison.Ordinal);
        Assert.Contains("raise `providers.dummy-patient.timeout`", silent.Message, StringComparison.Ordinal);
        await WaitForFileAsync(cancelled); // the provider got `$/cancel` for that call
        Assert.False(chatty.IsCompleted, "the chatty call is still in flight");
        var after = await client.CreateAsync(Thing("after", "fast"), CancellationToken.None);
        await System.IO.File.WriteAllTextAsync(release, "");
        var held = await chatty;

        Assert.Equal("fast", before.Outputs.GetProperty("echo").GetString());
        Assert.Equal("fast", after.Outputs.GetProperty("echo").GetString());
        Assert.Equal("chatty:" + release, held.Outputs.GetProperty("echo").GetString());
        Assert.Null(client.Fault);
        Assert.Equal(pid, client.ProcessId);
        using var process = Process.GetProcessById(pid);
        Assert.False(process.HasExited);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_call_that_keeps_logging_outlives_several_timeouts_and_succeeds()
    {
        var timeout = TimeSpan.FromSeconds(3);
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("patient", timeout), Runner, CancellationToken.None);
        var release = File("release-long");
        var lines = 0;
        client.Log += log =>
        {
            // The dummy waits 100 ms between lines: 100 lines take 9.9 s at least, over three timeouts.
            if (log is { Resource: "long", Text: var text } && text.StartsWith("still working", StringComparison.Ordinal) && Interlocked.Increment(ref lines) == 100)
            {
                System.IO.File.WriteAllText(release, "");
            }
        };
        var watch = Stopwatch.StartNew();

        var result = await client.CreateAsync(Thing("long", "chatty:" + release), CancellationToken.None);

        Assert.Equal("chatty:" + release, result.Outputs.GetProperty("echo").GetString());
        Assert.True(watch.Elapsed > 3 * timeout, $"the call took {watch.Elapsed}, more than three timeouts of {timeout}");
        Assert.True(Volatile.Read(ref lines) >= 100);
        Assert.Null(client.Fault);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_quiet_step_under_a_heartbeat_outlives_several_timeouts_and_succeeds()
    {
        var timeout = TimeSpan.FromSeconds(3);
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("patient", timeout), Runner, CancellationToken.None);
        var release = File("release-beating");
        var beats = 0;
        client.Progress += progress =>
        {
            // The first `waiting` is the step's own; the rest are beats, 100 ms of silence apart at least.
            if (progress is { Resource: "waiting", Stage: "waiting" } && Interlocked.Increment(ref beats) == 101)
            {
                System.IO.File.WriteAllText(release, "");
            }
        };
        var watch = Stopwatch.StartNew();

        var result = await client.CreateAsync(Thing("waiting", "beating:" + release), CancellationToken.None);

        Assert.Equal("beating:" + release, result.Outputs.GetProperty("echo").GetString());
        Assert.True(watch.Elapsed > 3 * timeout, $"the call took {watch.Elapsed}, more than three timeouts of {timeout}");
        Assert.Null(client.Fault);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_protocol_break_ends_the_provider_and_fails_every_call_it_had_but_no_other_provider()
    {
        await using var client = await ProviderClient.StartAsync(TestProviders.Dummy("patient"), Runner, CancellationToken.None);
        using var process = Process.GetProcessById(client.ProcessId);
        var speaking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Log += log =>
        {
            if (log.Resource == "chatty")
            {
                speaking.TrySetResult();
            }
        };
        var chatty = client.CreateAsync(Thing("chatty", "chatty:" + File("never")), CancellationToken.None);
        await speaking.Task;

        var broken = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(Thing("broken", "malformed"), CancellationToken.None));
        var beside = await Assert.ThrowsAsync<ProviderException>(() => chatty);

        Assert.Contains("provider `dummy-patient` wrote malformed JSON on stdout", broken.Message, StringComparison.Ordinal);
        Assert.Contains("while creating `broken`", broken.Message, StringComparison.Ordinal);
        Assert.Contains("provider `dummy-patient` wrote malformed JSON on stdout", beside.Message, StringComparison.Ordinal);
        Assert.Contains("while creating `chatty`", beside.Message, StringComparison.Ordinal);
        Assert.NotNull(client.Fault);
        await process.WaitForExitAsync();
        await using var other = await ProviderClient.StartAsync(TestProviders.Dummy("patient"), Runner, CancellationToken.None);
        var fine = await other.CreateAsync(Thing("fine", "fast"), CancellationToken.None);
        Assert.Equal("fast", fine.Outputs.GetProperty("echo").GetString());
    }
}
