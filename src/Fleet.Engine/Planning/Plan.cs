using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Engine.Planning;

/// <summary>
/// A whole plan: the change of every resource in scope, what each change waits for before it
/// starts (<see cref="ChangeOrder"/>: the graph's order, deletes in reverse of the state's
/// recorded dependencies), and what it was computed against (the state's serial and a digest of
/// the graph) so a saved plan is refused once either moved on.
/// </summary>
public sealed record Plan(
    string Fleet,
    long StateSerial,
    string GraphDigest,
    ImmutableArray<PlannedChange> Changes,
    ImmutableSortedDictionary<string, ImmutableArray<string>> WaitsFor)
{
    /// <summary>
    /// 3: the plan records its scope (`--on`, `--target`, `--no-refresh`), so `apply FILE` can
    /// plan the same slice again and compare; a saved file carries a MAC (<see cref="SavedPlan"/>).
    /// 2: each change lists what it waits for as `after` (was `dependsOn`, without deletes' order).
    /// </summary>
    public const int FormatVersion = 3;

    /// <summary>What the plan covers, as given to the planner.</summary>
    public PlanScope Scope { get; init; } = PlanScope.Everything;

    /// <summary>Whether providers were asked what is really there (false with `--no-refresh`).</summary>
    public bool Refreshed { get; init; } = true;

    /// <summary>Resources that could not be planned (their provider failed), with the reason.</summary>
    public ImmutableSortedDictionary<string, string> Failures { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Resources not planned because something they depend on could not be planned.</summary>
    public ImmutableArray<string> Skipped { get; init; } = [];

    public bool IsComplete => Failures.IsEmpty && Skipped.IsEmpty;

    public int Count(PlanAction action) => Changes.Count(c => c.Action == action);

    public bool HasChanges => Changes.Any(c => c.IsChange);

    public string Summary =>
        $"Plan: {Count(PlanAction.Create)} to create, {Count(PlanAction.Update)} to update, " +
        $"{Count(PlanAction.Replace)} to replace, {Count(PlanAction.Delete)} to delete, {Count(PlanAction.Noop)} unchanged.";

    public void WriteTo(Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        PlanJson.Write(writer, this);
    }
}
