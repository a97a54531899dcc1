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
        ArgumentNullException.ThrowIfNull(source);
        if (!File.Exists(source.EntryFile))
        {
            throw new FleetException($"fleet file {source.EntryFile} does not exist (give one with -f FILE)");
        }

        var spec = ProcessSpec.Create(
                "nix-instantiate",
                "--eval", "--strict", "--json", "--read-write-mode",
                _paths.FleetEvalNix,
                "-A", attribute,
                "--arg", "entry", Path.GetFullPath(source.EntryFile))
            .WithEnvironment("NIX_PATH", Environment.GetEnvironmentVariable("NIX_PATH") ?? string.Empty)
            // fleet stops it (its whole group) when the run is interrupted; a terminal's Ctrl-C does not.
            .InOwnSession();
        if (source.Nixpkgs is { } nixpkgs)
        {
            spec = spec.WithArguments("--arg", "nixpkgs", Path.GetFullPath(nixpkgs));
        }

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

        return JsonDocument.Parse(result.StandardOutput);
    }

    public async Task<ResourceGraph> EvaluateGraphAsync(FleetSource source, CancellationToken cancellationToken)
    {
        using var document = await EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
        new GraphSchemaValidator(_paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
        return ResourceGraph.Parse(document.RootElement);
    }
}
