using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.Engine.Graph;

/// <summary>
/// Run-wide overrides of the nixos.system inputs of every node (`--goal`, `--reboot`,
/// `--no-substitute`, `--build-on-target`, `--keep-result`), applied to the evaluated graph
/// before planning: the Nix configuration stays as written, and the plan shows each override as
/// the input it changes.
/// </summary>
public sealed record NodeInputOverrides(ImmutableArray<NodeInputOverrides.Item> Items)
{
    public static NodeInputOverrides None { get; } = new([]);

    public bool IsEmpty => Items.IsEmpty;

    /// <summary>Every node's <paramref name="input"/> set to <paramref name="value"/>.</summary>
    public NodeInputOverrides With(string input, JsonElement value) =>
        new([.. Items.Where(i => i.Input != input), new Item(input, _ => value, value.GetRawText())]);

    /// <summary>Every node's <paramref name="input"/> set to a value of its own; <paramref name="shown"/> says what it is in one line.</summary>
    public NodeInputOverrides With(string input, Func<Resource, JsonElement> valueOf, string shown) =>
        new([.. Items.Where(i => i.Input != input), new Item(input, valueOf, shown)]);

    public ResourceGraph ApplyTo(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Items.Aggregate(graph, (g, item) => g.WithNodeInput(item.Input, item.ValueOf));
    }

    /// <summary>"goal = \"push\", substituteOnDestination = false".</summary>
    public string Describe() => string.Join(", ", Items.Select(i => $"{i.Input} = {i.Shown}"));

    /// <param name="Shown">The value as the plan line shows it.</param>
    public sealed record Item(string Input, Func<Resource, JsonElement> ValueOf, string Shown);
}
