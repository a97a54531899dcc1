using System.Collections.Immutable;
using System.CommandLine;
using Fleet.Engine.Graph;

namespace Fleet.Cli;

/// <summary>
/// `fleet build [--on SEL]`: builds the selected nodes' systems and copies nothing (Colmena's
/// `colmena build`); `fleet apply build` under its own name, with apply's options but the goal.
/// </summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var command = new Command("build", "Build the selected nodes' systems; nothing is copied or activated");
        ApplyCommand.AddApplyOptions(command, withGoal: false);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() =>
            ApplyCommand.RunAsync(parse, cancellationToken, SystemsOnly(parse), verbGoal: "build")));
        return command;
    }

    /// <summary>
    /// The slice of the fleet goals build and push work on: the selected nodes' systems, and no
    /// secret, hook or other resource (none of them is for a system that is not activated).
    /// </summary>
    internal static PartialApply SystemsOnly(ParseResult parse) => new(graph =>
    {
        var selector = NodeSelector.Parse(parse.GetValue(FleetOptions.On));
        selector.RequireMatches(graph);
        var systems = selector.SelectNodes(graph).ToImmutableSortedDictionary(r => r.Id, r => r with { DependsOn = [] }, StringComparer.Ordinal);
        return systems.IsEmpty
            ? throw new Engine.Errors.FleetException($"fleet {graph.Fleet} has no nodes to build")
            : graph with { Resources = systems };
    }, plan => plan);
}
