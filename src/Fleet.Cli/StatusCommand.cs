using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Providers.NixOS;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `fleet status`: every selected node's system (short hash) and generation, whether it runs what
/// the configuration says, the health of what it runs, and its last deployment, at a glance.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show what each node runs, its health and its last deployment");
        command.Options.Add(FleetOptions.On);
        command.Options.Add(FleetOptions.Json);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            // Evaluating the fleet (which finding the nodes needs anyway) says what each node should run.
            var nodes = await NodeAccess.SelectAsync(parse, cancellationToken).ConfigureAwait(false);
            await using var ssh = new SshConnections();
            var runner = FleetOptions.Runner(parse);
            var systems = new SystemDeployment(runner, ssh, new AgentBundle(runner));
            var rows = await NodeAccess.ForEachAsync(nodes, 16, async node => await NodeStatusRow.ReadAsync(
                node, await DesiredSystemAsync(systems, node, cancellationToken).ConfigureAwait(false), ssh, runner, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            if (parse.GetValue(FleetOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJsonContext.Default.NodeStatusRowArray));
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple)
                    .AddColumns(["NODE", "SYSTEM", "GEN", "CONFIG", "HEALTH", "LAST DEPLOYMENT"]);
                foreach (var column in table.Columns)
                {
                    column.NoWrap();
                }

                foreach (var r in rows)
                {
                    table.AddRow(
                        Markup.Escape(r.Node),
                        r.Reachable ? Markup.Escape(r.System ?? r.CurrentSystem ?? "-") : "[red]unreachable[/]",
                        r.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        Sync(r.Sync),
                        Health(r.Health),
                        Markup.Escape(r.LastOutcome is null ? (r.Error ?? "-") : $"{r.LastOutcome} {Ago(r.LastActivationEnd)}"));
                }

                FleetCli.Stdout.Write(table);
            }

            return rows.All(r => r.Reachable) ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }));
        return command;
    }

    /// <summary>The store path the node's configured system builds; null when its derivation is not in this deployer's store.</summary>
    private static async Task<string?> DesiredSystemAsync(SystemDeployment systems, NodeHandle node, CancellationToken cancellationToken)
    {
        if (node.DrvPath is not { } drv)
        {
            return null;
        }

        try
        {
            return await systems.OutputPathAsync(drv, cancellationToken).ConfigureAwait(false);
        }
        catch (Fleet.Protocol.ResourceFailedException)
        {
            return null;
        }
    }

    private static string Sync(string? sync) => sync switch
    {
        null => "-",
        NodeStatusRow.InSync => "[green]in sync[/]",
        NodeStatusRow.RolledBack => "[yellow]rolled back[/]",
        _ => Markup.Escape(sync),
    };

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
