using System.Collections.Immutable;

namespace Fleet.Cli;

/// <summary>
/// What `fleet apply` can be asked to do, positionally as Colmena takes it (`fleet apply boot`)
/// or with `--goal`. The node goals are deployment.goal's values and reach nixos.system as its
/// `goal` input; `keys` is no node goal: it uploads the selected nodes' secrets and nothing else.
/// </summary>
internal static class ApplyGoals
{
    public const string Keys = "keys";

    /// <summary>deployment.goal's values, in the order the help lists them.</summary>
    public static ImmutableArray<string> NodeGoals { get; } = ["switch", "boot", "test", "dry-activate", "build", "push"];

    public static ImmutableArray<string> All { get; } = [.. NodeGoals, Keys];

    /// <summary>Goals that change nothing a node runs or boots: they run no hook, upload no secret and record nothing.</summary>
    public static bool LeavesNodesAsTheyAre(string goal) => goal is "build" or "push" or "dry-activate";

    public static bool IsGoal(string word) => All.Contains(word, StringComparer.Ordinal);

    public static string Listed => string.Join(", ", All.Take(All.Length - 1)) + " or " + All[^1];
}
