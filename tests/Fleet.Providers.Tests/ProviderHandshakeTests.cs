using System.Diagnostics;
using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Tests;

/// <summary>
/// The protocol's first rule, checked of every provider on raw lines (ProviderClient would send
/// `initialize` itself): `initialize` comes first and once; `shutdown` is always answered.
/// </summary>
public abstract class ProviderHandshakeTests
{
    protected abstract ProviderDeclaration Declaration { get; }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_call_before_initialize_is_refused_as_not_initialized_and_a_cancel_is_ignored()
    {
        using var provider = Start();
        await SendAsync(provider, """{"jsonrpc":"2.0","method":"$/cancel","params":{"id":1}}""");
        await SendAsync(provider, """{"jsonrpc":"2.0","id":1,"method":"plan","params":{"id":"r","type":"none.such","desiredInputs":{}}}""");

        using var refused = await AnswerAsync(provider);
        await SendAsync(provider, Initialize(2));
        using var initialized = await AnswerAsync(provider);
        await SendAsync(provider, """{"jsonrpc":"2.0","id":3,"method":"shutdown","params":{}}""");
        using var shutdown = await AnswerAsync(provider);

        Assert.Equal(1, refused.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.ServerNotInitialized, refused.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("not initialized", refused.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(initialized.RootElement.GetProperty("result").TryGetProperty("resourceTypes", out _), initialized.RootElement.GetRawText());
        Assert.True(shutdown.RootElement.TryGetProperty("result", out _), shutdown.RootElement.GetRawText());
        await provider.WaitForExitAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_second_initialize_is_an_invalid_request()
    {
        using var provider = Start();
        await SendAsync(provider, Initialize(1));
        using var first = await AnswerAsync(provider);
        await SendAsync(provider, Initialize(2));

        using var second = await AnswerAsync(provider);

        Assert.True(first.RootElement.TryGetProperty("result", out _), first.RootElement.GetRawText());
        Assert.Equal(2, second.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, second.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Shutdown_before_initialize_is_answered_and_the_provider_exits()
    {
        using var provider = Start();
        await SendAsync(provider, """{"jsonrpc":"2.0","id":1,"method":"shutdown","params":{}}""");

        using var shutdown = await AnswerAsync(provider);
        await provider.WaitForExitAsync();

        Assert.True(shutdown.RootElement.TryGetProperty("result", out _), shutdown.RootElement.GetRawText());
        Assert.Equal(0, provider.ExitCode);
    }

    private static string Initialize(int id) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"initialize","params":{"engineVersion":"test","protocolVersion":{{{ProtocolMethods.Version}}}}}""";

    private Process Start()
    {
        var command = Declaration.Command;
        return new ProcessRunner().Start(ProcessSpec.Create(command[0], command.Skip(1)));
    }

    private static async Task SendAsync(Process provider, string line)
    {
        await provider.StandardInput.WriteAsync(line + "\n");
        await provider.StandardInput.FlushAsync();
    }

    /// <summary>The next answer (a message with an id); log and progress notifications are skipped.</summary>
    private static async Task<JsonDocument> AnswerAsync(Process provider)
    {
        while (await provider.StandardOutput.ReadLineAsync() is { } line)
        {
            var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("id", out _))
            {
                return message;
            }

            message.Dispose();
        }

        throw new InvalidOperationException($"the provider closed stdout: {await provider.StandardError.ReadToEndAsync()}");
    }
}
