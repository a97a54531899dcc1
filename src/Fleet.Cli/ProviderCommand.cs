using System.CommandLine;
using System.Text.Json;
using Fleet.Engine;
using Fleet.Engine.Errors;
using Fleet.Engine.Providers;

namespace Fleet.Cli;

/// <summary>`fleet provider check -- COMMAND...`: drives a provider through the protocol and lists every violation.</summary>
internal static class ProviderCommand
{
    public static Command Create()
    {
        var inputs = new Option<string?>("--inputs") { Description = "JSON file with sample inputs (an object, or an object of inputs by type)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each answer (`initialize`, which includes the start, gets at least 120)", DefaultValueFactory = _ => 10 };
        var providerCommand = new Argument<string[]>("command") { Description = "The provider's command line (after --)", Arity = ArgumentArity.OneOrMore };
        var check = new Command("check", "Check that a provider speaks the fleet provider protocol")
        {
            inputs,
            timeout,
            providerCommand,
        };
        check.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            JsonElement? sample = null;
            if (parse.GetValue(inputs) is { } file)
            {
                try
                {
                    using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
                    sample = document.RootElement.Clone();
                }
                catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
                {
                    throw new FleetException($"cannot read --inputs {file}: {e.Message}");
                }
            }

            var schema = FleetPaths.Discover().Schema("provider-protocol.schema.json");
            var checker = new ProviderCheck(FleetOptions.Runner(parse), schema, TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var report = await checker.RunAsync([.. parse.GetValue(providerCommand) ?? []], sample, cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine("ran: " + string.Join(", ", report.Steps));
            if (report.Passed)
            {
                Console.WriteLine("ok: the provider speaks the protocol");
                return FleetCli.ExitOk;
            }

            Console.WriteLine($"{report.Violations.Length} violation(s):");
            foreach (var violation in report.Violations)
            {
                Console.WriteLine("  - " + violation.Replace("\n", "\n    ", StringComparison.Ordinal));
            }

            return FleetCli.ExitFailed;
        }));
        return new Command("provider", "Work with providers") { check };
    }
}
