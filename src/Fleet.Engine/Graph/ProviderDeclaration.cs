using System.Collections.Immutable;

namespace Fleet.Engine.Graph;

/// <summary>A provider the fleet declares: the argv that starts it and its per-call timeout.</summary>
public sealed record ProviderDeclaration(string Name, ImmutableArray<string> Command, TimeSpan Timeout);
