using System.Collections.Immutable;
using Fleet.Fuzz.Targets;

namespace Fleet.Fuzz;

/// <summary>Every fuzz target, by name; each has a corpus under tests/Fleet.Fuzz/corpus/NAME.</summary>
public static class FuzzTargets
{
    public static ImmutableArray<FuzzTarget> All { get; } =
    [
        new ProtocolReaderTarget(),
        new ProviderServerTarget(),
        new ResourceGraphTarget(),
        new AgentArgumentsTarget(),
        new SecretUploadFrameTarget(),
        new PlanFileTarget(),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
