using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Processes;

namespace Fleet.Engine.Nix;

/// <summary>
/// Evaluates a fleet once, in one nix process, into its resource graph. The graph is checked
/// against the schema before anyone else sees it.
/// </summary>
public sealed class NixEvaluator
{
    private readonly ProcessRunner _runner;
    private readonly FleetPaths _paths;

    public NixEvaluator(ProcessRunner runner, FleetPaths paths)
    {
        _runner = runner;
        _paths = paths;
    }

    /// <summary>Evaluates `attribute` of eval.nix for the entry and returns nix's JSON.</summary>
    public async Task<JsonDocument> EvaluateJsonAsync(FleetSource source, string attribute, CancellationToken cancellationToken)
    {
        var spec = Spec(source, ["--eval", "--strict", "--json", "--read-write-mode", _paths.FleetEvalNix, "-A", attribute]);
        return JsonDocument.Parse(await RunAsync(source, spec, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Colmena's introspection (`fleet eval -E`): applies <paramref name="function"/>, a Nix
    /// expression, to `{ nodes, pkgs, lib }` of the fleet and returns the result as nix's JSON,
    /// or with <paramref name="instantiate"/> the derivation path(s) it instantiates.
    /// </summary>
    public async Task<string> IntrospectAsync(FleetSource source, string function, bool instantiate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        // eval.nix gets the --arg values of any evaluation: nix passes a top-level function only
        // the arguments it names, so it names those Spec gives. The newline ends a trailing comment of the user's.
        var given = Spec(source, []).Arguments;
        var formals = string.Join(", ", given.Select((a, i) => a is "--arg" or "--argstr" ? given[i + 1] + " ? null" : null).OfType<string>());
        var expression = $"{{ {formals} }}@args: (import {NixString(_paths.FleetEvalNix)} args).introspect ({function}\n)";
        var spec = Spec(source, instantiate ? ["-E", expression] : ["--eval", "--strict", "--json", "--read-write-mode", "-E", expression]);
        return (await RunAsync(source, spec, cancellationToken).ConfigureAwait(false)).Trim();
    }

    /// <summary>A Nix string literal of <paramref name="text"/>.</summary>
    public static string NixString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("${", "\\${", StringComparison.Ordinal) + "\"";
    }

    private static ProcessSpec Spec(FleetSource source, string[] what)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!File.Exists(source.EntryFile))
        {
            throw new FleetException($"fleet file {source.EntryFile} does not exist (give one with -f FILE)");
        }

        var spec = ProcessSpec.Create("nix-instantiate", [.. what, "--arg", "entry", Path.GetFullPath(source.EntryFile)])
            .WithEnvironment("NIX_PATH", Environment.GetEnvironmentVariable("NIX_PATH") ?? string.Empty)
            // fleet stops it (its whole group) when the run is interrupted; a terminal's Ctrl-C does not.
            .InOwnSession();
        if (source.Nixpkgs is { } nixpkgs)
        {
            spec = spec.WithArguments("--arg", "nixpkgs", Path.GetFullPath(nixpkgs));
        }

        return spec;
    }

    private async Task<string> RunAsync(FleetSource source, ProcessSpec spec, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw new FleetException($"cannot run nix-instantiate (is Nix installed?): {e.Message}", e);
        }

        if (!result.Succeeded)
        {
            throw new NixEvaluationException(source.EntryFile, NixErrorText.Summarise(result.StandardError));
        }

        return result.StandardOutput;
    }

    public async Task<ResourceGraph> EvaluateGraphAsync(FleetSource source, CancellationToken cancellationToken)
    {
        using var document = await EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
        new GraphSchemaValidator(_paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
        return ResourceGraph.Parse(document.RootElement);
    }
}
