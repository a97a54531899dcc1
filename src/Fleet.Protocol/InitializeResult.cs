using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>`initialize` answer: who the provider is and the resource types it manages.</summary>
public sealed record InitializeResult(
    string Name,
    string Version,
    int ProtocolVersion,
    ImmutableArray<ResourceTypeSchema> ResourceTypes);
