using System.Collections.Immutable;
using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Fuzz.Tests;

/// <summary>
/// Findings of the provider-server target that its corpus cannot replay every time: races between
/// the server's cancelling of a call and the call's own end. Each test holds the race's order.
/// </summary>
public sealed class ProviderServerFindingTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_server_ends_normally_when_a_call_it_cancels_at_end_of_input_has_just_ended()
    {
        // Two calls in flight at end of input. The server cancels each; cancelling the first lets
        // both end (and dispose their cancellation sources) before the server reaches the second.
        var handler = new ReleasedTogetherHandler(expectedCalls: 2);
        var server = new ProviderServer(new ProviderDefinition("race", "1.0.0", [handler]));
        using var stdin = new AnonymousPipeServerStream(PipeDirection.Out);
        using var input = new AnonymousPipeClientStream(PipeDirection.In, stdin.ClientSafePipeHandle);
        using var output = new MemoryStream();
        var running = server.RunAsync(input, output, CancellationToken.None);

        // A provider serves nothing before `initialize`.
        await stdin.WriteAsync(Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"engineVersion":"1.0.0","protocolVersion":PROTOCOL}}""".Replace("PROTOCOL", ProtocolMethods.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + "\n"));
        foreach (var id in new[] { 1, 2 })
        {
            await stdin.WriteAsync(Encoding.UTF8.GetBytes(
                """{"jsonrpc":"2.0","id":ID,"method":"create","params":{"id":"rID","type":"race.thing","inputs":{}}}""".Replace("ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + "\n"));
        }

        await stdin.FlushAsync();
        await handler.AllStarted;
        stdin.Dispose();

        Assert.Equal(0, await running);
        var answers = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JsonRpcMessage.Parse).ToList();
        Assert.Equal([0L, 1L, 2L], answers.Select(a => a.NumericId ?? -1).Order());
        Assert.All(answers.Where(a => a.NumericId != 0), a => Assert.Null(a.Error));
    }

    /// <summary>Every call waits until any call is cancelled; then all of them end at once, inline.</summary>
    private sealed class ReleasedTogetherHandler(int expectedCalls) : ResourceHandler
    {
        private static readonly JsonElement s_schema = ParseJson("""{"type":"object"}""");
        private readonly TaskCompletionSource _release = new();
        private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public Task AllStarted => _allStarted.Task;

        public override string Type => "race.thing";

        public override JsonElement InputSchema => s_schema;

        public override JsonElement OutputSchema => s_schema;

        public override async Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
        {
            using var registration = cancellationToken.Register(() => _release.TrySetResult());
            if (Interlocked.Increment(ref _started) == expectedCalls)
            {
                _allStarted.SetResult();
            }

            await _release.Task.ConfigureAwait(false);
            return new ApplyResult(s_schema);
        }

        public override Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
