using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>`validate` answer: empty diagnostics means valid; any "error" severity rejects the inputs.</summary>
public sealed record ValidateResult(ImmutableArray<Diagnostic> Diagnostics);
