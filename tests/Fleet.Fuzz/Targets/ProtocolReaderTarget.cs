using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// The provider protocol's reader: <see cref="JsonRpcLineReader"/> splitting bytes into lines and
/// <see cref="JsonRpcMessage.Parse"/> reading each. Clean rejection: <see cref="JsonRpcFormatException"/>
/// for a line, after which reading goes on. A message it accepts must survive being written
/// (<see cref="JsonRpcMessage.ToUtf8"/>) and read back as the same message.
/// </summary>
public sealed class ProtocolReaderTarget : FuzzTarget
{
    public override string Name => "protocol-reader";

    public override string Description => "JSON-RPC lines read by JsonRpcLineReader and JsonRpcMessage.Parse; rejects with JsonRpcFormatException";

    public override void Run(byte[] input)
    {
        using var reader = new JsonRpcLineReader(new MemoryStream(input, writable: false));
        while (true)
        {
            JsonRpcMessage? message;
            try
            {
                // The reader over a MemoryStream completes synchronously; the harness's action is synchronous.
                message = reader.ReadAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (JsonRpcFormatException)
            {
                continue;
            }

            if (message is null)
            {
                return;
            }

            CheckRoundTrip(message);
        }
    }

    private static void CheckRoundTrip(JsonRpcMessage message)
    {
        JsonRpcMessage again;
        try
        {
            again = JsonRpcMessage.Parse(message.ToString());
        }
        catch (JsonRpcFormatException e)
        {
            throw new FuzzFindingException($"an accepted message does not read back after it is written: {e.Message}", e);
        }

        if (again.IsRequest != message.IsRequest || again.IsNotification != message.IsNotification || again.Method != message.Method
            || !SameElement(again.Id, message.Id) || !SameElement(again.Params, message.Params) || !SameElement(again.Result, message.Result)
            || again.Error?.Code != message.Error?.Code || again.Error?.Message != message.Error?.Message)
        {
            throw new FuzzFindingException("an accepted message reads back as a different message after it is written");
        }
    }

    private static bool SameElement(JsonElement? a, JsonElement? b) =>
        a is { } x ? b is { } y && JsonElement.DeepEquals(x, y) : b is null;
}
