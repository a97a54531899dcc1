using System.CommandLine;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;

namespace Fleet.Cli;

/// <summary>--on, --target and --no-refresh, shared by plan and apply.</summary>
internal static class SelectionOptions
{
    public static Option<string[]> Target { get; } = new("--target")
    {
        Description = "Only this resource (and what it depends on); repeatable",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<bool> NoRefresh { get; } = new("--no-refresh")
    {
        Description = "Trust state instead of asking providers what is really there",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(FleetOptions.On);
        command.Options.Add(Target);
        command.Options.Add(NoRefresh);
    }

    public static PlanScope Scope(ParseResult parse) =>
        new(NodeSelector.Parse(parse.GetValue(FleetOptions.On)), [.. parse.GetValue(Target) ?? []]);
}
