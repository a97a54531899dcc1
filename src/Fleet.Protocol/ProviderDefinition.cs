using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>What a provider built on <see cref="ProviderServer"/> is: its name, version and one handler per resource type.</summary>
public sealed record ProviderDefinition(string Name, string Version, ImmutableArray<ResourceHandler> Resources);
