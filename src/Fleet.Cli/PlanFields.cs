using System.Collections.Frozen;
using System.Text.Json;

namespace Fleet.Cli;

/// <summary>
/// Which input fields the plan shows without `--verbose`: what an operator decides on, not what
/// fleet passes along. Hidden are nulls and empty values, fields of the built-in types that only
/// carry the plumbing (the derivation behind the system the reason already names, a hook's
/// trigger fields and their references to the node, the node's connection repeated on each of
/// its secrets and hooks), and, on a create, values equal to the fleet module's defaults.
/// </summary>
internal static class PlanFields
{
    private static readonly string[] s_connection =
        ["targetHost", "targetPort", "targetUser", "sshOptions", "hostKey", "privilegeEscalationCommand", "allowLocalDeployment"];

    private static readonly FrozenDictionary<string, FrozenSet<string>> s_internal = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        ["nixos.system"] = new[] { "drvPath", "systemName", "keepResult", "machinesFile" }.ToFrozenSet(StringComparer.Ordinal),
        ["hook.command"] = new[] { "watch", "system", "node", "phase" }.Concat(s_connection).ToFrozenSet(StringComparer.Ordinal),
        ["secret.file"] = new[] { "name" }.Concat(s_connection).ToFrozenSet(StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The fleet module's defaults (nix-modules/fleet), as JSON.</summary>
    private static readonly FrozenDictionary<string, FrozenDictionary<string, JsonElement>> s_defaults = new Dictionary<string, FrozenDictionary<string, JsonElement>>(StringComparer.Ordinal)
    {
        ["nixos.system"] = Defaults(
            ("goal", "\"switch\""), ("targetUser", "\"root\""), ("privilegeEscalationCommand", """["sudo","-H","--"]"""), ("allowLocalDeployment", "false"),
            ("buildOnTarget", "false"), ("substituteOnDestination", "false"), ("reboot", "false"), ("replaceUnknownProfiles", "true"),
            ("rollback", """{"confirmTimeout":30,"magic":true,"onHealthFailure":true}""")),
        ["secret.file"] = Defaults(("owner", "\"root\""), ("group", "\"root\""), ("mode", "\"0400\""), ("upload", "\"before-activation\"")),
        ["hook.command"] = Defaults(("on", "\"node\""), ("timeout", "300"), ("always", "false")),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether a field of a resource of this type is plumbing, hidden from the plan without --verbose.</summary>
    public static bool IsInternal(string type, string field) =>
        s_internal.TryGetValue(type, out var fields) && fields.Contains(field);

    /// <summary>Whether a created resource's field is worth a line without --verbose.</summary>
    public static bool ShowOnCreate(string type, string field, JsonElement value) =>
        !IsInternal(type, field) && !IsEmpty(value)
        && !(s_defaults.TryGetValue(type, out var defaults) && defaults.TryGetValue(field, out var d) && JsonElement.DeepEquals(d, value));

    /// <summary>Null, `[]` and `{}`: nothing to say.</summary>
    public static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };

    private static FrozenDictionary<string, JsonElement> Defaults(params (string Field, string Json)[] defaults) =>
        defaults.ToFrozenDictionary(d => d.Field, d => JsonDocument.Parse(d.Json).RootElement.Clone(), StringComparer.Ordinal);
}
