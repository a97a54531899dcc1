using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Protocol;

namespace Fleet.Providers.Secrets;

/// <summary>
/// The inputs of a secret.file resource, as nix-modules/fleet/secrets.nix emits them: exactly one
/// content source (text, file or command), where the file goes, and how to reach its node (no targetHost: only
/// apply-local reaches it).
/// </summary>
public sealed record SecretInputs(
    string? Text,
    string? File,
    ImmutableArray<string> Command,
    string Destination,
    string Owner,
    string Group,
    string Mode,
    bool BeforeActivation,
    ImmutableArray<string> RestartUnits,
    SshTarget Target)
{
    /// <param name="id">The resource's id (`node.NAME.KEY`): whether apply-local deploys its node here.</param>
    public static SecretInputs Parse(JsonElement inputs, string id)
    {
        try
        {
            var command = Strings(inputs, "command");
            var parsed = new SecretInputs(
                JsonFields.String(inputs, "text"),
                JsonFields.String(inputs, "file"),
                command,
                JsonFields.String(inputs, "destination") ?? throw new ResourceFailedException("secret.file needs `destination`"),
                JsonFields.String(inputs, "owner") ?? "root",
                JsonFields.String(inputs, "group") ?? "root",
                JsonFields.String(inputs, "mode") ?? "0400",
                (JsonFields.String(inputs, "upload") ?? "before-activation") == "before-activation",
                Strings(inputs, "restartUnits"),
                SshTarget.FromInputs(inputs, id));
            var sources = (parsed.Text is null ? 0 : 1) + (parsed.File is null ? 0 : 1) + (command.IsEmpty ? 0 : 1);
            return sources == 1
                ? parsed
                : throw new ResourceFailedException($"secret.file wants exactly one of `text`, `file` and `command`, not {sources}");
        }
        catch (InvalidOperationException e)
        {
            throw new ResourceFailedException($"secret.file inputs are malformed: {e.Message}");
        }
    }

    /// <summary>Where the content comes from, for messages (never the content itself).</summary>
    public string Source => Text is not null ? "text" : File is not null ? $"file {File}" : $"command {Command[0]}";

    private static ImmutableArray<string> Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.GetString()!)] : [];
}
