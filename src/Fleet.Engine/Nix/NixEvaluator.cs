using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Processes;

namespace Fleet.Engine.Nix;

/// <summary>
/// Evaluates a fleet once, in one nix process, into its resource graph: a fleet file with
/// nix-instantiate on eval.nix, a flake with `nix eval` through Nix's own flake support
/// (flake-entry/ and flake-outputs.nix). The graph is checked against the schema before anyone
/// else sees it.
/// </summary>
public sealed class NixEvaluator
{
    /// <summary>Switched on for fleet's own nix processes only; nix.conf is never touched.</summary>
    public const string FlakeFeatures = "nix-command flakes";

    private readonly ProcessRunner _runner;
    private readonly FleetPaths _paths;

    public NixEvaluator(ProcessRunner runner, FleetPaths paths)
    {
        _runner = runner;
        _paths = paths;
    }

    /// <summary>`--show-trace`: nix prints (and fleet keeps) the whole trace of an evaluation error.</summary>
    public bool ShowTrace { get; init; }

    /// <summary>Evaluates `attribute` of the fleet (of eval.nix's result) and returns nix's JSON.</summary>
    public async Task<JsonDocument> EvaluateJsonAsync(FleetSource source, string attribute, CancellationToken cancellationToken)
    {
        var spec = Spec(source, attribute, function: null, instantiate: false);
        return JsonDocument.Parse(await RunAsync(source, spec, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Colmena's introspection (`fleet eval -E`): applies <paramref name="function"/>, a Nix
    /// expression, to `{ nodes, pkgs, lib }` of the fleet and returns the result as nix's JSON,
    /// or with <paramref name="instantiate"/> the derivation path(s) it instantiates, one a line.
    /// </summary>
    public async Task<string> IntrospectAsync(FleetSource source, string function, bool instantiate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var spec = Spec(source, "introspect", function, instantiate);
        return (await RunAsync(source, spec, cancellationToken).ConfigureAwait(false)).Trim();
    }

    private ProcessSpec Spec(FleetSource source, string attribute, string? function, bool instantiate)
    {
        ArgumentNullException.ThrowIfNull(source);
        var spec = source.Entry switch
        {
            FleetFile file => FileSpec(file, source, attribute, function, instantiate),
            FlakeReference flake => FlakeSpec(flake, source, attribute, function, instantiate),
            _ => throw new ArgumentException($"unknown fleet entry {source.Entry}", nameof(source)),
        };
        return (ShowTrace ? spec.WithArguments("--show-trace") : spec)
            .WithEnvironment("NIX_PATH", Environment.GetEnvironmentVariable("NIX_PATH") ?? string.Empty)
            // fleet stops it (its whole group) when the run is interrupted; a terminal's Ctrl-C does not.
            .InOwnSession();
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
            throw new FleetException($"cannot run {spec.FileName} (is Nix installed?): {e.Message}", e);
        }

        if (!result.Succeeded)
        {
            throw new NixEvaluationException(source.Entry.Display, NixErrorText.Summarise(result.StandardError, ShowTrace ? int.MaxValue : NixErrorText.MaxLines));
        }

        return result.StandardOutput;
    }

    public async Task<ResourceGraph> EvaluateGraphAsync(FleetSource source, CancellationToken cancellationToken)
    {
        using var document = await EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
        new GraphSchemaValidator(_paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
        return ResourceGraph.Parse(document.RootElement);
    }

    private ProcessSpec FileSpec(FleetFile file, FleetSource source, string attribute, string? function, bool instantiate)
    {
        if (!File.Exists(file.Path))
        {
            throw new FleetException($"fleet file {file.Path} does not exist (give one with -f FILE)");
        }

        if (!source.InputOverrides.IsEmpty)
        {
            throw new FleetException($"--override-input is for flakes; {file.Path} is a fleet file");
        }

        List<string> arguments = ["--arg", "entry", file.Path];
        if (source.Nixpkgs is { } nixpkgs)
        {
            arguments.AddRange(["--arg", "nixpkgs", Path.GetFullPath(nixpkgs)]);
        }

        string[] evaluate = ["--eval", "--strict", "--json", "--read-write-mode"];
        if (function is null)
        {
            return ProcessSpec.Create("nix-instantiate", [.. evaluate, _paths.FleetEvalNix, "-A", attribute, .. arguments]);
        }

        // nix passes a top-level function only the --arg values it names, so it names those given
        // to eval.nix. The newline ends a trailing comment of the user's.
        var formals = string.Join(", ", arguments.Where((_, i) => i > 0 && arguments[i - 1] == "--arg").Select(name => name + " ? null"));
        var expression = $"{{ {formals} }}@args: (import {NixString(_paths.FleetEvalNix)} args).{attribute} ({function}\n)";
        return ProcessSpec.Create("nix-instantiate", [.. instantiate ? [] : evaluate, "-E", expression, .. arguments]);
    }

    /// <summary>
    /// `nix eval` of flake-entry's output with the user's flake as its input `entry`: Nix locks
    /// and fetches it (its flake.lock honoured, never written), and flake-outputs.nix picks the
    /// output. --impure lets the applied function import fleet's modules from outside the store.
    /// </summary>
    private ProcessSpec FlakeSpec(FlakeReference flake, FleetSource source, string attribute, string? function, bool instantiate)
    {
        var parameters = new JsonObject
        {
            ["flakeName"] = flake.Reference,
            ["attribute"] = attribute,
            ["attrPath"] = new JsonArray([.. flake.AttributePath.Select(name => JsonValue.Create(name))]),
            ["nixosConfigurations"] = source.ReadNixosConfigurations,
        };
        if (source.Nixpkgs is { } nixpkgs)
        {
            parameters["nixpkgs"] = Path.GetFullPath(nixpkgs);
        }

        var json = JsonSerializer.Serialize(parameters, EngineJsonContext.Default.JsonObject);
        var read = $"import {NixString(Path.Combine(_paths.NixModules, "fleet", "flake-outputs.nix"))} (builtins.fromJSON {NixString(json)})";
        var apply = (function, instantiate) switch
        {
            (null, _) => read,
            (_, false) => $"flake: ({read} flake) ({function}\n)",
            // As nix-instantiate prints them: the derivation paths of a derivation, or of a list or set of them.
            (_, true) => $"flake: let r = ({read} flake) ({function}\n); drv = d: d.drvPath; in builtins.concatStringsSep \"\\n\" " +
                "(if builtins.isList r then map drv r else if r ? drvPath then [ r.drvPath ] else map drv (builtins.attrValues r))",
        };
        var spec = ProcessSpec.Create(
            "nix",
            "--extra-experimental-features", FlakeFeatures,
            "eval", function is not null && instantiate ? "--raw" : "--json", "--impure", "--no-write-lock-file",
            $"path:{Path.Combine(_paths.NixModules, "fleet", "flake-entry")}#fleetEntry",
            "--override-input", "entry", flake.Reference);
        foreach (var input in source.InputOverrides)
        {
            spec = spec.WithArguments("--override-input", $"entry/{input.Name}", FlakeReference.Absolute(input.Reference, Environment.CurrentDirectory));
        }

        return spec.WithArguments("--apply", apply);
    }

    /// <summary>A Nix string literal: `"`, `\` and `$` escaped, so no interpolation can happen.</summary>
    public static string NixString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\' or '$')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }
}
