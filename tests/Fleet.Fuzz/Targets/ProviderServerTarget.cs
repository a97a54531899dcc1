using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// <see cref="ProviderServer"/> serving the input as its stdin, with a provider of one trivial resource
/// type. It must end normally (no exception escapes <see cref="ProviderServer.RunAsync(Stream, Stream, CancellationToken)"/>),
/// write only valid JSON-RPC lines, answer every line that is not a valid message with an error whose
/// id is null, and answer every request it read (up to `shutdown`) exactly once, with its id.
/// </summary>
public sealed class ProviderServerTarget : FuzzTarget
{
    private static readonly ProviderDefinition s_provider = new("fuzz", "1.0.0", [new EchoHandler()]);

    public override string Name => "provider-server";

    public override string Description => "ProviderServer.RunAsync over the input as stdin; every malformed line gets an error, every request one answer";

    public override void Run(byte[] input)
    {
        var expected = Expect(input);
        using var output = new MemoryStream();
        var server = new ProviderServer(s_provider);
        int exit;
        using (var stdin = new MemoryStream(input, writable: false))
        {
            exit = server.RunAsync(stdin, output, CancellationToken.None).GetAwaiter().GetResult();
        }

        if (exit != 0)
        {
            throw new FuzzFindingException($"the server exited with {exit}");
        }

        var errorsWithoutId = 0;
        var answered = new List<string>();
        using (var reader = new JsonRpcLineReader(new MemoryStream(output.ToArray(), writable: false)))
        {
            while (reader.ReadLineAsync(CancellationToken.None).GetAwaiter().GetResult() is { } line)
            {
                JsonRpcMessage message;
                try
                {
                    message = JsonRpcMessage.Parse(line);
                }
                catch (JsonRpcFormatException e)
                {
                    throw new FuzzFindingException($"the server wrote a line that is not JSON-RPC ({e.Message}): {line}", e);
                }

                if (message.IsResponse && message.Id is null)
                {
                    errorsWithoutId += message.Error is null ? throw new FuzzFindingException("the server answered with a result and no id") : 1;
                }
                else if (message.IsResponse)
                {
                    answered.Add(Key(message.Id!.Value));
                }
            }
        }

        if (errorsWithoutId != expected.Malformed)
        {
            throw new FuzzFindingException($"{expected.Malformed} malformed lines got {errorsWithoutId} errors");
        }

        var missing = expected.Requests.Order(StringComparer.Ordinal).ToList();
        var got = answered.Order(StringComparer.Ordinal).ToList();
        if (!missing.SequenceEqual(got, StringComparer.Ordinal))
        {
            throw new FuzzFindingException($"requests [{string.Join(", ", missing)}] got answers [{string.Join(", ", got)}]");
        }
    }

    /// <summary>What the server must answer: the lines it reads the way it reads them, up to `shutdown`.</summary>
    private static (int Malformed, List<string> Requests) Expect(byte[] input)
    {
        var malformed = 0;
        var requests = new List<string>();
        using var reader = new JsonRpcLineReader(new MemoryStream(input, writable: false));
        while (reader.ReadLineAsync(CancellationToken.None).GetAwaiter().GetResult() is { } line)
        {
            JsonRpcMessage message;
            try
            {
                message = JsonRpcMessage.Parse(line);
            }
            catch (JsonRpcFormatException)
            {
                malformed++;
                continue;
            }

            if (message.IsRequest)
            {
                requests.Add(Key(message.Id!.Value));
                if (message.Method == ProtocolMethods.Shutdown)
                {
                    break;
                }
            }
        }

        return (malformed, requests);
    }

    /// <summary>An id as a comparable key: numbers by value, strings by content.</summary>
    private static string Key(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetDecimal(out var d) => "n:" + d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.Number => "n:" + id.GetRawText(),
        JsonValueKind.String => "s:" + StringKey(id),
        _ => "?:" + id.GetRawText(),
    };

    /// <summary>The string's content (the server may escape it differently); its raw text if it is not valid UTF-16.</summary>
    private static string StringKey(JsonElement id)
    {
        try
        {
            return Convert.ToHexString(Encoding.UTF8.GetBytes(id.GetString()!));
        }
        catch (InvalidOperationException)
        {
            return "raw:" + id.GetRawText();
        }
    }

    /// <summary>`fuzz.echo`: creates by echoing its inputs; everything else is the base class's default.</summary>
    private sealed class EchoHandler : ResourceHandler
    {
        private static readonly JsonElement s_schema = ParseJson("""{"type":"object"}""");

        public override string Type => "fuzz.echo";

        public override JsonElement InputSchema => s_schema;

        public override JsonElement OutputSchema => s_schema;

        public override ImmutableArray<string> ReplaceOnChange => ["name"];

        public override Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            return Task.FromResult(new ApplyResult(request.Inputs));
        }

        public override Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
