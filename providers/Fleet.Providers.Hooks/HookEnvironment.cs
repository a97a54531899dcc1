using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Fleet.Providers.Hooks;

/// <summary>
/// The environment a hook runs with: its own `environment`, then FLEET_NODE, FLEET_RESOURCE,
/// FLEET_ACTION, FLEET_PHASE, FLEET_SYSTEM, every watched output flattened as
/// FLEET_OUT_&lt;KEY&gt;_&lt;OUTPUT&gt; and all of them as FLEET_OUTPUTS_JSON.
/// </summary>
public static class HookEnvironment
{
    public static ImmutableSortedDictionary<string, string> For(string id, string action, HookInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var env = inputs.Environment.ToBuilder();
        env["FLEET_RESOURCE"] = id;
        env["FLEET_ACTION"] = action;
        env["FLEET_NODE"] = inputs.Node ?? "";
        env["FLEET_PHASE"] = inputs.Phase ?? "";
        if (inputs.System is { } system)
        {
            env["FLEET_SYSTEM"] = system;
        }

        if (inputs.Watch.ValueKind == JsonValueKind.Object)
        {
            foreach (var watched in inputs.Watch.EnumerateObject())
            {
                if (watched.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var output in watched.Value.EnumerateObject())
                    {
                        env[$"FLEET_OUT_{Name(watched.Name)}_{Name(output.Name)}"] = Text(output.Value);
                    }
                }
                else
                {
                    env[$"FLEET_OUT_{Name(watched.Name)}"] = Text(watched.Value);
                }
            }
        }

        env["FLEET_OUTPUTS_JSON"] = inputs.Watch.ValueKind == JsonValueKind.Object ? inputs.Watch.GetRawText() : "{}";
        return env.ToImmutable();
    }

    /// <summary>An id or output name as part of a variable name: upper-cased, anything but A-Z 0-9 as `_`.</summary>
    public static string Name(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString();
    }

    /// <summary>A JSON value as a variable's text: strings as they are, null as empty, anything else as JSON.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };
}
