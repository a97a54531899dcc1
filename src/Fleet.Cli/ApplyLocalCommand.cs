using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Nodes;

namespace Fleet.Cli;

/// <summary>
/// `fleet apply-local [--sudo] [--node NAME] [GOAL]`: deploys the machine fleet runs on, as
/// Colmena's apply-local does: the node named as this host (or `--node`), refused unless it has
/// deployment.allowLocalDeployment. The same apply as `fleet apply` of that node alone, its
/// providers told (FLEET_LOCAL_NODE) that the node is this machine: built here, nothing copied,
/// activated through the local fleet-agent with health checks and rollback on their failure (no
/// magic rollback: no connection can be lost), secrets written through the agent's write-secret.
/// </summary>
internal static class ApplyLocalCommand
{
    private static readonly Argument<string?> s_goal = new("goal")
    {
        Description = "switch, boot, test, dry-activate or build (default: the node's deployment.goal)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<bool> s_sudo = new("--sudo")
    {
        Description = "When fleet is not root, run the privileged steps through the node's deployment.privilegeEscalationCommand",
    };

    private static readonly Option<string?> s_node = new("--node") { Description = "The node this machine is (default: the one named as this host)" };

    public static Command Create()
    {
        var command = new Command("apply-local", "Deploy the machine fleet runs on (a node with deployment.allowLocalDeployment), without SSH");
        command.Arguments.Add(s_goal);
        command.Options.Add(s_sudo);
        command.Options.Add(s_node);
        command.Options.Add(ApplyCommand.Parallel);
        command.Options.Add(ApplyCommand.Plain);
        command.Options.Add(ApplyCommand.AskSudoPassword);
        command.Options.Add(FleetOptions.Json);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() => RunAsync(parse, cancellationToken)));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var goal = parse.GetValue(s_goal);
        if (goal is not (null or "switch" or "boot" or "test" or "dry-activate" or "build"))
        {
            throw new FleetException($"goal {goal}: expected switch, boot, test, dry-activate or build");
        }

        var sudo = parse.GetValue(s_sudo);
        if (!Environment.IsPrivilegedProcess && !sudo && goal != "build")
        {
            throw new FleetException(
                "fleet apply-local activates this machine's system, which needs root: run it as root, or add --sudo " +
                "to run the privileged steps through the node's deployment.privilegeEscalationCommand");
        }

        var name = parse.GetValue(s_node) ?? Environment.MachineName;
        // Read by the providers' node access (Fleet.Nodes' SshTarget): this node is this machine.
        Environment.SetEnvironmentVariable(SshTarget.LocalNodeVariable, name);
        Environment.SetEnvironmentVariable(SshTarget.LocalEscalationVariable, sudo ? "1" : null);
        // The goal is this run's, as `fleet apply GOAL`'s: not recorded, and one that leaves the node
        // as it is (dry-activate, build) works on its system alone and records nothing.
        var systemOnly = goal is not null && ApplyGoals.LeavesNodesAsTheyAre(goal);
        return ApplyCommand.RunAsync(
            parse, cancellationToken, new PartialApply(graph => Local(graph, name, goal, parse.GetValue(s_node) is null, systemOnly), plan => plan), verbGoal: goal);
    }

    /// <summary>The node's own resources (its system alone with <paramref name="systemOnly"/>), checked for allowLocalDeployment, with the goal given and no reboot.</summary>
    private static ResourceGraph Local(ResourceGraph graph, string name, string? goal, bool fromHostName, bool systemOnly)
    {
        var node = graph.Nodes.FirstOrDefault(n => n.Node == name)
            ?? throw new FleetException(
                $"no node `{name}` in fleet {graph.Fleet}{(fromHostName ? " (this host's name; name the node with --node)" : "")}: " +
                $"its nodes are {string.Join(", ", graph.Nodes.Select(n => n.Node))}");
        if (!(node.Inputs.TryGetProperty("allowLocalDeployment", out var allowed) && allowed.ValueKind == JsonValueKind.True))
        {
            throw new FleetException($"node {name} does not allow local deployment: set deployment.allowLocalDeployment = true in its configuration to deploy it with fleet apply-local");
        }

        var own = graph.Resources.Values.Where(r => systemOnly ? r.Id == node.Id : r.Node == name).Select(r => r.Id).ToImmutableHashSet(StringComparer.Ordinal);
        var local = graph with
        {
            Resources = graph.Resources.Where(r => own.Contains(r.Key))
                .ToImmutableSortedDictionary(r => r.Key, r => r.Value with { DependsOn = [.. r.Value.DependsOn.Where(own.Contains)] }, StringComparer.Ordinal),
        };
        if (node.Inputs.TryGetProperty("reboot", out var reboot) && reboot.ValueKind == JsonValueKind.True)
        {
            Console.Error.WriteLine($"note: not rebooting {name}: apply-local does not reboot the machine it runs on");
            local = local.WithNodeInput("reboot", JsonSerializer.SerializeToElement(false, CliJsonContext.Default.Boolean));
        }

        return goal is null ? local : local.WithNodeInput("goal", JsonSerializer.SerializeToElement(goal, CliJsonContext.Default.String));
    }
}
