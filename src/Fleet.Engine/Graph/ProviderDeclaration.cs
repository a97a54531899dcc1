using System.Collections.Immutable;

namespace Fleet.Engine.Graph;

/// <summary>
/// A provider the fleet declares: the argv that starts it (empty: the built-in provider of that
/// name) and how long one call may go without the provider saying anything about it.
/// </summary>
public sealed record ProviderDeclaration(string Name, ImmutableArray<string> Command, TimeSpan Timeout)
{
    /// <summary>The timeout of a provider whose declaration gives none, or that is not declared at all (a built-in).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);
}
