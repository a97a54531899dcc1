using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>
/// One JSON-RPC 2.0 message: a request (method and id), a notification (method, no id) or a
/// response (id with result or error). Written and parsed by hand so that the envelope is exact
/// (an error answer to an unreadable request carries <c>"id": null</c>) and AOT-safe.
/// </summary>
public sealed record JsonRpcMessage
{
    public JsonElement? Id { get; init; }

    public string? Method { get; init; }

    public JsonElement? Params { get; init; }

    public JsonElement? Result { get; init; }

    public JsonRpcError? Error { get; init; }

    public bool IsRequest => Method is not null && Id is not null;

    public bool IsNotification => Method is not null && Id is null;

    public bool IsResponse => Method is null;

    /// <summary>The id as a number, when it is one (the engine only sends numeric ids).</summary>
    public long? NumericId => Id is { ValueKind: JsonValueKind.Number } id && id.TryGetInt64(out var value) ? value : null;

    public static JsonRpcMessage Request(long id, string method, JsonElement parameters) =>
        new() { Id = Number(id), Method = method, Params = parameters };

    public static JsonRpcMessage Notification(string method, JsonElement parameters) =>
        new() { Method = method, Params = parameters };

    public static JsonRpcMessage Success(JsonElement? id, JsonElement result) =>
        new() { Id = id, Result = result };

    public static JsonRpcMessage Failure(JsonElement? id, JsonRpcError error) =>
        new() { Id = id, Error = error };

    public static JsonElement Number(long value)
    {
        using var document = JsonDocument.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return document.RootElement.Clone();
    }

    /// <summary>Parses one line; throws <see cref="JsonRpcFormatException"/> saying what is wrong.</summary>
    public static JsonRpcMessage Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new JsonRpcFormatException($"not JSON: {e.Message}", line, e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonRpcFormatException($"a message must be a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}", line);
        }

        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            throw new JsonRpcFormatException("missing \"jsonrpc\": \"2.0\"", line);
        }

        JsonElement? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null))
            {
                throw new JsonRpcFormatException("\"id\" must be a number, a string or null", line);
            }

            id = idElement.ValueKind == JsonValueKind.Null ? null : idElement;
        }

        if (root.TryGetProperty("method", out var method))
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                throw new JsonRpcFormatException("\"method\" must be a string", line);
            }

            JsonElement? parameters = root.TryGetProperty("params", out var p) ? p : null;
            if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Array) })
            {
                throw new JsonRpcFormatException("\"params\" must be an object or an array", line);
            }

            return new JsonRpcMessage { Id = id, Method = method.GetString(), Params = parameters };
        }

        var hasResult = root.TryGetProperty("result", out var result);
        var hasError = root.TryGetProperty("error", out var error);
        if (hasResult == hasError)
        {
            throw new JsonRpcFormatException("a response needs exactly one of \"result\" and \"error\"", line);
        }

        if (!root.TryGetProperty("id", out _))
        {
            throw new JsonRpcFormatException("a response needs an \"id\"", line);
        }

        if (hasResult)
        {
            return new JsonRpcMessage { Id = id, Result = result };
        }

        JsonRpcError? parsedError;
        try
        {
            parsedError = error.Deserialize(ProtocolJsonContext.Default.JsonRpcError);
        }
        catch (JsonException e)
        {
            throw new JsonRpcFormatException($"malformed \"error\": {e.Message}", line, e);
        }

        return new JsonRpcMessage { Id = id, Error = parsedError ?? throw new JsonRpcFormatException("\"error\" is null", line) };
    }

    /// <summary>The message as one line of UTF-8 JSON, without the trailing newline.</summary>
    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            if (Id is { } id)
            {
                writer.WritePropertyName("id");
                id.WriteTo(writer);
            }
            else if (IsResponse)
            {
                writer.WriteNull("id");
            }

            if (Method is not null)
            {
                writer.WriteString("method", Method);
                if (Params is { } parameters)
                {
                    writer.WritePropertyName("params");
                    parameters.WriteTo(writer);
                }
            }
            else if (Error is { } error)
            {
                writer.WritePropertyName("error");
                JsonSerializer.Serialize(writer, error, ProtocolJsonContext.Default.JsonRpcError);
            }
            else
            {
                writer.WritePropertyName("result");
                if (Result is { } result)
                {
                    result.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToUtf8());
}
