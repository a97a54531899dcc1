using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;

namespace Fleet.Cli;

/// <summary>
/// `fleet eval`: prints the fleet's resource graph as JSON, checked against the schema. Inputs
/// the providers declare sensitive (a secret's text) are printed as "(sensitive)" unless
/// `--show-sensitive` asks for them. `fleet eval -E EXPR` and `fleet eval FILE` are Colmena's
/// introspection instead: EXPR (or FILE's expression) is a function of `{ nodes, pkgs, lib }`
/// and its result is printed as JSON.
/// </summary>
internal static class EvalCommand
{
    private const string Hidden = "(sensitive)";

    private static readonly Option<bool> s_showSensitive = new("--show-sensitive")
    {
        Description = "Print inputs the providers declare sensitive (secrets) instead of \"(sensitive)\"",
    };

    private static readonly Option<string?> s_expression = new("--expression", "-E")
    {
        Description = "A Nix function of { nodes, pkgs, lib } (nodes: the evaluated node configurations) to evaluate instead; its result is printed as JSON",
    };

    private static readonly Argument<string?> s_file = new("file")
    {
        Description = "A Nix file holding such a function (as -E)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<bool> s_instantiate = new("--instantiate")
    {
        Description = "With -E or FILE: instantiate the derivation the function returns and print its .drv path instead",
    };

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate the fleet and print its resource graph as JSON, or a function of its nodes (-E)");
        command.Arguments.Add(s_file);
        command.Options.Add(s_expression);
        command.Options.Add(s_instantiate);
        command.Options.Add(s_showSensitive);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            if (Introspection(parse) is { } function)
            {
                return await IntrospectAsync(parse, function, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(s_instantiate))
            {
                throw new Engine.Errors.FleetException("--instantiate needs an expression: give -E EXPR or FILE");
            }

            var source = FleetOptions.Source(parse);
            var paths = FleetPaths.Discover();
            using var document = await FleetOptions.Evaluator(parse)
                .EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
            new GraphSchemaValidator(paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
            var graph = ResourceGraph.Parse(document.RootElement);
            var printed = JsonNode.Parse(document.RootElement.GetRawText())!;
            if (!parse.GetValue(s_showSensitive))
            {
                await using var providers = new ProviderRegistry(graph.Providers, FleetOptions.Runner(parse));
                await HideSensitiveAsync(printed, providers, cancellationToken).ConfigureAwait(false);
            }

            await using var stdout = Console.OpenStandardOutput();
            await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                printed.WriteTo(writer);
            }

            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    /// <summary>The function -E or FILE gives, as a Nix expression; null for neither.</summary>
    private static string? Introspection(ParseResult parse)
    {
        var expression = parse.GetValue(s_expression);
        var file = parse.GetValue(s_file);
        if (expression is not null && file is not null)
        {
            throw new Engine.Errors.FleetException($"-E and {file}: give the function once, as an expression or as a file");
        }

        if (file is null)
        {
            return expression;
        }

        return File.Exists(file)
            ? $"import {Engine.Nix.NixEvaluator.NixString(Path.GetFullPath(file))}"
            : throw new Engine.Errors.FleetException($"{file} does not exist (fleet eval FILE wants a Nix file holding a function of {{ nodes, pkgs, lib }})");
    }

    private static async Task<int> IntrospectAsync(ParseResult parse, string function, CancellationToken cancellationToken)
    {
        var instantiate = parse.GetValue(s_instantiate);
        var result = await FleetOptions.Evaluator(parse)
            .IntrospectAsync(FleetOptions.Source(parse), function, instantiate, cancellationToken).ConfigureAwait(false);
        if (instantiate)
        {
            Console.WriteLine(result);
            return FleetCli.ExitOk;
        }

        using var document = JsonDocument.Parse(result);
        await using var stdout = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            document.RootElement.WriteTo(writer);
        }

        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        return FleetCli.ExitOk;
    }

    /// <summary>Replaces each resource's sensitive inputs, as its provider's schema names them.</summary>
    private static async Task HideSensitiveAsync(JsonNode graph, ProviderRegistry providers, CancellationToken cancellationToken)
    {
        if (graph["resources"] is not JsonObject resources)
        {
            return;
        }

        foreach (var (_, resource) in resources)
        {
            if (resource?["type"]?.GetValue<string>() is not { } type || resource["inputs"] is not JsonObject inputs)
            {
                continue;
            }

            var schema = await providers.GetSchemaAsync(type, cancellationToken).ConfigureAwait(false);
            foreach (var field in schema.SensitiveInputs.Where(inputs.ContainsKey))
            {
                inputs[field] = Hidden;
            }
        }
    }
}
