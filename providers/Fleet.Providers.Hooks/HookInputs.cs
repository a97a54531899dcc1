using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Protocol;

namespace Fleet.Providers.Hooks;

/// <summary>
/// The inputs of a hook.command resource: what to run (`argv` or `script`), where (`on`: local
/// or node, with the node's SSH target, or the local one under apply-local), for how long, with which environment, and the resolved
/// outputs of the resources it watches (`watch`, an object of references).
/// </summary>
public sealed record HookInputs(
    ImmutableArray<string> Argv,
    string? Script,
    bool OnNode,
    SshTarget? Target,
    TimeSpan Timeout,
    ImmutableSortedDictionary<string, string> Environment,
    JsonElement Watch,
    bool Always,
    string? Node,
    string? Phase,
    string? System)
{
    public const int DefaultTimeoutSeconds = 300;

    public static HookInputs Parse(JsonElement inputs)
    {
        var problems = Problems(inputs);
        if (!problems.IsEmpty)
        {
            throw new ResourceFailedException(problems[0].Message, problems);
        }

        var onNode = JsonFields.String(inputs, "on") == "node";
        return new HookInputs(
            inputs.TryGetProperty("argv", out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray().Select(e => e.GetString()!)] : [],
            JsonFields.String(inputs, "script"),
            onNode,
            onNode
                ? SshTarget.FromInputs(inputs, null, JsonFields.String(inputs, "node"))
                : null,
            TimeSpan.FromSeconds(inputs.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : DefaultTimeoutSeconds),
            inputs.TryGetProperty("environment", out var env) && env.ValueKind == JsonValueKind.Object
                ? env.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => HookEnvironment.Text(p.Value), StringComparer.Ordinal)
                : ImmutableSortedDictionary<string, string>.Empty,
            inputs.TryGetProperty("watch", out var w) && w.ValueKind == JsonValueKind.Object ? w.Clone() : default,
            inputs.TryGetProperty("always", out var al) && al.ValueKind == JsonValueKind.True,
            JsonFields.String(inputs, "node"),
            JsonFields.String(inputs, "phase"),
            JsonFields.String(inputs, "system"));
    }

    /// <summary>What is wrong with the inputs, one diagnostic per problem, naming the field.</summary>
    public static ImmutableArray<Diagnostic> Problems(JsonElement inputs)
    {
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        var hasArgv = inputs.TryGetProperty("argv", out var argv) && argv.ValueKind == JsonValueKind.Array;
        var hasScript = JsonFields.String(inputs, "script") is not null;
        if (hasArgv == hasScript)
        {
            problems.Add(new Diagnostic(Diagnostic.Error, "a hook needs exactly one of `argv` (a list) and `script` (a string)", hasArgv ? "script" : "argv"));
        }

        if (hasArgv && (argv.GetArrayLength() == 0 || argv.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String)))
        {
            problems.Add(new Diagnostic(Diagnostic.Error, "`argv` must be a non-empty list of strings", "argv"));
        }

        var on = JsonFields.String(inputs, "on") ?? "local";
        if (on is not ("local" or "node"))
        {
            problems.Add(new Diagnostic(Diagnostic.Error, $"`on` must be \"local\" or \"node\", not \"{on}\"", "on"));
        }

        // A node's own hook without targetHost runs only under apply-local (the node says so when it runs).
        if (on == "node" && JsonFields.String(inputs, "targetHost") is null && JsonFields.String(inputs, "node") is null)
        {
            problems.Add(new Diagnostic(Diagnostic.Error, "a hook with `on = \"node\"` needs `targetHost`", "targetHost"));
        }

        if (inputs.TryGetProperty("timeout", out var t) && (t.ValueKind != JsonValueKind.Number || t.GetDouble() <= 0))
        {
            problems.Add(new Diagnostic(Diagnostic.Error, "`timeout` must be a positive number of seconds", "timeout"));
        }

        if (inputs.TryGetProperty("environment", out var env) && env.ValueKind == JsonValueKind.Object)
        {
            foreach (var bad in env.EnumerateObject().Where(p => !IsVariableName(p.Name)))
            {
                problems.Add(new Diagnostic(Diagnostic.Error, $"`{bad.Name}` is not an environment variable name (letters, digits and _, not starting with a digit)", "environment"));
            }
        }

        return problems.ToImmutable();
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>How the hook is named in messages: "post-activation hook of node web", or its id.</summary>
    public string Describe(string id) => (Phase, Node) switch
    {
        ("preActivate", { } n) => $"pre-activation hook of node {n}",
        ("postActivate", { } n) => $"post-activation hook of node {n}",
        (_, { } n) => $"hook {id} of node {n}",
        _ => $"hook {id}",
    };
}
