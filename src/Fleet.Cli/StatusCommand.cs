using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Nodes;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>`fleet status`: every selected node's system, generation, health and last deployment, at a glance.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show what each node runs, its health and its last deployment");
        command.Options.Add(FleetOptions.On);
        command.Options.Add(FleetOptions.Json);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var nodes = await NodeAccess.SelectAsync(parse, cancellationToken).ConfigureAwait(false);
            await using var ssh = new SshConnections();
            var runner = FleetOptions.Runner(parse);
            var rows = await NodeAccess.ForEachAsync(nodes, 16, node => NodeStatusRow.ReadAsync(node, ssh, runner, cancellationToken)).ConfigureAwait(false);
            if (parse.GetValue(FleetOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJsonContext.Default.NodeStatusRowArray));
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple)
                    .AddColumns(["NODE", "SYSTEM", "GEN", "HEALTH", "LAST DEPLOYMENT"]);
                foreach (var column in table.Columns)
                {
                    column.NoWrap();
                }

                foreach (var r in rows)
                {
                    table.AddRow(
                        Markup.Escape(r.Node),
                        r.Reachable ? Markup.Escape(ShortName(r.CurrentSystem)) : "[red]unreachable[/]",
                        r.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        Health(r.Health),
                        Markup.Escape(r.LastOutcome is null ? (r.Error ?? "-") : $"{r.LastOutcome} {Ago(r.LastActivationEnd)}"));
                }

                FleetCli.Stdout.Write(table);
            }

            return rows.All(r => r.Reachable) ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }));
        return command;
    }

    private static string ShortName(string? storePath) =>
        storePath is null ? "-" : Path.GetFileName(storePath) is { Length: > 33 } name && name[32] == '-' ? name[33..] : storePath;

    private static string Health(string? health) => health switch
    {
        null => "-",
        "healthy" => "[green]healthy[/]",
        "unhealthy" => "[red]unhealthy[/]",
        _ => Markup.Escape(health),
    };

    private static string Ago(DateTimeOffset? at)
    {
        if (at is not { } t)
        {
            return "";
        }

        var ago = DateTimeOffset.UtcNow - t;
        return ago.TotalMinutes < 1 ? "just now" : ago.TotalHours < 1 ? $"{(int)ago.TotalMinutes} min ago" : ago.TotalDays < 1 ? $"{(int)ago.TotalHours} h ago" : $"{(int)ago.TotalDays} d ago";
    }
}
