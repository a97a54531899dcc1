using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>The <c>data</c> of a <see cref="JsonRpcErrorCodes.ResourceFailed"/> error.</summary>
public sealed record ResourceFailureData(ImmutableArray<Diagnostic> Diagnostics);
